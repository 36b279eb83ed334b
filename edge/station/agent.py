"""The tagging station's agent: a librarian's order from the console becomes a tag written, verified and
secured on the station's pad, and a report the server records.

For each order (`tagging.write`, taken from the station's commands topic onto a queue — never handled on
the network thread):

1. refused at once when it arrived after its `expires_at` (a station that was away);
2. the pad is read until it holds exactly one tag, for up to `pad_wait_s` (the book may be put down just
   after its barcode was scanned): none, several, an unreadable tag, another library's tag, another data
   model, or a tag holding another of our items are refused (devices/rfid/programming.py, the rules
   `stacks tags write` applies);
3. the server is asked whether the tag's UID is free for the item (`tagging.check`): one it knows as
   another item's is refused, naming that item;
4. the item is written in ISO 28560-3 with our ISIL, read back and decoded, and secured (verified);
5. the outcome goes to the server as `tagging.report`, through the outbox: never lost, and recorded
   however late it arrives. The pad beeps (ok or error) as it is sent.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Protocol

from contract.common import ContractModel, utc_now
from contract.events import EventEnvelope, TaggingCheckRequested, TaggingReported
from contract.replies import ReasonCode, ReplyBase, TaggingCheckResult
from contract.tagging import MAX_DETAIL, TagClaim, TagRefusal, TagWriteOrder, TagWriteReport
from devices.errors import DeviceError
from devices.rfid.programming import PadRefusal, Programmed, RefusalCode, pad_refusal, program_item
from devices.rfid.service import FieldItem, TagService
from edge.errors import RequestTimeoutError

log = logging.getLogger(__name__)

_BEEP_MS = {"ok": 150, "error": 600}


class Answer(Protocol):
    def result(self, timeout: float | None = None) -> ReplyBase: ...


class Requester(Protocol):
    """What the station needs of the runtime (`EdgeRuntime` is one)."""

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> Answer: ...


class Signals(Protocol):
    """The pad's outputs (`FeigReader.signal`)."""

    def signal(self, intent: str, duration_ms: int | None) -> None: ...


@dataclass(frozen=True, slots=True)
class StationCounters:
    orders: int = 0
    written: int = 0
    refused: int = 0
    expired: int = 0
    pad_failures: int = 0  # the pad's reader did not answer
    unanswered_checks: int = 0  # the server did not answer tagging.check in time


@dataclass(frozen=True, slots=True)
class _Received:
    order: TagWriteOrder
    at: float  # monotonic


class StationAgent:
    def __init__(
        self,
        requester: Requester,
        service: TagService,
        *,
        signals: Signals | None = None,
        pad_wait_s: float = 3.0,
        pad_poll_s: float = 0.05,
        check_timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.requester = requester
        self.service = service
        self.signals = signals
        self.pad_wait_s = pad_wait_s
        self.pad_poll_s = pad_poll_s
        self.check_timeout_s = check_timeout_s
        self.clock = clock
        self._orders: queue.Queue[_Received] = queue.Queue()
        self._counts = dict.fromkeys((f.name for f in fields(StationCounters)), 0)
        self._stop = threading.Event()

    # ---- what the runtime calls ---------------------------------------------------------------------

    def take_order(self, order: TagWriteOrder) -> None:
        """An order from the commands topic (paho's thread): queued, handled by `run`."""
        self._orders.put(_Received(order, self.clock()))

    def on_late_reply(self, reply: ReplyBase) -> None:
        log.info("late answer %s: %s", reply.KIND, reply.decision.code)

    def counters(self) -> StationCounters:
        return StationCounters(**self._counts)

    def run(self, stop: threading.Event) -> StationCounters:
        self._stop = stop
        while not stop.is_set():
            try:
                received = self._orders.get(timeout=0.25)
            except queue.Empty:
                continue
            self.handle(received.order, received.at)
        return self.counters()

    # ---- one order ----------------------------------------------------------------------------------

    def handle(self, order: TagWriteOrder, received_at: float | None = None) -> TagWriteReport:
        """Carry out one order and send its report; returns the report."""
        received_at = self.clock() if received_at is None else received_at
        self._counts["orders"] += 1
        outcome = self._carry_out(order)
        report = self._report(order, outcome, received_at)
        self.requester.request_async(TaggingReported, report)
        self._counts["written" if report.written else "refused"] += 1
        self._signal("ok" if report.written else "error")
        log.info(
            "%s → %s%s (%d ms)",
            order.barcode,
            f"tag {report.uid}" if report.written else report.refusal,
            "" if report.written else f": {report.detail}",
            report.took_ms,
        )
        return report

    def _carry_out(self, order: TagWriteOrder) -> Programmed | PadRefusal | TagWriteReport:
        if utc_now() > order.expires_at:
            self._counts["expired"] += 1
            return self._refusal(order, TagRefusal.EXPIRED, "the order arrived after it expired")
        try:
            items = self._pad_holding_one_tag()
        except DeviceError as exc:
            self._counts["pad_failures"] += 1
            return self._refusal(order, TagRefusal.PAD_OFFLINE, f"the pad did not answer: {exc}")
        refusal = pad_refusal(items, order.barcode, overwrite_unknown=False)
        if refusal is not None:
            return refusal
        claimed = self._claim(order, items[0].uid)
        if claimed is not None:
            return claimed
        return program_item(self.service, items[0], order.barcode, secure=True)

    def _pad_holding_one_tag(self) -> list[FieldItem]:
        """What lies on the pad, read again until it is exactly one readable tag or `pad_wait_s` passed."""
        deadline = self.clock() + self.pad_wait_s
        while True:
            items = self.service.items_in_field()
            ready = len(items) == 1 and items[0].error is None
            if ready or self.clock() >= deadline or self._stop.is_set():
                return items
            time.sleep(self.pad_poll_s)

    def _claim(self, order: TagWriteOrder, uid: str) -> TagWriteReport | None:
        """None when the server says the tag is free for the item; else the refusal to report."""
        claim = TagClaim(command_id=order.command_id, barcode=order.barcode, uid=uid)
        try:
            reply = self.requester.request_async(TaggingCheckRequested, claim).result(self.check_timeout_s)
        except RequestTimeoutError:
            self._counts["unanswered_checks"] += 1
            return self._refusal(order, TagRefusal.NO_ANSWER, "the server did not answer in time", uid)
        if reply.decision.ok:
            return None
        holder = reply.holder if isinstance(reply, TaggingCheckResult) else None
        in_use = reply.decision.code is ReasonCode.TAG_IN_USE
        code = TagRefusal.TAG_IN_USE if in_use else TagRefusal.ORDER_CLOSED
        return self._refusal(order, code, reply.decision.message.en, uid, holder)

    def _refusal(
        self,
        order: TagWriteOrder,
        refusal: TagRefusal,
        detail: str,
        uid: str | None = None,
        holder: str | None = None,
    ) -> TagWriteReport:
        return TagWriteReport(
            command_id=order.command_id,
            barcode=order.barcode,
            written=False,
            uid=uid,
            refusal=refusal,
            holder=holder,
            detail=detail[:MAX_DETAIL],
            took_ms=0,
        )

    def _report(
        self, order: TagWriteOrder, outcome: Programmed | PadRefusal | TagWriteReport, received_at: float
    ) -> TagWriteReport:
        took_ms = round((self.clock() - received_at) * 1000)
        if isinstance(outcome, TagWriteReport):
            return outcome.model_copy(update={"took_ms": took_ms})
        if isinstance(outcome, PadRefusal):
            return TagWriteReport(
                command_id=order.command_id,
                barcode=order.barcode,
                written=False,
                uid=outcome.uid,
                refusal=_REFUSALS[outcome.code],
                holder=outcome.holder[:64] if outcome.holder else None,
                owner_isil=outcome.owner_isil[:16] if outcome.owner_isil else None,
                detail=outcome.message[:MAX_DETAIL],
                took_ms=took_ms,
            )
        order_found = outcome.reading.block_order
        return TagWriteReport(
            command_id=order.command_id,
            barcode=order.barcode,
            written=True,
            uid=outcome.uid,
            owner_isil=outcome.reading.owner_isil,
            block_order=order_found.value if order_found is not None else None,
            secured=outcome.secured,
            took_ms=took_ms,
        )

    def _signal(self, intent: str) -> None:
        if self.signals is None:
            return
        try:
            self.signals.signal(intent, _BEEP_MS[intent])
        except DeviceError as exc:  # a beep that failed changes nothing written
            log.debug("pad signal %s failed: %s", intent, exc)


_REFUSALS: dict[RefusalCode, TagRefusal] = {
    RefusalCode.NO_TAG: TagRefusal.NO_TAG,
    RefusalCode.SEVERAL_TAGS: TagRefusal.SEVERAL_TAGS,
    RefusalCode.UNREADABLE: TagRefusal.UNREADABLE,
    RefusalCode.FOREIGN_TAG: TagRefusal.FOREIGN_TAG,
    RefusalCode.UNKNOWN_DATA: TagRefusal.UNKNOWN_DATA,
    RefusalCode.OTHER_ITEM: TagRefusal.OTHER_ITEM,
    RefusalCode.WRITE_FAILED: TagRefusal.WRITE_FAILED,
    RefusalCode.VERIFY_FAILED: TagRefusal.VERIFY_FAILED,
    RefusalCode.SECURITY_FAILED: TagRefusal.SECURITY_FAILED,
}
