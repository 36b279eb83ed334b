"""Scripts for the simulated field: which tags start in it, and what happens when.

JSON or TOML with the same shape (TOML shown):

    isil = "VN-VNULIC"            # owner written to scripted tags (default: config/tags.toml)
    loop_s = 20                   # optional: start the steps again this long after the start

    [[tags]]                      # in the field from the start
    item_id = "VV000123"
    afi = 0x07                    # optional (default 0x07, in the library); uid, eas, dsfid too

    [[steps]]
    at = 2.0                      # seconds after the start (or after the loop restarted)
    enter = [{ item_id = "VV000124", afi = 0xC2 }]
    [[steps]]
    at = 5.0
    leave = ["VV000124"]          # item ids or UIDs (hex); "all" empties the field
    fault = "corrupt"             # one fault for the next reply (see devices.sim.field.Fault)
    unplug_s = 1.5                # pull the cable for this long

Tags without a `uid` get one derived from their position, so a script always produces the same UIDs.
"""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from devices.sim.field import Fault, Field, VirtualTag, make_uid

SCRIPT_SERIAL_BASE = 0x5C_0000


class FieldScriptError(DeviceError):
    """A field script cannot be read or names something unknown."""


@dataclass(frozen=True, slots=True)
class Step:
    at_s: float
    enter: tuple[VirtualTag, ...] = ()
    leave: tuple[str, ...] = ()
    fault: Fault | None = None
    unplug_s: float | None = None


@dataclass(frozen=True, slots=True)
class FieldScript:
    tags: tuple[VirtualTag, ...] = ()
    steps: tuple[Step, ...] = ()
    loop_s: float | None = None
    item_ids: dict[bytes, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, *, default_isil: str) -> FieldScript:
        try:
            text = path.read_text(encoding="utf-8")
            raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        except (OSError, ValueError) as exc:
            raise FieldScriptError(f"cannot read field script {path}: {exc}") from exc
        return cls.from_dict(raw, default_isil=default_isil)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, default_isil: str) -> FieldScript:
        isil = str(raw.get("isil", default_isil))
        item_ids: dict[bytes, str] = {}
        counter = iter(range(SCRIPT_SERIAL_BASE, SCRIPT_SERIAL_BASE + 1_000_000))

        def tag(spec: dict[str, Any]) -> VirtualTag:
            try:
                uid = bytes.fromhex(spec["uid"]) if "uid" in spec else make_uid(next(counter))
                made = VirtualTag.library_item(
                    uid,
                    str(spec["item_id"]),
                    isil=str(spec.get("isil", isil)),
                    afi=int(spec.get("afi", 0x07)),
                    eas=bool(spec.get("eas", False)),
                    dsfid=int(spec.get("dsfid", 0)),
                )
            except (KeyError, ValueError, TypeError, DeviceError) as exc:
                raise FieldScriptError(f"bad tag {spec!r}: {exc}") from exc
            item_ids[made.uid] = str(spec["item_id"])
            return made

        try:
            tags = tuple(tag(spec) for spec in raw.get("tags", ()))
            steps = tuple(
                Step(
                    at_s=float(step.get("at", 0.0)),
                    enter=tuple(tag(spec) for spec in step.get("enter", ())),
                    leave=tuple(str(name) for name in step.get("leave", ())),
                    fault=Fault(step["fault"]) if "fault" in step else None,
                    unplug_s=float(step["unplug_s"]) if "unplug_s" in step else None,
                )
                for step in raw.get("steps", ())
            )
        except (ValueError, TypeError, AttributeError) as exc:
            raise FieldScriptError(f"bad step: {exc}") from exc
        loop = raw.get("loop_s")
        return cls(tags, tuple(sorted(steps, key=lambda s: s.at_s)), float(loop) if loop else None, item_ids)

    def uids_for(self, names: tuple[str, ...], current: list[VirtualTag]) -> list[bytes]:
        """UIDs that `leave` names: "all", an item id of a scripted tag, or a UID in hex."""
        if "all" in names:
            return [tag.uid for tag in current]
        by_item = {item: uid for uid, item in self.item_ids.items()}
        out: list[bytes] = []
        for name in names:
            if name in by_item:
                out.append(by_item[name])
            else:
                try:
                    out.append(bytes.fromhex(name))
                except ValueError:
                    raise FieldScriptError(f"leave names {name!r}: neither an item id nor a UID") from None
        return out


class ScriptRunner:
    """Plays a script's steps against a field on a background thread (looping if the script says so)."""

    def __init__(self, script: FieldScript, field_: Field, unplug: Callable[[float], None]) -> None:
        self.script = script
        self.field = field_
        self._unplug = unplug
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="field-script", daemon=True)
        self.steps_done = 0

    def start(self) -> ScriptRunner:
        self.field.add(*self.script.tags)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            elapsed = 0.0
            for step in self.script.steps:
                if self._stop.wait(max(0.0, step.at_s - elapsed)):
                    return
                elapsed = step.at_s
                self.apply(step)
            if self.script.loop_s is None:
                return
            if self._stop.wait(max(0.0, self.script.loop_s - elapsed)):
                return

    def apply(self, step: Step) -> None:
        self.field.add(*step.enter)
        if step.leave:
            self.field.remove(*self.script.uids_for(step.leave, self.field.tags()))
        if step.fault is not None:
            self.field.inject(step.fault)
        if step.unplug_s is not None:
            self._unplug(step.unplug_s)
        self.steps_done += 1
