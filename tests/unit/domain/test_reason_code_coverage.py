"""Every reason the rules can give appears in at least one table row of the domain tests, and every reason
maps to exactly one of the contract's reason codes (`server.services.reasons`)."""

from __future__ import annotations

import pytest

from contract.replies import ReasonCode
from server.domain.reasons import GRANTED, Reason
from server.services.reasons import OK_CODES, REASON_CODES, reason_code
from tests.unit.domain.test_decisions import CHECKIN_TABLE, CHECKOUT_TABLE, RENEW_TABLE
from tests.unit.domain.test_fines_and_pins import PIN_TABLE
from tests.unit.domain.test_sessions_and_holds import HOLD_TABLE, ITEM_MATCH_TABLE, SESSION_TABLE

# Decided by the MQTT ingest before any rule runs: a request queued too long (while the server was down),
# and a request that cannot be read at all (which a domain reason, a tag naming another copy, also maps to);
# and a handheld's request a stock-take session cannot take (the stock-take services say why, in words);
# and a tagging station's claim on a tag another item has, or on an order no longer waiting (server/services/
# tagging.py decides them, outside the circulation rules).
DECIDED_BY_THE_INGEST = {
    ReasonCode.REQUEST_EXPIRED,
    ReasonCode.INVALID_REQUEST,
    ReasonCode.STOCKTAKE_REFUSED,
    ReasonCode.TAG_IN_USE,
    ReasonCode.TAGGING_REFUSED,
}
# Found by a service's lookup, not by a rule: a kiosk's hold on a record that is no longer there.
FOUND_BY_A_LOOKUP = {Reason.UNKNOWN_RECORD}


def test_every_reason_is_covered_by_a_table() -> None:
    covered = {row[-1] for row in CHECKOUT_TABLE}
    covered |= {row[-1] for row in RENEW_TABLE}
    covered |= {row[5] for row in CHECKIN_TABLE}
    covered |= {row[2] for row in PIN_TABLE}
    covered |= {row[-1] for row in SESSION_TABLE if row[-1] is not None}
    covered |= {row[2] for row in ITEM_MATCH_TABLE if row[2] is not None}
    covered |= {row[2] for row in HOLD_TABLE if row[2] is not None}
    missing = set(Reason) - covered - FOUND_BY_A_LOOKUP
    assert not missing, f"no domain table row gives {sorted(missing)}"


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_maps_to_a_reason_code(reason: Reason) -> None:
    assert isinstance(reason_code(reason), ReasonCode)


def test_the_mapping_is_total_both_ways() -> None:
    assert set(REASON_CODES) == set(Reason), "a domain reason without a row in the table"
    unreached = set(ReasonCode) - set(REASON_CODES.values()) - DECIDED_BY_THE_INGEST
    assert not unreached, f"reason codes no reason maps to: {sorted(unreached)}"


def test_granted_and_refused_never_share_a_code() -> None:
    """The wire's `ok` follows from the code: an ok reason and a refusal must not map to one code."""
    refused = {code for reason, code in REASON_CODES.items() if reason not in GRANTED}
    assert OK_CODES.isdisjoint(refused)
    assert {ReasonCode.OK, ReasonCode.OK_HOLD_WAITING, ReasonCode.OK_HOLD_READY_FOR_YOU} == OK_CODES


def test_a_finer_domain_reason_needs_no_new_code() -> None:
    """The per-type loan limit is the domain's own reason; devices see the one MAX_LOANS code."""
    assert reason_code(Reason.MAX_LOANS_OF_TYPE) is reason_code(Reason.MAX_LOANS) is ReasonCode.MAX_LOANS
    assert reason_code(Reason.ITEM_MISMATCH) is ReasonCode.INVALID_REQUEST
