"""The catalogue search in the console (the public search's results, records leading to the console's
record page) and the public catalogue answering without sign-in, in-process."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.support import factories as f


def test_staff_and_readers_search_the_same_catalogue(
    console_engine: Engine, signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient]
) -> None:
    with Session(console_engine) as session:
        record = f.record(session, title="Lục Vân Tiên", author="Nguyễn Đình Chiểu", language="vie")
        f.item(session, record, item_type="textbook")
        session.commit()
        record_id = record.id
    staff = signed_in("assistant")
    page = staff.get("/console/catalogue", params={"q": "luc van tien"})
    assert page.status_code == 200
    assert f'href="/console/records/{record_id}"' in page.text
    fragment = staff.get("/console/catalogue/results", params={"q": "lục vân t", "typing": "true"})
    assert "Lục Vân Tiên" in fragment.text
    assert "<html" not in fragment.text
    # the facets name the language and the item type, in the page's language
    assert ">Tiếng Việt</a>" in fragment.text
    assert ">Giáo trình (mượn ngắn hạn)</a>" in fragment.text

    reader = new_client()
    public = reader.get("/catalogue/", params={"q": "nguyen dinh chieu", "lang": "en"})
    assert public.status_code == 200
    assert f'href="/catalogue/records/{record_id}"' in public.text
    assert "1 record found." in public.text
    assert ">Vietnamese</a>" in public.text
    assert ">Textbook (short loan)</a>" in public.text
    assert reader.get(f"/catalogue/records/{record_id}").status_code == 200
    assert reader.get("/catalogue/records/99999999").status_code == 404
    assert reader.get("/console/catalogue", follow_redirects=False).status_code == 303  # staff only
