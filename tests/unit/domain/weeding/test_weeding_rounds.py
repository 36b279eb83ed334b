"""A weeding round: its states, reviewers' decisions merging by version, the 10 % cap, approval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from server.domain.weeding.evidence import Fact
from server.domain.weeding.rounds import (
    Decided,
    Decision,
    Entry,
    Refused,
    Round,
    RoundRefusal,
    RoundStatus,
    Standing,
    Verdict,
    approve,
    close,
    decide,
    reopen,
    start_review,
)
from server.domain.weeding.settings import RoundRules

AT = datetime(2026, 11, 25, 9, tzinfo=UTC)
RULES = RoundRules()
REVIEW = Round(RoundStatus.UNDER_REVIEW, holdings=50, opened_on=date(2026, 11, 1))  # cap: 5 withdrawals
ENTRIES = {n: Entry(n) for n in range(1, 11)}


def decision(
    item_id: int,
    verdict: Verdict | None,
    version: int = 0,
    *,
    by: str = "staff:lan",
    note: str | None = None,
    move_to: str | None = None,
) -> Decision:
    return Decision(item_id, version, verdict, by, AT, note, move_to)


def run(
    *decisions: Decision,
    entries: dict[int, Entry] = ENTRIES,
    withdrawals: int = 0,
    round_: Round = REVIEW,
    standing: dict[int, Standing] | None = None,
) -> Decided:
    return decide(round_, entries, decisions, withdrawals=withdrawals, standing=standing or {}, rules=RULES)


def test_a_decision_bumps_the_entry_version() -> None:
    result = run(decision(1, Verdict.WITHDRAW, note="rách nát"), decision(2, Verdict.KEEP))
    assert result.refused == ()
    assert result.entries == {
        1: Entry(1, 1, Verdict.WITHDRAW, None, "rách nát", "staff:lan", AT),
        2: Entry(2, 1, Verdict.KEEP, None, None, "staff:lan", AT),
    }


def test_two_reviewers_at_once_lose_nothing() -> None:
    # Both read version 0 of items 1–3. Lan decides 1 and 2, Minh decides 2 and 3: the first to save wins 2.
    lan = run(decision(1, Verdict.KEEP), decision(2, Verdict.WITHDRAW))
    stored = ENTRIES | lan.entries
    minh = run(
        decision(2, Verdict.KEEP, by="staff:minh"),
        decision(3, Verdict.REPAIR, by="staff:minh"),
        entries=stored,
    )
    assert set(minh.entries) == {3}
    assert minh.refused == (
        Refused(2, RoundRefusal.STALE_VERSION, (Fact("version", 0, 1), Fact("current_verdict", "withdraw"),
                                                Fact("by", "staff:lan"))),
    )  # fmt: skip
    stored |= minh.entries
    assert {n: stored[n].verdict for n in (1, 2, 3)} == {
        1: Verdict.KEEP,
        2: Verdict.WITHDRAW,
        3: Verdict.REPAIR,
    }
    again = run(decision(2, Verdict.KEEP, version=1, by="staff:minh"), entries=stored)  # having seen Lan's
    assert again.entries[2] == Entry(2, 2, Verdict.KEEP, None, None, "staff:minh", AT)


def test_decisions_on_one_item_in_one_batch_follow_each_other() -> None:
    result = run(decision(1, Verdict.WITHDRAW), decision(1, Verdict.KEEP, version=1))
    assert result.entries[1].version == 2
    assert result.entries[1].verdict is Verdict.KEEP


def test_undo_before_approval() -> None:
    decided = ENTRIES | run(decision(4, Verdict.WITHDRAW)).entries
    undone = run(decision(4, None, version=1), entries=decided, withdrawals=1)
    assert undone.entries[4] == Entry(4, 2, None, None, None, "staff:lan", AT)


def test_the_cap_refuses_with_the_figures() -> None:
    result = run(*(decision(n, Verdict.WITHDRAW) for n in range(1, 8)), withdrawals=2)
    assert sorted(result.entries) == [1, 2, 3]  # 2 already + 3 = the cap of 5 (10 % of 50)
    figures = (Fact("holdings", 50), Fact("max_share_percent", 10), Fact("cap", 5), Fact("withdrawals", 5))
    assert result.refused == tuple(Refused(n, RoundRefusal.CAP_REACHED, figures) for n in range(4, 8))


def test_changing_a_withdrawal_frees_room_under_the_cap() -> None:
    decided = ENTRIES | {1: Entry(1, 1, Verdict.WITHDRAW)}
    result = run(
        decision(1, Verdict.KEEP, version=1), decision(2, Verdict.WITHDRAW), entries=decided, withdrawals=5
    )
    assert result.refused == ()
    same = run(decision(1, Verdict.WITHDRAW, version=1, note="still"), entries=decided, withdrawals=5)
    assert same.refused == ()  # a withdrawal re-decided is not a new one


@pytest.mark.parametrize(
    ("standing", "verdict", "refusal"),
    [
        (Standing(on_loan=True), Verdict.WITHDRAW, RoundRefusal.ON_LOAN),
        (Standing(on_hold=True), Verdict.WITHDRAW, RoundRefusal.ON_HOLD),
        (Standing(on_loan=True), Verdict.KEEP, None),
        (Standing(on_hold=True), Verdict.REPAIR, None),
    ],
)
def test_an_item_on_loan_or_on_hold_cannot_be_withdrawn(
    standing: Standing, verdict: Verdict, refusal: RoundRefusal | None
) -> None:
    result = run(decision(1, verdict), standing={1: standing})
    assert [r.refusal for r in result.refused] == ([refusal] if refusal else [])


@pytest.mark.parametrize(
    ("round_", "item", "verdict", "move_to", "refusal"),
    [
        (replace(REVIEW, status=RoundStatus.APPROVED), 1, Verdict.KEEP, None, RoundRefusal.WRONG_STATUS),
        (replace(REVIEW, status=RoundStatus.CLOSED), 1, None, None, RoundRefusal.WRONG_STATUS),
        (replace(REVIEW, status=RoundStatus.PROPOSED), 1, Verdict.KEEP, None, None),
        (REVIEW, 99, Verdict.KEEP, None, RoundRefusal.NOT_IN_ROUND),
        (REVIEW, 1, Verdict.MOVE, None, RoundRefusal.MOVE_WITHOUT_PLACE),
        (REVIEW, 1, Verdict.MOVE, "KHO-DONG", None),
    ],
)
def test_decisions_refused(
    round_: Round, item: int, verdict: Verdict | None, move_to: str | None, refusal: RoundRefusal | None
) -> None:
    result = run(decision(item, verdict, move_to=move_to), round_=round_)
    assert [r.refusal for r in result.refused] == ([refusal] if refusal else [])
    if refusal is None:
        assert result.entries[item].move_to == move_to


CAP_FIGURES = (Fact("holdings", 50), Fact("max_share_percent", 10), Fact("cap", 5))
PROPOSED = replace(REVIEW, status=RoundStatus.PROPOSED)
APPROVED = replace(REVIEW, status=RoundStatus.APPROVED, approved_at=AT)


@pytest.mark.parametrize(
    ("action", "round_", "status"),
    [
        (start_review, PROPOSED, RoundStatus.UNDER_REVIEW),
        (start_review, REVIEW, None),
        (reopen, REVIEW, RoundStatus.PROPOSED),
        (reopen, PROPOSED, None),
        (reopen, APPROVED, None),  # no undo after approval
    ],
)
def test_round_states(
    action: Callable[[Round], Round | Refused], round_: Round, status: RoundStatus | None
) -> None:
    result = action(round_)
    if status is None:
        assert result == Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))
    else:
        assert isinstance(result, Round)
        assert result.status is status


def test_closing_after_approval_completes_and_before_it_abandons() -> None:
    completed = close(APPROVED, AT + timedelta(days=30))
    abandoned = close(PROPOSED, AT)
    assert isinstance(completed, Round)
    assert isinstance(abandoned, Round)
    assert (completed.status, completed.abandoned) == (RoundStatus.CLOSED, False)
    assert (abandoned.status, abandoned.abandoned) == (RoundStatus.CLOSED, True)
    assert isinstance(close(completed, AT), Refused)


def entries(*verdicts: Verdict | None) -> list[Entry]:
    return [Entry(n, 1 if v else 0, v) for n, v in enumerate(verdicts, start=1)]


def test_approval_of_a_complete_round() -> None:
    result = approve(REVIEW, entries(Verdict.WITHDRAW, Verdict.KEEP, Verdict.MOVE), {}, RULES, AT)
    assert result == replace(REVIEW, status=RoundStatus.APPROVED, approved_at=AT)


def test_approval_refused_with_every_problem() -> None:
    verdicts = [Verdict.WITHDRAW] * 6 + [None, Verdict.KEEP]
    standing = {2: Standing(on_loan=True), 3: Standing(on_hold=True), 8: Standing(on_loan=True)}
    result = approve(REVIEW, entries(*verdicts), standing, RULES, AT)
    assert result == [
        Refused(2, RoundRefusal.ON_LOAN),
        Refused(3, RoundRefusal.ON_HOLD),
        Refused(7, RoundRefusal.UNDECIDED),
        Refused(None, RoundRefusal.CAP_REACHED, (*CAP_FIGURES, Fact("withdrawals", 6))),
    ]
    assert approve(PROPOSED, [], {}, RULES, AT) == [
        Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", "proposed"),))
    ]
