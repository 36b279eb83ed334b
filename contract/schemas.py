"""JSON Schemas of every message, generated from the models (published in docs/schemas/).

`stacks contract schemas` rewrites them; a contract test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from contract.events import EVENT_CLASSES
from contract.offline import OfflineReaderShard
from contract.replies import REPLY_CLASSES
from contract.status import Acks, DeviceStatus


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["title"] = title
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """Relative file name → schema."""
    schemas: dict[str, dict[str, Any]] = {}
    for event in EVENT_CLASSES:
        schemas[f"events/{event.KIND}.v{event.VERSION}.schema.json"] = _schema(
            event, f"{event.KIND} v{event.VERSION}"
        )
    for reply in REPLY_CLASSES:
        schemas[f"replies/{reply.KIND}.schema.json"] = _schema(reply, reply.KIND)
    schemas["status.schema.json"] = _schema(DeviceStatus, "device status")
    schemas["acks.schema.json"] = _schema(Acks, "acks")
    schemas["offline-readers.schema.json"] = _schema(OfflineReaderShard, "offline readers (one shard)")
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    written = []
    for name, schema in all_schemas().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Schema files that are missing or differ from the models."""
    stale = []
    for name, schema in all_schemas().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != render(schema):
            stale.append(name)
    return stale
