"""`AgentHost`: what every agent process needs around its own work, so that an agent is only its work.

    with AgentHost(settings) as host:
        pad = host.hold(open_pad(...))            # device parts, closed when the host closes
        host.attach("rfid_pad", pad)              # its counters go into every heartbeat
        agent = MyAgent(host.runtime, pad)         # an Agent: on_late_reply(reply), run(stop) -> result
        finished = host.run(agent)                 # until the agent returns, SIGTERM or Ctrl-C
    print(finished.result, finished.status.outbox_pending)

`run` starts the runtime, installs SIGTERM/SIGINT handlers that ask the agent to stop, waits a bounded
time for the first connection (warning when the broker is not reachable yet: the outbox keeps
everything until it is), runs the agent, waits up to `stop_drain_s` for the server to confirm what the
agent sent, takes the device's status (runtime and peripheral counters) and stops the runtime.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any, Generic, Protocol, TypeVar

from contract.replies import ReplyBase
from contract.status import DeviceStatus
from edge.peripherals import Peripheral
from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings

log = logging.getLogger(__name__)

T = TypeVar("T")
R_co = TypeVar("R_co", covariant=True)

CONNECT_WAIT_S = 15.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_Handler = Callable[[int, FrameType | None], Any] | int | None


class Agent(Protocol[R_co]):
    """An agent's own work on the host's runtime."""

    def on_late_reply(self, reply: ReplyBase) -> None:
        """An answer to a request that timed out (or that an earlier run of this agent sent)."""
        ...

    def run(self, stop: threading.Event) -> R_co:
        """Work until done or until `stop` is set; what it returns is the host's `Finished.result`."""
        ...


@dataclass(frozen=True)
class Finished(Generic[T]):
    result: T
    status: DeviceStatus  # after draining, just before the runtime stopped
    drained: bool  # every stored event was confirmed by the server


class AgentHost:
    def __init__(
        self,
        settings: EdgeSettings,
        *,
        connect_wait_s: float = CONNECT_WAIT_S,
        handle_signals: bool = True,
    ) -> None:
        self.settings = settings
        self.runtime = EdgeRuntime(settings)
        self.stop_event = threading.Event()
        self.connect_wait_s = connect_wait_s
        self.handle_signals = handle_signals
        self._parts = ExitStack()

    # ---- composition --------------------------------------------------------------------------------

    def hold(self, part: AbstractContextManager[T]) -> T:
        """Open a device part (a reader, a scanner) for the agent's lifetime; it is closed, in reverse
        order of holding, when the host closes."""
        return self._parts.enter_context(part)

    def attach(self, name: str, peripheral: Peripheral) -> None:
        """Report `peripheral.counters()` under `name` in the device's status and heartbeats."""
        self.runtime.peripherals.attach(name, peripheral)

    # ---- running ------------------------------------------------------------------------------------

    def run(self, agent: Agent[T]) -> Finished[T]:
        """Run `agent` on a started runtime until it returns (see the module's docstring)."""
        with ExitStack() as scope:
            if self.handle_signals:
                scope.enter_context(_StopOnSignals(self.stop_event))
            self.runtime.set_late_reply_handler(agent.on_late_reply)
            self.runtime.start()
            scope.callback(self.runtime.stop)
            self._wait_for_connection()
            result = agent.run(self.stop_event)
            drained = self.runtime.wait_drained(self.settings.stop_drain_s)
            return Finished(result, self.runtime.status(), drained)

    def stop(self) -> None:
        """Ask the agent to stop (what SIGTERM and SIGINT do)."""
        self.stop_event.set()

    def status(self) -> DeviceStatus:
        """The device's status now: link state, outbox, the runtime's and the peripherals' counters."""
        return self.runtime.status()

    def close(self) -> None:
        self._parts.close()

    def __enter__(self) -> AgentHost:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _wait_for_connection(self) -> None:
        # In slices, so that a stop asked for while the broker is unreachable is not kept waiting.
        waited = 0.0
        while waited < self.connect_wait_s and not self.stop_event.is_set():
            step = min(0.25, self.connect_wait_s - waited)
            if self.runtime.wait_connected(step):
                return
            waited += step
        if not self.runtime.connected and not self.stop_event.is_set():
            log.warning(
                "%s: broker %s not reachable yet; requests stay queued until it is",
                self.settings.device_id,
                self.settings.mqtt_url,
            )


class _StopOnSignals:
    """SIGTERM and SIGINT set the stop event while installed; the previous handlers come back after.
    Signal handlers can only be installed from the main thread: elsewhere (tests, an embedding program)
    this does nothing and the caller stops the host itself."""

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop
        self._previous: dict[signal.Signals, _Handler] = {}

    def __enter__(self) -> _StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in _STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            if handler is not None:  # None: a handler not installed from Python, which we cannot restore
                signal.signal(signum, handler)
        self._previous.clear()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        self._stop.set()
