"""Every reason code the rules can give appears in at least one table row of the domain tests."""

from __future__ import annotations

import pytest

from contract.replies import ReasonCode
from tests.unit.domain.test_decisions import CHECKIN_TABLE, CHECKOUT_TABLE, RENEW_TABLE
from tests.unit.domain.test_fines_and_pins import PIN_TABLE
from tests.unit.domain.test_sessions_and_holds import ITEM_MATCH_TABLE, SESSION_TABLE

pytestmark = pytest.mark.unit

# Decided by the MQTT ingest, before any rule runs (a request queued too long while the server was down).
DECIDED_BY_THE_INGEST = {ReasonCode.REQUEST_EXPIRED}


def test_every_reason_code_is_covered_by_a_table() -> None:
    covered = {row[-1] for row in CHECKOUT_TABLE}
    covered |= {row[-1] for row in RENEW_TABLE}
    covered |= {row[5] for row in CHECKIN_TABLE}
    covered |= {row[2] for row in PIN_TABLE}
    covered |= {row[-1] for row in SESSION_TABLE if row[-1] is not None}
    covered |= {row[2] for row in ITEM_MATCH_TABLE if row[2] is not None}
    missing = set(ReasonCode) - covered - DECIDED_BY_THE_INGEST
    assert not missing, f"no domain table row gives {sorted(missing)}"
