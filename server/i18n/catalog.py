"""Every people-facing circulation message, marked for the gettext catalogs every screen shares.

A message is chosen by reason code, and for the successful codes also by the action (a successful checkout
and a successful return say different things). Its text is written in English here (the msgid) and comes, in
each language, from web/locale/{vi,en}/LC_MESSAGES/messages.po (`make messages`, docs/web.md). Placeholders
name parameters whose kind (`PARAMETERS`) decides how they are written in each language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from babel.support import NullTranslations

from contract.replies import ReasonCode
from web.catalogs import N_, translate
from web.locales import Language


class Action(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    CHECKOUT = "checkout"
    RENEW = "renew"
    CHECKIN = "checkin"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class Template:
    """A message, by its msgid; `vi` and `en` are its text in each language."""

    message: str

    def text(self, lang: Language) -> str:
        return translate(lang, self.message)

    @property
    def vi(self) -> str:
        return self.text("vi")

    @property
    def en(self) -> str:
        return self.text("en")


# name → kind: date, money, count or text.
PARAMETERS: dict[str, str] = {
    "due": "date",
    "expires": "date",
    "deadline": "date",
    "fine": "money",
    "fines_due": "money",
    "fine_limit": "money",
    "attempts_left": "count",
    "renewals_left": "count",
    "max_loans": "count",
    "name": "text",
    "pickup": "text",
}

# The unit a count parameter is written with, in the plural form of the count (Vietnamese has one form).
UNITS: dict[str, Callable[[NullTranslations, int], str]] = {
    "attempts_left": lambda t, n: t.npgettext("unit of a count", "attempt", "attempts", n),
    "renewals_left": lambda t, n: t.npgettext("unit of a count", "renewal", "renewals", n),
    "max_loans": lambda t, n: t.npgettext("unit of a count", "item", "items", n),
}

MESSAGES: dict[ReasonCode, Template] = {
    ReasonCode.OK: Template(N_("Done.")),
    ReasonCode.OK_HOLD_WAITING: Template(
        N_("Returned. Another reader has reserved this item: please put it in the reservations tray.")
    ),
    ReasonCode.OK_HOLD_READY_FOR_YOU: Template(
        N_("You have borrowed the item you reserved. Due back: {due}.")
    ),
    ReasonCode.UNKNOWN_PATRON: Template(N_("Library card not recognised. Please ask at the library desk.")),
    ReasonCode.UNKNOWN_ITEM: Template(N_("Item not recognised. Please ask at the library desk.")),
    ReasonCode.PATRON_EXPIRED: Template(
        N_("Your library card expired on {expires}. Please renew it at the library desk.")
    ),
    ReasonCode.PATRON_BLOCKED: Template(
        N_("Your library account is blocked. Please ask at the library desk.")
    ),
    ReasonCode.WRONG_PIN: Template(N_("Wrong PIN. You have {attempts_left} left.")),
    ReasonCode.PIN_LOCKED: Template(
        N_("Your PIN is locked after too many wrong attempts. Please ask at the library desk to unlock it.")
    ),
    ReasonCode.UNKNOWN_SESSION: Template(N_("Session not recognised. Please sign in again.")),
    ReasonCode.SESSION_EXPIRED: Template(N_("Your session has timed out. Please sign in again.")),
    ReasonCode.MAX_LOANS: Template(N_("You have reached your loan limit ({max_loans}).")),
    ReasonCode.FINES_OVER_LIMIT: Template(
        N_(
            "You owe {fines_due} in fines, more than the {fine_limit} allowed. "
            "Please pay at the library desk."
        )
    ),
    ReasonCode.OVERDUE_ITEMS: Template(
        N_("You have overdue items. Please return them before borrowing more.")
    ),
    ReasonCode.NOT_FOR_LOAN: Template(N_("This item is for use in the library only.")),
    ReasonCode.ITEM_UNAVAILABLE: Template(
        N_("This item cannot be borrowed at the moment. Please ask at the library desk.")
    ),
    ReasonCode.ON_HOLD_FOR_OTHER: Template(N_("This item is being held for another reader.")),
    ReasonCode.ALREADY_ON_LOAN_TO_YOU: Template(N_("You already have this item on loan.")),
    ReasonCode.ON_LOAN_TO_OTHER: Template(
        N_("This item is on loan to another reader. Please ask at the library desk.")
    ),
    ReasonCode.NOT_ON_LOAN: Template(N_("This item is not on loan.")),
    ReasonCode.NOT_YOUR_LOAN: Template(N_("This item is not on loan to you.")),
    ReasonCode.RENEWALS_EXHAUSTED: Template(
        N_("This item cannot be renewed again. Please return it by its due date.")
    ),
    ReasonCode.RENEW_HOLD_WAITING: Template(N_("Cannot renew: another reader has reserved this item.")),
    ReasonCode.RENEW_TOO_LATE: Template(N_("This item is too far overdue to renew. Please return it.")),
    ReasonCode.RENEW_TOO_SOON: Template(
        N_("No need to renew yet: this item is due back {due}. You can renew it closer to the due date.")
    ),
    ReasonCode.INVALID_REQUEST: Template(N_("The request could not be processed. Please try again.")),
    ReasonCode.REQUEST_EXPIRED: Template(
        N_("The request arrived too late and was not carried out. Please try again.")
    ),
    ReasonCode.STOCKTAKE_REFUSED: Template(N_("The stock-take session cannot take this request now.")),
    # The item is named in the reply's `holder`, never in words: a message names nobody and no number.
    ReasonCode.TAG_IN_USE: Template(N_("This tag already belongs to another item.")),
    ReasonCode.TAGGING_REFUSED: Template(N_("This tagging request is no longer waiting for a station.")),
    ReasonCode.HOLD_ALREADY_PLACED: Template(N_("You have already placed a hold on this title.")),
    ReasonCode.HOLDS_NOT_ALLOWED: Template(
        N_("This title cannot be placed on hold with your card. Please ask at the library desk.")
    ),
    ReasonCode.UNKNOWN_RECORD: Template(N_("This title is no longer in the catalogue.")),
}

# What success means depends on what was asked.
SUCCESS: dict[Action, Template] = {
    Action.LOGIN: Template(N_("Welcome, {name}!")),
    Action.LOGOUT: Template(N_("Signed out. See you soon!")),
    Action.CHECKOUT: Template(N_("Checked out. Due back: {due}.")),
    Action.RENEW: Template(N_("Renewed. New due date: {due}. {renewals_left} left.")),
    Action.CHECKIN: Template(N_("Returned. Thank you!")),
    Action.HOLD: Template(N_("Hold placed. We will tell you when a copy is ready for you at {pickup}.")),
}

# Sentences added to a message when they apply.
NOTES: dict[str, Template] = {
    "fine_charged": Template(N_("Late return fee: {fine}.")),
    "hold_shelf": Template(N_("Put on the hold shelf at {pickup}; held until the end of {deadline}.")),
}
