"""What the circulation desk shows beside each scan: the scan, and the answer of the action it became.

A scan is what the scanner typed (an item barcode). It becomes a desk action
(server/services/desk_actions.py) whose stored reply is shown: the decision with its message in the staff
member's language (a loan's message says its due date), where a returned item goes, a fine charged — or,
when nothing could be done (not a barcode, no patron scanned yet), why, and no action at all.

Refusals staff may override (the domain decides: server/domain/overrides.py) carry a form that asks again
with the override; its labels are here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from contract.common import CARD_NUMBER_PATTERN, ItemRef
from contract.replies import ReasonCode
from server.errors import InvalidInputError
from server.services.reasons import overridable_codes
from web import N_, Language, translate

CHECKOUT, CHECKIN, RENEW = "checkout", "checkin", "renew"

# What an override lifts, as the confirmation and the result name it.
OVERRIDE_LABELS: dict[str, str] = {
    ReasonCode.MAX_LOANS: N_("the loan limit"),
    ReasonCode.FINES_OVER_LIMIT: N_("fines over the limit"),
    ReasonCode.OVERDUE_ITEMS: N_("overdue loans"),
    ReasonCode.ON_HOLD_FOR_OTHER: N_("a hold for another patron"),
}
NOT_A_BARCODE = N_("This is not an item barcode.")
NO_PATRON = N_("Scan the patron's card first.")


def item_ref(scanned: str) -> ItemRef | None:
    """The item a scan names, or None when it is no barcode (the contract's pattern decides)."""
    try:
        return ItemRef(barcode=scanned)
    except ValidationError:
        return None


def card_number(value: str) -> str | None:
    value = value.strip()
    return value if re.fullmatch(CARD_NUMBER_PATTERN, value) else None


def override_codes(values: Iterable[str]) -> list[ReasonCode]:
    """The overrides a form asks for; anything but an overridable code is refused."""
    allowed = {str(code): code for code in overridable_codes()}
    codes = []
    for value in values:
        if value not in allowed:
            raise InvalidInputError(f"{value!r} cannot be overridden")
        codes.append(allowed[value])
    return sorted(set(codes))


@dataclass(frozen=True)
class ScanResult:
    kind: str  # CHECKOUT, CHECKIN or RENEW
    scanned: str  # the barcode as scanned or typed
    card: str | None = None  # the patron it was for (checkout, renew)
    reply: Mapping[str, Any] | None = None  # the action's reply; None when nothing was done
    note: str | None = None  # why nothing was done (a message marked with N_)
    asked_override: tuple[str, ...] = field(default=())  # what this request asked to override

    @property
    def decision(self) -> Mapping[str, Any]:
        return self.reply["decision"] if self.reply is not None else {}

    @property
    def ok(self) -> bool:
        return bool(self.decision.get("ok"))

    @property
    def code(self) -> str:
        return str(self.decision.get("code", "not_done"))

    def message(self, lang: Language) -> str:
        return str(self.decision["message"][lang]) if self.reply is not None else ""

    @property
    def title(self) -> str | None:
        item = self.reply.get("item") if self.reply is not None else None
        return str(item["title"]) if item else None

    @property
    def overridden(self) -> list[str]:
        return list(self.reply.get("overridden") or []) if self.reply is not None else []

    def overridden_names(self, lang: Language) -> str:
        return ", ".join(translate(lang, OVERRIDE_LABELS.get(code, code)) for code in self.overridden)

    def overridable_name(self, lang: Language) -> str:
        return translate(lang, OVERRIDE_LABELS[self.overridable]) if self.overridable else ""

    @property
    def overridable(self) -> str | None:
        """The refusal staff may override to lend anyway, if this is one."""
        if self.kind != CHECKOUT or self.reply is None or self.ok:
            return None
        return self.code if self.code in OVERRIDE_LABELS else None

    def hold_message(self, lang: Language) -> str | None:
        hold = self.reply.get("hold") if self.reply is not None else None
        return str(hold["message"][lang]) if hold else None

    @property
    def fine_charged(self) -> int:
        return int(self.reply.get("fine_charged") or 0) if self.reply is not None else 0


def from_renew_all(card: str, reply: Mapping[str, Any]) -> list[ScanResult]:
    """Each renewal of a renew-all, as a result of its own."""
    return [
        ScanResult(RENEW, str(r["item"]["barcode"]) if r.get("item") else "", card, r)
        for r in reply["results"]
    ]
