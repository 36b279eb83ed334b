"""The kiosk's circulation rules as a table of scenarios: given patrons, items, loans and holds, a series of
kiosk requests and, for each, the reason code and effects the server must answer with.

The same table runs against the server's real services (tests/integration/services/
test_circulation_scenarios.py, SQLite and PostgreSQL) and against the circulation double the edge tests
use for the server (tests/unit/edge/test_circulation_double.py), so the two cannot drift apart. It is
pure data: each side's runner turns the facts into its own state (database rows, the double's dicts).

Days are counted from the moment of the request (the real runner's fixed `now`): a loan `due_in_days=-3`
is three days overdue. Every patron's PIN is `PIN` unless stated. Each item is the only copy of its title.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.replies import ReasonCode, SecurityAction

PIN = "2468"
# The answers whose decision is `ok`; every other code is a refusal (already-yours included).
OK_CODES = frozenset({ReasonCode.OK, ReasonCode.OK_HOLD_WAITING, ReasonCode.OK_HOLD_READY_FOR_YOU})


@dataclass(frozen=True)
class Patron:
    card: str
    pin: str = PIN
    blocked: bool = False  # a staff block
    expired: bool = False  # the card expired yesterday
    fines_due: int = 0  # outstanding, VND (the policy's limit is 50,000)
    pin_failures: int = 0  # wrong PINs in a row so far (5 lock it)


@dataclass(frozen=True)
class Item:
    barcode: str
    status: str = "available"
    item_type: str = "book"
    tag_uid: str | None = None


@dataclass(frozen=True)
class Loan:
    barcode: str
    card: str
    due_in_days: int = 14
    renewals: int = 0


@dataclass(frozen=True)
class Hold:
    """`card` holds the title of `barcode`; `ready`: that item waits on the hold shelf for them."""

    barcode: str
    card: str
    ready: bool = False


# ---- requests, in the words of the kiosk --------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    card: str
    pin: str = PIN


@dataclass(frozen=True)
class SignOut:
    card: str  # the session this card's last sign-in opened (none: a session id nobody issued)


@dataclass(frozen=True)
class Borrow:
    card: str  # as SignOut
    barcode: str | None = None
    tag_uid: str | None = None


@dataclass(frozen=True)
class Renew:
    card: str  # as SignOut
    barcode: str


@dataclass(frozen=True)
class Return:
    barcode: str | None = None
    tag_uid: str | None = None


Request = SignIn | SignOut | Borrow | Renew | Return


@dataclass(frozen=True)
class ItemAfter:
    status: str
    on_loan_to: str | None = None


@dataclass(frozen=True)
class Step:
    request: Request
    code: ReasonCode
    security: SecurityAction | None = None
    item_after: ItemAfter | None = None  # the named item's state after the request (None: not checked)


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    patrons: tuple[Patron, ...] = (Patron("SV2100001"),)
    items: tuple[Item, ...] = (Item("VV000001"), Item("VV000002"))
    loans: tuple[Loan, ...] = ()
    holds: tuple[Hold, ...] = ()

    def barcode_of(self, barcode: str | None, tag_uid: str | None) -> str | None:
        """The item a request names, by barcode or by tag."""
        if barcode is not None:
            return barcode
        return next((item.barcode for item in self.items if item.tag_uid == tag_uid), None)


A, B = "SV2100001", "SV2100002"
TWO = (Patron(A), Patron(B))
ON_LOAN = "on_loan"
AVAILABLE = "available"


def _signed_in(*steps: Step, card: str = A) -> tuple[Step, ...]:
    return (Step(SignIn(card), ReasonCode.OK), *steps)


SCENARIOS: tuple[Scenario, ...] = (
    # ---- signing in and out
    Scenario("sign in and out", _signed_in(Step(SignOut(A), ReasonCode.OK))),
    Scenario("a wrong PIN", (Step(SignIn(A, "1357"), ReasonCode.WRONG_PIN),)),
    Scenario("an unknown card", (Step(SignIn("SV2199999"), ReasonCode.UNKNOWN_PATRON),)),
    Scenario(
        "a locked PIN refuses even the right one",
        (Step(SignIn(A), ReasonCode.PIN_LOCKED),),
        patrons=(Patron(A, pin_failures=5),),
    ),
    Scenario(
        "signing out twice",
        _signed_in(Step(SignOut(A), ReasonCode.OK), Step(SignOut(A), ReasonCode.SESSION_EXPIRED)),
    ),
    Scenario("signing out of a session never opened", (Step(SignOut(A), ReasonCode.UNKNOWN_SESSION),)),
    # ---- borrowing
    Scenario(
        "a book is lent and its tag unsecured",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.OK, "unsecure", ItemAfter(ON_LOAN, A))),
    ),
    Scenario(
        "a book named by its tag alone",
        _signed_in(
            Step(Borrow(A, tag_uid="E004015000000001"), ReasonCode.OK, "unsecure", ItemAfter(ON_LOAN, A))
        ),
        items=(Item("VV000001", tag_uid="E004015000000001"),),
    ),
    Scenario(
        "borrowing without signing in",
        (Step(Borrow(A, "VV000001"), ReasonCode.UNKNOWN_SESSION, item_after=ItemAfter(AVAILABLE)),),
    ),
    Scenario(
        "borrowing after signing out",
        _signed_in(Step(SignOut(A), ReasonCode.OK), Step(Borrow(A, "VV000001"), ReasonCode.SESSION_EXPIRED)),
    ),
    Scenario(
        "one patron at a time per kiosk: the next sign-in ends the first session",
        _signed_in(
            Step(SignIn(B), ReasonCode.OK),
            Step(Borrow(A, "VV000001"), ReasonCode.SESSION_EXPIRED, item_after=ItemAfter(AVAILABLE)),
            Step(Borrow(B, "VV000001"), ReasonCode.OK, "unsecure", ItemAfter(ON_LOAN, B)),
        ),
        patrons=TWO,
    ),
    Scenario(
        "a blocked patron signs in but may not borrow",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.PATRON_BLOCKED, item_after=ItemAfter(AVAILABLE))),
        patrons=(Patron(A, blocked=True),),
    ),
    Scenario(
        "an expired card signs in but may not borrow",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.PATRON_EXPIRED)),
        patrons=(Patron(A, expired=True),),
    ),
    Scenario(
        "fines over the limit",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.FINES_OVER_LIMIT)),
        patrons=(Patron(A, fines_due=60_000),),
    ),
    Scenario(
        "fines at the limit do not block",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.OK, "unsecure")),
        patrons=(Patron(A, fines_due=50_000),),
    ),
    Scenario(
        "an overdue loan blocks borrowing",
        _signed_in(Step(Borrow(A, "VV000002"), ReasonCode.OVERDUE_ITEMS, item_after=ItemAfter(AVAILABLE))),
        loans=(Loan("VV000001", A, due_in_days=-3),),
    ),
    Scenario(
        "the loan limit",
        _signed_in(Step(Borrow(A, "VV000006"), ReasonCode.MAX_LOANS, item_after=ItemAfter(AVAILABLE))),
        items=tuple(Item(f"VV00000{n}") for n in range(1, 7)),
        loans=tuple(Loan(f"VV00000{n}", A) for n in range(1, 6)),
    ),
    Scenario(
        "a book already lent to the patron",
        _signed_in(
            Step(Borrow(A, "VV000001"), ReasonCode.ALREADY_ON_LOAN_TO_YOU, item_after=ItemAfter(ON_LOAN, A))
        ),
        loans=(Loan("VV000001", A),),
    ),
    Scenario(
        "a book lent to another patron",
        _signed_in(
            Step(Borrow(A, "VV000001"), ReasonCode.ON_LOAN_TO_OTHER, item_after=ItemAfter(ON_LOAN, B))
        ),
        patrons=TWO,
        loans=(Loan("VV000001", B),),
    ),
    Scenario(
        "a missing book",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.ITEM_UNAVAILABLE, item_after=ItemAfter("missing"))),
        items=(Item("VV000001", status="missing"),),
    ),
    Scenario(
        "a reference book is not for loan",
        _signed_in(Step(Borrow(A, "VV000001"), ReasonCode.NOT_FOR_LOAN, item_after=ItemAfter(AVAILABLE))),
        items=(Item("VV000001", item_type="reference"),),
    ),
    Scenario("an unknown book", _signed_in(Step(Borrow(A, "VV999999"), ReasonCode.UNKNOWN_ITEM))),
    Scenario(
        "a book on the hold shelf for another patron",
        _signed_in(
            Step(Borrow(A, "VV000001"), ReasonCode.ON_HOLD_FOR_OTHER, item_after=ItemAfter("on_hold_shelf"))
        ),
        patrons=TWO,
        items=(Item("VV000001", status="on_hold_shelf"),),
        holds=(Hold("VV000001", B, ready=True),),
    ),
    Scenario(
        "the patron's own hold, collected",
        _signed_in(
            Step(Borrow(A, "VV000001"), ReasonCode.OK_HOLD_READY_FOR_YOU, "unsecure", ItemAfter(ON_LOAN, A))
        ),
        items=(Item("VV000001", status="on_hold_shelf"),),
        holds=(Hold("VV000001", A, ready=True),),
    ),
    # ---- renewing
    Scenario(
        "a loan due tomorrow is renewed",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.OK, item_after=ItemAfter(ON_LOAN, A))),
        loans=(Loan("VV000001", A, due_in_days=1),),
    ),
    Scenario(
        "renewing would not add a day",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.RENEW_TOO_SOON)),
        loans=(Loan("VV000001", A, due_in_days=20),),
    ),
    Scenario(
        "no renewals left",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.RENEWALS_EXHAUSTED)),
        loans=(Loan("VV000001", A, due_in_days=1, renewals=2),),
    ),
    Scenario(
        "an overdue loan is returned, not renewed",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.RENEW_TOO_LATE)),
        loans=(Loan("VV000001", A, due_in_days=-3),),
    ),
    Scenario(
        "another patron waits for the title",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.RENEW_HOLD_WAITING)),
        patrons=TWO,
        loans=(Loan("VV000001", A, due_in_days=1),),
        holds=(Hold("VV000001", B),),
    ),
    Scenario(
        "renewing another patron's loan",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.NOT_YOUR_LOAN, item_after=ItemAfter(ON_LOAN, B))),
        patrons=TWO,
        loans=(Loan("VV000001", B, due_in_days=1),),
    ),
    Scenario("renewing a book not on loan", _signed_in(Step(Renew(A, "VV000001"), ReasonCode.NOT_ON_LOAN))),
    Scenario(
        "a blocked patron may not renew",
        _signed_in(Step(Renew(A, "VV000001"), ReasonCode.PATRON_BLOCKED)),
        patrons=(Patron(A, blocked=True),),
        loans=(Loan("VV000001", A, due_in_days=1),),
    ),
    # ---- returning (no signing in)
    Scenario(
        "a loan is returned and its tag secured",
        (Step(Return("VV000001"), ReasonCode.OK, "secure", ItemAfter(AVAILABLE)),),
        loans=(Loan("VV000001", A),),
    ),
    Scenario(
        "an overdue loan is returned",
        (Step(Return("VV000001"), ReasonCode.OK, "secure", ItemAfter(AVAILABLE)),),
        loans=(Loan("VV000001", A, due_in_days=-3),),
    ),
    Scenario(
        "a returned book someone waits for goes to the hold shelf",
        (Step(Return("VV000001"), ReasonCode.OK_HOLD_WAITING, "secure", ItemAfter("on_hold_shelf")),),
        patrons=TWO,
        loans=(Loan("VV000001", A),),
        holds=(Hold("VV000001", B),),
    ),
    Scenario(
        "a book returned that was not on loan is secured all the same",
        (Step(Return("VV000001"), ReasonCode.NOT_ON_LOAN, "secure", ItemAfter(AVAILABLE)),),
    ),
    Scenario(
        "a missing book brought back is found",
        (Step(Return("VV000001"), ReasonCode.NOT_ON_LOAN, "secure", ItemAfter(AVAILABLE)),),
        items=(Item("VV000001", status="missing"),),
    ),
    Scenario("returning an unknown book", (Step(Return("VV999999"), ReasonCode.UNKNOWN_ITEM),)),
    Scenario(
        "a book returned by its tag",
        (Step(Return(tag_uid="E004015000000001"), ReasonCode.OK, "secure", ItemAfter(AVAILABLE)),),
        items=(Item("VV000001", tag_uid="E004015000000001"),),
        loans=(Loan("VV000001", A),),
    ),
)
