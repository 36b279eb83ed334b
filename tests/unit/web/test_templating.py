"""The Jinja2 environments and the shared components, rendered to HTML and read back with a parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from web import Flash, Templates, styleguide
from web.assets import WEB_STATIC, StaticAssets
from web.locales import LANGUAGES, Language

ASSETS = StaticAssets(WEB_STATIC)


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], text: str = "") -> None:
        self.tag, self.attrs, self.text = tag, attrs, text


class Collector(HTMLParser):
    """Every element of a document with its attributes; the text of <script> and <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.elements and self.elements[-1].tag in ("script", "style"):
            self.elements[-1].text += data.strip()


def parse(html: str) -> list[Element]:
    collector = Collector()
    collector.feed(html)
    return collector.elements


def by_tag(elements: list[Element], tag: str) -> list[Element]:
    return [e for e in elements if e.tag == tag]


@pytest.fixture
def templates(tmp_path: Path) -> Templates:
    (tmp_path / "page.html").write_text(
        '{% extends "web/layout.html" %}{% block title %}{{ _("Language") }}{% endblock %}'
        "{% block content %}<p>{{ body }}</p>{% endblock %}",
        encoding="utf-8",
    )
    return Templates(ASSETS.url, directories=[tmp_path], timezone=ZoneInfo("Asia/Ho_Chi_Minh"))


def snippet(templates: Templates, lang: Language, source: str, **context: object) -> str:
    return templates.environment(lang).from_string(source).render(context)


def test_values_are_escaped(templates: Templates) -> None:
    assert snippet(templates, "vi", "{{ x }}", x="<script>") == "&lt;script&gt;"
    assert snippet(templates, "en", '{{ _("Loans of %(name)s", name=x) }}', x="<b>") == "Loans of &lt;b&gt;"


def test_an_undefined_variable_is_an_error(templates: Templates) -> None:
    with pytest.raises(UndefinedError):
        snippet(templates, "vi", "{{ missing }}")


def test_each_environment_speaks_its_language(templates: Templates) -> None:
    source = '{{ _("Language") }} / {% trans %}required{% endtrans %} / {{ lang }}'
    assert snippet(templates, "vi", source) == "Ngôn ngữ / bắt buộc / vi"
    assert snippet(templates, "en", source) == "Language / required / en"


def test_filters_format_for_the_language_in_the_library_zone(templates: Templates) -> None:
    source = "{{ at|date }} {{ at|time }} | {{ at|datetime }} | {{ n|number }} | {{ fine|money }}"
    at = datetime(2026, 12, 9, 17, 30, tzinfo=UTC)
    values = {"at": at, "n": 1250.5, "fine": 5000}
    assert (
        snippet(templates, "vi", source, **values)
        == "10/12/2026 00:30 | 00:30 10/12/2026 | 1.250,5 | 5.000\xa0₫"
    )
    utc = Templates(ASSETS.url, timezone=ZoneInfo("UTC"))
    assert snippet(utc, "en", "{{ at|date }}", at=at) == "9 Dec 2026"


def test_static_url_gives_the_hashed_name(templates: Templates) -> None:
    url = snippet(templates, "vi", "{{ static_url('css/stacks.css') }}")
    assert url == ASSETS.url("css/stacks.css")
    assert url.startswith("/static/css/stacks.")
    assert url.endswith(".css")


def test_a_page_extends_the_layout(templates: Templates) -> None:
    html = templates.render(
        "page.html",
        "en",
        body="Hello",
        language_links={"vi": "/?lang=vi", "en": "/?lang=en"},
        flashes=[Flash("danger", "Reader offline")],
    )
    elements = parse(html)
    assert by_tag(elements, "html")[0].attrs["lang"] == "en"
    assert "<title>Language · Library</title>" in html
    skip = by_tag(elements, "a")[0]
    assert (skip.attrs["class"], skip.attrs["href"]) == ("skip-link", "#main")
    assert by_tag(elements, "main")[0].attrs["id"] == "main"
    current = [a for a in by_tag(elements, "a") if a.attrs.get("aria-current") == "true"]
    assert [(a.attrs["hreflang"], a.attrs["href"]) for a in current] == [("en", "/?lang=en")]
    assert [
        d.attrs["role"] for d in by_tag(elements, "div") if "alert" in (d.attrs.get("class") or "").split()
    ] == ["alert"]
    meta = next(m for m in by_tag(elements, "meta") if m.attrs.get("name") == "htmx-config")
    assert json.loads(meta.attrs["content"] or "")["includeIndicatorStyles"] is False


def test_a_page_without_language_links_or_flashes(templates: Templates) -> None:
    html = templates.render("page.html", "vi", body="Xin chào")
    assert "lang-switch" not in html
    assert "flashes" not in html
    assert "<title>Ngôn ngữ · Thư viện</title>" in html


def _component(templates: Templates, call: str, lang: Language = "en") -> list[Element]:
    imports = (
        '{% from "web/components/forms.html" import field, select, checkbox, button %}'
        '{% from "web/components/feedback.html" import alert, badge, live_region, connection_banner %}'
        '{% from "web/components/tables.html" import table %}'
    )
    return parse(snippet(templates, lang, imports + call))


def test_a_field_is_labelled_and_described(templates: Templates) -> None:
    elements = _component(
        templates, '{{ field("barcode", "Item barcode", hint="Scan it", error="Unknown", required=true) }}'
    )
    label, control = by_tag(elements, "label")[0], by_tag(elements, "input")[0]
    assert label.attrs["for"] == control.attrs["id"] == "field-barcode"
    assert control.attrs["aria-describedby"] == "field-barcode-hint field-barcode-error"
    assert control.attrs["aria-invalid"] == "true"
    assert "required" in control.attrs
    ids = {e.attrs.get("id") for e in elements}
    assert {"field-barcode-hint", "field-barcode-error"} <= ids


def test_attributes_are_passed_on_and_escaped(templates: Templates) -> None:
    elements = _component(
        templates, '{{ button("Go", attrs={"hx-post": "/x?a=1&b=\\"2\\"", "disabled": true}) }}'
    )
    assert by_tag(elements, "button")[0].attrs["hx-post"] == '/x?a=1&b="2"'
    assert "disabled" in by_tag(elements, "button")[0].attrs


def test_a_badge_has_words_and_an_icon(templates: Templates) -> None:
    elements = _component(templates, '{{ badge("Overdue", "warning") }}')
    assert by_tag(elements, "svg")[0].attrs["aria-hidden"] == "true"
    assert "Overdue" in snippet(
        templates,
        "en",
        '{% from "web/components/feedback.html" import badge %}{{ badge("Overdue", "warning") }}',
    )


@pytest.mark.parametrize(
    ("tone", "role"), [("info", "status"), ("success", "status"), ("warning", "alert"), ("danger", "alert")]
)
def test_alerts_interrupt_only_for_warnings_and_errors(templates: Templates, tone: str, role: str) -> None:
    elements = _component(templates, f'{{{{ alert("Text", "{tone}") }}}}')
    assert by_tag(elements, "div")[0].attrs["role"] == role


def test_a_table_has_a_caption_and_column_headers(templates: Templates) -> None:
    elements = _component(
        templates, '{{ table("t", "Loans", ["Title", "Fine"], [["A", "5"]], numeric=(1,)) }}'
    )
    assert [th.attrs["scope"] for th in by_tag(elements, "th")] == ["col", "col"]
    assert by_tag(elements, "td")[1].attrs["class"] == "num"
    region = by_tag(elements, "div")[0]
    assert (region.attrs["role"], region.attrs["aria-labelledby"]) == ("region", "t-caption")


def test_a_live_region_listens_to_its_stream(templates: Templates) -> None:
    elements = _component(templates, '{{ live_region("feed", "Scans", sse_url="/events", event="scan") }}')
    content = next(e for e in elements if "sse-connect" in e.attrs)
    assert (content.attrs["sse-swap"], content.attrs["aria-live"], content.attrs["hx-ext"]) == (
        "scan",
        "polite",
        "sse",
    )


def test_the_connection_banner_waits_hidden(templates: Templates) -> None:
    elements = _component(templates, "{{ connection_banner() }}")
    message = next(e for e in elements if "data-connection-lost" in e.attrs)
    assert "hidden" in message.attrs


@pytest.mark.parametrize("mode", list(styleguide.MODES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_style_guide_obeys_the_content_security_policy(
    templates: Templates, lang: Language, mode: str
) -> None:
    """No inline script, event handler or style: the policy would block them."""
    html = styleguide.render(templates, lang, mode=mode, events_url="/events", page_url="/styleguide")
    elements = parse(html)
    assert all(e.attrs.get("src") and not e.text for e in by_tag(elements, "script"))
    assert by_tag(elements, "style") == []
    assert [(e.tag, a) for e in elements for a in e.attrs if a.startswith("on") or a == "style"] == []
    # Every control has a label pointing at it.
    labelled = {label.attrs["for"] for label in by_tag(elements, "label")}
    controls = [e for e in elements if e.tag in ("input", "select", "textarea")]
    assert controls
    assert {c.attrs["id"] for c in controls} <= labelled


def test_the_style_guide_refuses_an_unknown_mode(templates: Templates) -> None:
    with pytest.raises(ValueError, match="mode"):
        styleguide.render(templates, "vi", mode="dark", events_url="/e", page_url="/s")
