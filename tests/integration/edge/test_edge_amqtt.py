"""The runtime over the embedded fallback broker (amqtt, MQTT 3.1.1 with clean_session=False)."""

from __future__ import annotations

from pathlib import Path

from contract.common import ItemRef
from contract.events import CheckinRequested, ItemOnly, ItemSeen, ItemSighting, SeenContext
from edge.runtime import EdgeRuntime
from tests.integration.edge.factories import settings_on
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import running_broker


def test_events_and_requests_over_mqtt_3_1_1(tmp_path: Path) -> None:
    with running_broker(tmp_path / "var", implementation="amqtt") as broker:
        server = ServerDouble(broker.endpoint("server")).start()
        endpoint = broker.endpoint("kiosk-01")
        assert endpoint.protocol == "3.1.1"
        settings = settings_on(endpoint, tmp_path / "agent", "kiosk-01")
        try:
            with EdgeRuntime(settings) as runtime:
                assert runtime.wait_connected(10)
                sightings = [
                    ItemSighting(item=ItemRef(barcode=f"VV{n:06d}"), context=SeenContext.KIOSK)
                    for n in range(300)
                ]
                runtime.emit_many(ItemSeen, sightings)
                reply = runtime.request(
                    CheckinRequested, ItemOnly(item=ItemRef(barcode="VV000001")), timeout=10
                )
                assert reply.decision.ok
                assert runtime.wait_drained(20)
            assert len(server.applied_ids()) == 301
        finally:
            server.stop()
