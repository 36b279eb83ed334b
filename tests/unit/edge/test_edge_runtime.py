"""The runtime's life cycle with a stand-in for the MQTT link: what it leaves behind when starting fails, and
that nothing is published after the goodbye."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contract.status import DeviceState
from edge.outbox import Outbox
from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings
from tests.unit.edge.stand_in_link import StandInLink

SettingsFactory = Callable[..., EdgeSettings]


def test_nothing_is_published_after_the_goodbye(
    edge_settings: SettingsFactory, stand_in_links: list[StandInLink]
) -> None:
    runtime = EdgeRuntime(edge_settings(heartbeat_s=0.01)).start()
    (link,) = stand_in_links
    assert runtime.connected
    runtime.stop()
    assert link.states[0] == DeviceState.ONLINE
    assert link.states[-1] == DeviceState.OFFLINE
    assert not link.after_goodbye.is_set()


def test_bad_mqtt_settings_leave_the_outbox_closed(edge_settings: SettingsFactory) -> None:
    bad = edge_settings(mqtt_url="http://127.0.0.1:1883")
    runtime = EdgeRuntime(bad)
    with pytest.raises(ValueError, match="mqtt://"):
        runtime.start()
    assert not runtime.connected
    with Outbox(bad.outbox_path, bad.device_id) as outbox:  # not left locked by the failed start
        assert outbox.pending == 0


@pytest.mark.usefixtures("stand_in_links")
def test_a_failing_start_stops_what_it_started(
    edge_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    class UnstartableLink(StandInLink):
        def start(self) -> None:
            raise OSError("no network")

    monkeypatch.setattr("edge.runtime.MqttLink", UnstartableLink)
    runtime = EdgeRuntime(edge_settings())
    with pytest.raises(OSError, match="no network"):
        runtime.start()
    with Outbox(runtime.settings.outbox_path, "kiosk-01"):
        pass
    assert runtime.counters().get("in_flight") is None  # no sender left behind
