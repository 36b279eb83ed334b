"""What an item's trace history records: each transition of `trace` and each timed step of `advance`, as
one kind of entry, so staff can read how an item went missing, was searched for, lost and found."""

from __future__ import annotations

from enum import StrEnum

from server.domain.lifecycle.advance import Step


class TraceEvent(StrEnum):
    MARKED_MISSING = "marked_missing"
    SEARCH_DUE = "search_due"  # a search fell due (the item goes on the search list)
    SEARCHED = "searched"  # staff searched and did not find it
    LOST = "lost"  # the searches ran out
    LOST_FROM_LOAN = "lost_from_loan"  # the reader lost it
    WITHDRAWAL_PROPOSED = "withdrawal_proposed"
    KEPT_ON_LOST_LIST = "kept_on_lost_list"
    FOUND = "found"  # seen again: missing or lost no more
    UNDONE = "undone"  # the report that changed the trace was taken back (a stock-take action undone)


STEP_EVENTS = {
    Step.SEARCH: TraceEvent.SEARCH_DUE,
    Step.LOST: TraceEvent.LOST,
    Step.WITHDRAWAL_PROPOSED: TraceEvent.WITHDRAWAL_PROPOSED,
}
