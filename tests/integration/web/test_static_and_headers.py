"""The style guide app over HTTP, in process: hashed static files and their caching, the security headers,
the language a page is served in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.support.styleguide import build_app
from web import WEB_STATIC, StaticAssets
from web.assets import IMMUTABLE, REVALIDATE, hashed_name, split_hashed
from web.security import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(build_app()) as test_client:
        yield test_client


def test_a_hashed_name_is_cached_for_a_year(client: TestClient) -> None:
    url = StaticAssets(WEB_STATIC).url("css/stacks.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-type"].startswith("text/css")
    assert response.content == (WEB_STATIC / "css" / "stacks.css").read_bytes()


def test_a_plain_name_is_revalidated(client: TestClient) -> None:
    response = client.get("/static/js/stacks.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == REVALIDATE
    again = client.get("/static/js/stacks.js", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_a_stale_or_unknown_hash_is_not_found(client: TestClient) -> None:
    assert client.get("/static/css/stacks.000000000000.css").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_hashed_names() -> None:
    assert (
        hashed_name("vendor/htmx-2.0.11.min.js", "0123456789ab") == "vendor/htmx-2.0.11.min.0123456789ab.js"
    )
    assert split_hashed("vendor/htmx-2.0.11.min.0123456789ab.js") == (
        "vendor/htmx-2.0.11.min.js",
        "0123456789ab",
    )
    assert split_hashed("css/stacks.css") == ("css/stacks.css", None)
    with pytest.raises(LookupError):
        StaticAssets(WEB_STATIC).url("css/missing.css")


def test_an_earlier_directory_wins(tmp_path_factory: pytest.TempPathFactory) -> None:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    (first / "app.css").write_text("first")
    (second / "app.css").write_text("second")
    (second / "only.css").write_text("only")
    assets = StaticAssets(first, second, prefix="/assets/")
    app = Starlette(routes=[], middleware=[])
    app.mount("/assets", assets)
    with TestClient(app) as local:
        assert local.get(assets.url("app.css")).text == "first"
        assert local.get(assets.url("only.css")).text == "only"
        assert assets.url("only.css").startswith("/assets/only.")


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/styleguide", "/static/js/stacks.js", "/static/missing.js"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
    policy = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_a_header_the_app_sets_is_kept() -> None:
    async def framed(_request: object) -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    app = Starlette(routes=[Route("/", framed)], middleware=[Middleware(SecurityHeadersMiddleware)])
    with TestClient(app) as local:
        response = local.get("/")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("query", "accept", "lang", "word"),
    [
        ("", None, "vi", "Hướng dẫn giao diện"),
        ("", "en-US,en", "en", "Style guide"),
        ("?lang=vi", "en", "vi", "Hướng dẫn"),
    ],
)
def test_the_page_speaks_the_chosen_language(
    client: TestClient, query: str, accept: str | None, lang: str, word: str
) -> None:
    headers = {"accept-language": accept} if accept else {}
    response = client.get(f"/styleguide{query}", headers=headers)
    assert response.headers["content-language"] == lang
    assert f'<html lang="{lang}"' in response.text
    assert word in response.text
