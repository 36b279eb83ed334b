"""The kiosk's agent offline, on a pad the test fills and an offline list kept in a real file: it knows it is
offline (link down, server offline, a request unanswered) and back; it signs a reader in with card and PIN
against the list and refuses in the kiosk's words; it lends within the limits, only once a tag is
unsecured; it takes returns without signing in; and every book is queued as an observation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from contract.common import ContractModel, ItemRef
from contract.events import EventEnvelope, OfflineCheckin, OfflineCheckout, make_event
from contract.offline import SHARDS, OfflineReader, OfflineReaderShard, shard_of
from edge.kiosk.agent import KioskAgent
from edge.kiosk.feed import Part
from edge.kiosk.offline import LibraryDay, OfflineRules, Refusal
from edge.kiosk.offline_desk import OfflineDesk
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.offline_list import OfflineList
from edge.kiosk.offline_words import REFUSAL_TITLES
from edge.kiosk.session import KioskSession
from edge.kiosk.visit import Outcome, SignInStep
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library
from tests.unit.edge.test_kiosk_session import ListPad
from web.formatting import DEFAULT_TIMEZONE

FAST = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # the same check, cheaper to make
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
PIN = "2468"
DAY = LibraryDay(zone=DEFAULT_TIMEZONE, closing=time(21, 0))


def reader(card: str, **changes: object) -> OfflineReader:
    base = OfflineReader(
        card_number=card,
        pin_hash=FAST.hash(PIN),
        category="student",
        blocked=False,
        expires_on=date(2027, 6, 30),
        pin_locked=False,
        loans=0,
        max_loans=5,
    )
    return base.model_copy(update=changes)


READERS = [
    reader("SV0001"),
    reader("SV0002", loans=4),  # one book left under their own limit
    reader("SV0003", blocked=True),
    reader("SV0004", expires_on=date(2026, 1, 1)),
    reader("SV0005", pin_locked=True),
    reader("SV0006", category="guest"),
    reader("SV0007", pin_hash=None),
]


def publish(kept: OfflineList, readers: list[OfflineReader], generated_at: datetime = NOW) -> None:
    """The whole list, as the server would publish it: every shard, empty ones too."""
    for number in range(SHARDS):
        mine = [r for r in readers if shard_of(r.card_number) == number]
        kept.keep(OfflineReaderShard(shard=number, shards=SHARDS, generated_at=generated_at, readers=mine))


@dataclass
class Link:
    connected: bool = True
    server_online: bool | None = True


@dataclass
class Emitted:
    events: list[EventEnvelope] = field(default_factory=list)

    def emit(self, model: type[EventEnvelope], payload: ContractModel) -> EventEnvelope:
        event = make_event(model, payload=payload, device_id="kiosk-01", seq=len(self.events) + 1)
        self.events.append(event)
        return event


class Kiosk:
    def __init__(self, path: Path, rules: OfflineRules, generated_at: datetime = NOW) -> None:
        self.manifest, self.desk = library(patrons=2, items=12)
        self.pad = ListPad()
        self.link = Link()
        self.emitted = Emitted()
        self.now = NOW
        self.kept = OfflineList(path / "offline-list.db")
        publish(self.kept, READERS, generated_at)
        self.offline_desk = OfflineDesk(self.kept, rules, DAY, self.emitted, clock=lambda: self.now)
        self.agent = KioskAgent(
            KioskSession(DirectRequester(self.desk), pad=self.pad),
            offline=OfflineKiosk(self.offline_desk, self.link),
        )
        self.agent.tick()

    def book(self, n: int) -> ItemRef:
        item = self.manifest.items[n]
        return ItemRef(barcode=item.barcode, tag_uid=item.tag_uid)

    def put(self, *numbers: int) -> None:
        self.pad.books.extend(self.book(n) for n in numbers)
        self.agent.poll_pad()

    def outcomes(self) -> list[Outcome]:
        return [row.outcome for row in self.agent.view().books]

    def go_offline(self) -> None:
        self.link.connected = False
        self.agent.tick()


RULES = OfflineRules(lending=True, max_items=3, loan_days=14, pin_max_failures=3)
RULES_STUDENTS = OfflineRules(lending=True, categories=frozenset({"student"}), pin_max_failures=3)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    made = Kiosk(tmp_path, RULES)
    yield made
    made.kept.close()


def test_the_kiosk_knows_it_is_offline_and_back(kiosk: Kiosk) -> None:
    assert not kiosk.agent.view().offline
    position = kiosk.agent.feed.last
    kiosk.go_offline()
    view = kiosk.agent.view()
    assert view.offline
    assert view.offline_lending
    assert Part.NETWORK in kiosk.agent.feed.after(position)[0]
    kiosk.link.connected = True
    kiosk.agent.tick()
    assert not kiosk.agent.view().offline
    kiosk.link.server_online = False  # the server's retained status: offline
    kiosk.agent.tick()
    assert kiosk.agent.view().offline
    kiosk.link.server_online = True
    kiosk.agent.session.requests.unanswered_since_reply = True  # a request went unanswered in time
    kiosk.agent.tick()
    assert kiosk.agent.view().offline
    kiosk.agent.session.requests.unanswered_since_reply = False  # an answer came, late
    kiosk.agent.tick()
    assert not kiosk.agent.view().offline
    assert kiosk.agent.counters()["offline_switches"] == 2


def test_a_reader_signs_in_with_the_list_and_borrows_within_the_limits(kiosk: Kiosk) -> None:
    kiosk.go_offline()
    kiosk.agent.give_card("sv0001")
    assert kiosk.agent.view().step is SignInStep.PIN
    kiosk.agent.sign_in(PIN)
    view = kiosk.agent.view()
    assert view.step is SignInStep.SIGNED_IN
    assert view.patron is None
    assert view.offline_reader is not None
    assert view.offline_reader.card.endswith("001")
    kiosk.put(0, 1, 2, 3)  # the library lends three offline
    assert kiosk.outcomes() == [Outcome.LENT, Outcome.LENT, Outcome.LENT, Outcome.NOT_LENT]
    assert kiosk.agent.view().books[3].refusal is Refusal.LIMIT
    assert [action for _, action in kiosk.pad.set] == ["unsecure"] * 3  # the fourth is left secured
    loans = [e.payload for e in kiosk.emitted.events if isinstance(e, OfflineCheckout)]
    assert [loan.item.barcode for loan in loans] == [kiosk.book(n).barcode for n in range(3)]
    assert all(loan.card_number == "SV0001" and loan.pin_checked for loan in loans)
    due = loans[0].due_at.astimezone(DEFAULT_TIMEZONE)
    assert (due.date(), due.time()) == (date(2026, 12, 16), time(21, 0))
    assert kiosk.agent.view().books[0].due_at == loans[0].due_at  # the date the reader was shown
    kiosk.agent.sign_out()
    # Signing in again in the same outage does not give three more.
    kiosk.agent.give_card("SV0001")
    kiosk.agent.sign_in(PIN)
    assert kiosk.agent.view().offline_reader is not None
    assert kiosk.agent.view().offline_reader.allowed == 0  # type: ignore[union-attr]


def test_never_beyond_the_readers_own_limit(kiosk: Kiosk) -> None:
    kiosk.go_offline()
    kiosk.agent.give_card("SV0002")
    kiosk.agent.sign_in(PIN)
    kiosk.put(0, 1)
    assert kiosk.outcomes() == [Outcome.LENT, Outcome.NOT_LENT]


def test_a_tag_that_will_not_unsecure_is_not_lent_and_nothing_is_sent(kiosk: Kiosk) -> None:
    kiosk.go_offline()
    kiosk.agent.give_card("SV0001")
    kiosk.agent.sign_in(PIN)
    kiosk.pad.tags_refuse = True
    kiosk.put(0)
    assert kiosk.outcomes() == [Outcome.NOT_UNSECURED]
    assert kiosk.emitted.events == []


@pytest.mark.parametrize(
    ("card", "pin", "refusal"),
    [
        ("SV9999", PIN, Refusal.UNKNOWN_CARD),
        ("SV0003", PIN, Refusal.BLOCKED),
        ("SV0004", PIN, Refusal.EXPIRED),
        ("SV0005", PIN, Refusal.PIN_LOCKED),
        ("SV0006", PIN, Refusal.CATEGORY),
        ("SV0007", PIN, Refusal.NO_PIN),
        ("SV0001", "1111", Refusal.WRONG_PIN),
    ],
)
def test_each_refusal_in_the_kiosks_words(tmp_path: Path, card: str, pin: str, refusal: Refusal) -> None:
    kiosk = Kiosk(tmp_path, RULES_STUDENTS)
    kiosk.go_offline()
    kiosk.agent.give_card(card)
    kiosk.agent.sign_in(pin)
    view = kiosk.agent.view()
    assert view.notice is not None
    assert view.notice.title == REFUSAL_TITLES[refusal]
    assert view.step is (SignInStep.PIN if refusal is Refusal.WRONG_PIN else SignInStep.CARD)
    assert view.offline_reader is None
    kiosk.kept.close()


def test_wrong_pins_lock_the_card_here_after_the_servers_number(kiosk: Kiosk) -> None:
    kiosk.go_offline()
    kiosk.agent.give_card("SV0001")
    titles = []
    for pin in ("1111", "2222", "3333", PIN):
        kiosk.agent.sign_in(pin)
        notice = kiosk.agent.view().notice
        titles.append(notice.title if notice else None)
        if kiosk.agent.view().step is SignInStep.CARD:
            kiosk.agent.give_card("SV0001")
    wrong, locked = REFUSAL_TITLES[Refusal.WRONG_PIN], REFUSAL_TITLES[Refusal.PIN_LOCKED]
    assert titles == [wrong, wrong, locked, locked]  # the right PIN does not lift the lock


@pytest.mark.parametrize(
    ("rules", "generated_at", "refusal"),
    [
        (OfflineRules(lending=False), NOW, Refusal.LENDING_OFF),
        (RULES, NOW - timedelta(hours=49), Refusal.LIST_TOO_OLD),
    ],
)
def test_no_lending_without_a_fresh_list_but_returns_are_taken(
    tmp_path: Path, rules: OfflineRules, generated_at: datetime, refusal: Refusal
) -> None:
    kiosk = Kiosk(tmp_path, rules, generated_at)
    kiosk.go_offline()
    assert not kiosk.agent.view().offline_lending
    kiosk.agent.give_card("SV0001")  # refused at once: no PIN asked
    view = kiosk.agent.view()
    assert view.step is SignInStep.CARD
    assert view.notice is not None
    assert view.notice.title == REFUSAL_TITLES[refusal]
    kiosk.put(4)
    assert kiosk.outcomes() == [Outcome.TO_RETURN_BIN]
    assert isinstance(kiosk.emitted.events[0], OfflineCheckin)
    kiosk.kept.close()


def test_returns_without_signing_in_are_secured_and_queued(kiosk: Kiosk) -> None:
    kiosk.go_offline()
    kiosk.put(5, 6)
    assert kiosk.outcomes() == [Outcome.TO_RETURN_BIN, Outcome.TO_RETURN_BIN]
    assert all(row.offline for row in kiosk.agent.view().books)
    assert [action for _, action in kiosk.pad.set] == ["secure", "secure"]
    returned = [e.payload.item for e in kiosk.emitted.events if isinstance(e, OfflineCheckin)]
    assert returned == [kiosk.book(5), kiosk.book(6)]


def test_card_only_lends_without_a_pin(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path, OfflineRules(lending=True, card_only=True))
    kiosk.go_offline()
    kiosk.agent.give_card("SV0007")  # no PIN on the list: the library lends on the card
    assert kiosk.agent.view().step is SignInStep.SIGNED_IN
    kiosk.put(0)
    loans = [e.payload for e in kiosk.emitted.events if isinstance(e, OfflineCheckout)]
    assert [loan.pin_checked for loan in loans] == [False]
    kiosk.kept.close()


def test_the_list_survives_a_restart_and_drops_another_split(tmp_path: Path) -> None:
    with OfflineList(tmp_path / "list.db") as kept:
        publish(kept, READERS)
        assert not kept.keep(OfflineReaderShard(shard=0, shards=32, generated_at=NOW, readers=[]))
        older = shard_of("SV0001")
        yesterday = NOW - timedelta(days=1)
        stale = OfflineReaderShard(shard=older, shards=SHARDS, generated_at=yesterday, readers=[])
        assert not kept.keep(stale)  # an older shard does not replace a newer one
    with OfflineList(tmp_path / "list.db") as kept:
        assert kept.generated_at() == NOW
        found = kept.find("sv0001")
        assert found is not None
        assert found.card_number == "SV0001"
        assert kept.find("SV9999") is None


def test_an_incomplete_list_is_no_list(tmp_path: Path) -> None:
    with OfflineList(tmp_path / "list.db") as kept:
        kept.keep(OfflineReaderShard(shard=0, shards=SHARDS, generated_at=NOW, readers=[]))
        assert kept.generated_at() is None
        assert kept.shards_kept == 1


def test_a_reader_signed_in_online_carries_on_offline_when_the_network_goes(kiosk: Kiosk) -> None:
    kiosk.agent.give_card("SV2100000")  # the circulation double's reader, on the list too
    kiosk.agent.sign_in("1000")
    assert kiosk.agent.view().patron is not None
    kiosk.put(0)  # lent online
    assert kiosk.outcomes() == [Outcome.LENT]
    publish(kiosk.kept, [*READERS, reader("SV2100000", loans=3, max_loans=5)])
    kiosk.go_offline()
    kiosk.put(1, 2)  # the list says 2 more under their limit; one was lent online since it was made
    assert kiosk.outcomes() == [Outcome.LENT, Outcome.LENT, Outcome.NOT_LENT]
    view = kiosk.agent.view()
    assert view.offline_reader is not None
    loans = [e.payload for e in kiosk.emitted.events if isinstance(e, OfflineCheckout)]
    assert [(loan.card_number, loan.pin_checked) for loan in loans] == [("SV2100000", True)]
    kiosk.agent.sign_out()  # the sign-out is queued, not waited for
    assert kiosk.agent.view().step is SignInStep.CARD
