"""What the kiosk tells the reader when it works offline: the banner, each refusal's title and what to do
next (gettext msgids, worded on the screen in its language). Never a name: the offline list has none."""

from __future__ import annotations

from contract.replies import ReasonCode
from edge.kiosk.offline import Refusal
from edge.kiosk.visit import SIGN_IN_TITLES, TYPE_PIN_AGAIN, Notice
from web.catalogs import N_

ASK_DESK = N_("Please ask at the library desk.")
BORROW_AT_DESK = N_("You can still return books here. To borrow, please ask at the library desk.")

REFUSAL_TITLES: dict[Refusal, str] = {
    Refusal.LENDING_OFF: N_("Borrowing needs the network right now"),
    Refusal.NO_LIST: N_("This kiosk cannot check cards without the network"),
    Refusal.LIST_TOO_OLD: N_("This kiosk's list of cards is out of date"),
    Refusal.UNKNOWN_CARD: SIGN_IN_TITLES[ReasonCode.UNKNOWN_PATRON],
    Refusal.BLOCKED: SIGN_IN_TITLES[ReasonCode.PATRON_BLOCKED],
    Refusal.EXPIRED: SIGN_IN_TITLES[ReasonCode.PATRON_EXPIRED],
    Refusal.PIN_LOCKED: SIGN_IN_TITLES[ReasonCode.PIN_LOCKED],
    Refusal.WRONG_PIN: SIGN_IN_TITLES[ReasonCode.WRONG_PIN],
    Refusal.NO_PIN: N_("Your card has no PIN yet"),
    Refusal.CATEGORY: N_("Your card cannot borrow while the kiosk is offline"),
    Refusal.LIMIT: N_("You have borrowed as many books as you can while the kiosk is offline"),
}
REFUSAL_NEXT: dict[Refusal, str] = {
    Refusal.LENDING_OFF: BORROW_AT_DESK,
    Refusal.NO_LIST: BORROW_AT_DESK,
    Refusal.LIST_TOO_OLD: BORROW_AT_DESK,
    Refusal.UNKNOWN_CARD: N_("Scan your card again, or ask at the library desk."),
    Refusal.BLOCKED: ASK_DESK,
    Refusal.EXPIRED: N_("Please renew your card at the library desk."),
    Refusal.PIN_LOCKED: N_("Too many wrong PINs: please ask at the library desk to unlock it."),
    Refusal.WRONG_PIN: TYPE_PIN_AGAIN,
    Refusal.NO_PIN: N_("Set a PIN at the library desk, then borrow here."),
    Refusal.CATEGORY: N_("Please ask at the library desk, or come back when the network is back."),
    Refusal.LIMIT: N_("Leave it here, or take it to the library desk."),
}

# The banner while the kiosk cannot reach the library's system, and what still works.
OFFLINE_TITLE = N_("No connection to the library's system")
OFFLINE_LENDING = N_(
    "You can still return books, and borrow a few with your card and PIN. Renewing and your account "
    "need the network."
)
OFFLINE_LENDING_CARD_ONLY = N_(
    "You can still return books, and borrow a few with your card. Renewing and your account need the network."
)
OFFLINE_RETURNS_ONLY = BORROW_AT_DESK
# The account of a reader signed in offline.
ACCOUNT_OFFLINE = N_(
    "Your full account, your other loans and renewing need the network: the kiosk cannot show them now."
)
LENT_OFFLINE = N_("Borrowed by you (recorded when the network is back)")
RECEIPT_OFFLINE = N_("Made offline: recorded when the network is back.")


def refusal_notice(refusal: Refusal) -> Notice:
    """A sign-in refused offline, in the kiosk's words (a wrong PIN is a warning: type it again)."""
    tone = "warning" if refusal is Refusal.WRONG_PIN else "danger"
    return Notice(REFUSAL_TITLES[refusal], tone, next_step=REFUSAL_NEXT[refusal])
