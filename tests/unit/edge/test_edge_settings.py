"""Edge settings from the environment, and what is derived from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from contract.status import DeviceKind
from edge.settings import EdgeSettings


def test_settings_come_from_stacks_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STACKS_DEVICE_ID", "gate-01")
    monkeypatch.setenv("STACKS_DEVICE_KIND", "gate")
    monkeypatch.setenv("STACKS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STACKS_MQTT_URL", "mqtts://broker.lib.example:8883")
    monkeypatch.setenv("STACKS_MQTT_PASSWORD", "s3cret")
    monkeypatch.setenv("STACKS_MQTT_PROTOCOL", "3.1.1")
    monkeypatch.setenv("STACKS_WINDOW", "50")
    settings = EdgeSettings()
    assert settings.device_kind == DeviceKind.GATE
    assert settings.outbox_path == tmp_path / "edge" / "gate-01" / "outbox.db"
    endpoint = settings.endpoint()
    assert (endpoint.host, endpoint.port, endpoint.tls) == ("broker.lib.example", 8883, True)
    assert (endpoint.username, endpoint.password, endpoint.protocol) == ("gate-01", "s3cret", "3.1.1")
    assert settings.window == 50
    assert "s3cret" not in repr(settings)


def test_user_name_defaults_to_the_device_id_and_can_be_set() -> None:
    assert EdgeSettings(device_id="kiosk-02").username == "kiosk-02"
    assert EdgeSettings(device_id="kiosk-02", mqtt_username="k2").endpoint().username == "k2"


@pytest.mark.parametrize(
    "bad",
    [
        {"device_id": "Kiosk/01"},
        {"device_id": "kiosk-01", "batch_max_bytes": 60 * 1024},
        {"device_id": "kiosk-01", "resend_after_s": 30, "resend_max_s": 10},
        {"device_id": "kiosk-01", "window": 0},
    ],
)
def test_invalid_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        EdgeSettings.model_validate(bad)
