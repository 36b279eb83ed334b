"""A stock-take session's name and scope as the console's form sends them, and back.

The form has the session's name; the locations ticked in the library's tree (`location`, ids); call-number
ranges in a text box, one a line, "from – to" (an en dash, two dots, or a hyphen with spaces around it:
call numbers themselves hold hyphens); the item types and the expected statuses ticked. `ScopeForm` keeps
what was sent, so that a refused form comes back as it was, with the reason next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Form

from server.domain.enums import ItemStatus
from web import N_

_RANGE = re.compile(r"\s*(?:–|—|\.\.|\s-\s)\s*")
STATUSES = tuple(ItemStatus)
DEFAULT_EXPECTED = frozenset({ItemStatus.AVAILABLE.value})
NAME_MAX = 200
RANGES_MAX = 4000


@dataclass
class ScopeForm:
    name: str = ""
    locations: set[int] = field(default_factory=set)
    call_ranges: str = ""
    item_types: set[str] = field(default_factory=set)
    expected: set[str] = field(default_factory=lambda: set(DEFAULT_EXPECTED))
    errors: list[str] = field(default_factory=list)  # English messages, translated in the template

    @classmethod
    def sent(
        cls,
        name: str,
        locations: list[str] | None,
        call_ranges: str,
        item_types: list[str] | None,
        expected: list[str] | None,
    ) -> ScopeForm:
        return cls(
            name=name.strip(),
            locations={int(x) for x in locations or () if x.isdigit() and len(x) < 12},
            call_ranges=call_ranges.strip(),
            item_types={t for t in item_types or () if t},
            expected={s for s in expected or () if s in {x.value for x in STATUSES}} or set(DEFAULT_EXPECTED),
        )

    @classmethod
    def of(cls, name: str, scope: dict[str, Any]) -> ScopeForm:
        """A stored session's form: its name and scope."""
        return cls(
            name=name,
            locations=set(scope.get("locations", ())),
            call_ranges="\n".join(f"{a} – {b}" for a, b in scope.get("call_ranges", ())),
            item_types=set(scope.get("item_types", ())),
            expected=set(scope.get("expected_statuses", ())) or set(DEFAULT_EXPECTED),
        )

    def scope(self) -> dict[str, Any] | None:
        """The scope document the services take, or None (with `errors` said) when the form is wrong."""
        if not self.name:
            self.errors.append(N_("Give the session a name."))
        ranges: list[list[str]] = []
        for line in self.call_ranges.splitlines():
            if not line.strip():
                continue
            parts = _RANGE.split(line.strip())
            if len(parts) != 2 or not all(parts):
                self.errors.append(N_("Write each call-number range on a line of its own as “from – to”."))
                break
            ranges.append(parts)
        if self.errors:
            return None
        return {
            "locations": sorted(self.locations),
            "call_ranges": ranges,
            "item_types": sorted(self.item_types),
            "expected_statuses": sorted(self.expected),
        }


def sent_form(
    name: Annotated[str, Form(max_length=NAME_MAX)] = "",
    location: Annotated[list[str] | None, Form()] = None,
    call_ranges: Annotated[str, Form(max_length=RANGES_MAX)] = "",
    item_type: Annotated[list[str] | None, Form()] = None,
    expected: Annotated[list[str] | None, Form()] = None,
) -> ScopeForm:
    """The form as a route's dependency."""
    return ScopeForm.sent(name, location, call_ranges, item_type, expected)


SentForm = Annotated[ScopeForm, Depends(sent_form)]
