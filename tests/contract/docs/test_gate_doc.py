"""docs/gate.md names every alarm class, resolution and tag-check outcome; docs/api.md every gate route."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from server.api import API_PREFIX
from server.app import create_app
from server.domain.gate import AlarmClass, AlarmResolution, TagCheckOutcome
from server.settings import ServerSettings

DOCS = Path(__file__).resolve().parents[3] / "docs"
PARAMETER = r"\{[^}]+\}"  # `{alarm_id}` in the schema, `{id}` in the doc: the same route


@pytest.mark.parametrize("values", [AlarmClass, AlarmResolution, TagCheckOutcome], ids=lambda e: e.__name__)
def test_every_value_is_documented(values: type[StrEnum]) -> None:
    text = (DOCS / "gate.md").read_text(encoding="utf-8")
    assert [v.value for v in values if f"`{v.value}`" not in text] == []


def _as_documented(method: str, path: str) -> str:
    """How the doc's tables write a route: `GET /gate/alarms?…`, `POST /gate/alarms/{id}/resolve`."""
    return f"{method.upper()} {re.sub(PARAMETER, '{id}', path.removeprefix(API_PREFIX))}"


def test_every_gate_route_is_in_the_api_doc(tmp_path: Path) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    schema = create_app(ServerSettings(data_dir=tmp_path, ingest_enabled=False, _env_file=None)).openapi()
    routes = {
        _as_documented(method, path)
        for path, operations in schema["paths"].items()
        if path.startswith(f"{API_PREFIX}/gate/")
        for method in operations
    }
    assert len(routes) >= 13
    documented = re.sub(PARAMETER, "{id}", text)
    assert [route for route in sorted(routes) if not re.search(rf"`{re.escape(route)}[`?]", documented)] == []
