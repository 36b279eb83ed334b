"""Prepare and run the local broker as a child process: mosquitto when it can be had, else embedded amqtt."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from contract.mqtt import Protocol
from contract.status import DeviceKind
from server.privacy import write_private
from stacks.broker.embedded import amqtt_config
from stacks.broker.mosquitto_config import MosquittoFiles, write_mosquitto_files
from stacks.broker.registry import BENCH_USER, SERVER_USER, Credentials, ensure_credentials, load_devices
from stacks.broker.settings import BrokerSettings
from stacks.child import ChildProcess

log = logging.getLogger(__name__)


AMQTT_CONFIG = "amqtt.json"
KIOSK_PREFIX = "kiosk-"  # a test's or benchmark's extra device named so is a kiosk


class BrokerError(RuntimeError):
    """The broker could not be prepared or did not start."""


@dataclass(frozen=True)
class BrokerPlan:
    """Everything needed to start the broker and connect to it."""

    argv: list[str]
    host: str
    port: int
    protocol: Protocol
    implementation: str
    credentials: Credentials
    directory: Path
    log_path: Path
    kiosks: frozenset[str] = frozenset()  # the devices that may read the offline list

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"


def find_mosquitto(settings: BrokerSettings) -> str | None:
    if settings.mosquitto_bin:
        return settings.mosquitto_bin
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)), None
    )


def broker_plan(settings: BrokerSettings, *, extra_devices: list[str] | None = None) -> BrokerPlan:
    """Which broker, where, and everyone's credentials (created for users that have none yet); no config is
    written — reading a password or the URL must not rewrite the broker's files. `extra_devices`: devices
    of tests and benchmarks besides config/devices.toml; those named `kiosk-…` are kiosks."""
    registered = load_devices(settings.devices_path)
    extra = list(extra_devices or [])
    devices = [d.id for d in registered] + extra
    kiosks = frozenset(
        [d.id for d in registered if d.kind is DeviceKind.KIOSK]
        + [d for d in extra if d.startswith(KIOSK_PREFIX)]
    )
    directory = settings.broker_dir
    credentials = ensure_credentials(directory / "credentials.json", [SERVER_USER, BENCH_USER, *devices])
    mosquitto = find_mosquitto(settings) if settings.broker != "amqtt" else None
    if mosquitto is None and settings.broker == "mosquitto":
        raise BrokerError(
            "mosquitto not found; install it (apt-get install mosquitto) or set STACKS_BROKER=auto"
        )
    host, port = settings.broker_host, settings.broker_port
    if mosquitto is not None:
        files = MosquittoFiles(directory)
        argv = [mosquitto, "-c", str(files.conf)]
        return BrokerPlan(argv, host, port, "5", "mosquitto", credentials, directory, files.log, kiosks)
    argv = [sys.executable, "-m", "stacks.broker.embedded", str(directory / AMQTT_CONFIG)]
    log_path = directory / "amqtt.log"
    return BrokerPlan(argv, host, port, "3.1.1", "amqtt", credentials, directory, log_path, kiosks)


def prepare_broker(settings: BrokerSettings, *, extra_devices: list[str] | None = None) -> BrokerPlan:
    """The plan, with the password file, ACL and config written for it: what starting the broker needs."""
    plan = broker_plan(settings, extra_devices=extra_devices)
    if plan.implementation == "mosquitto":
        write_mosquitto_files(
            plan.directory,
            plan.credentials,
            host=plan.host,
            port=plan.port,
            max_queued_messages=settings.broker_max_queued_messages,
            kiosks=plan.kiosks,
        )
        return plan
    if settings.broker == "auto":
        log.warning(
            "mosquitto is not installed: falling back to the embedded amqtt broker "
            "(MQTT 3.1.1 only, several times slower). Install mosquitto for real use."
        )
    passwd = plan.directory / "amqtt-passwd"
    config = amqtt_config(
        plan.credentials, host=plan.host, port=plan.port, passwd_path=passwd, kiosks=plan.kiosks
    )
    write_private(plan.directory / AMQTT_CONFIG, json.dumps(config, indent=2))
    return plan


class BrokerProcess:
    """A broker child process that tests and the demo can stop, kill -9 and restart."""

    def __init__(self, plan: BrokerPlan) -> None:
        self.plan = plan
        self._child = ChildProcess(plan.argv, log_path=plan.log_path)

    @property
    def pid(self) -> int | None:
        return self._child.pid

    def start(self, timeout: float = 15.0) -> None:
        self._child.spawn()
        self._wait_listening(timeout)

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._child.running:
                raise BrokerError(f"broker exited with {self._child.returncode}; see {self.plan.log_path}")
            try:
                with socket.create_connection((self.plan.host, self.plan.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise BrokerError(f"broker not listening on {self.plan.host}:{self.plan.port} after {timeout} s")

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop: mosquitto saves its persistence database on SIGTERM."""
        self._child.stop(timeout)

    def kill(self) -> None:
        """kill -9: whatever the broker held only in memory is gone."""
        self._child.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> BrokerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
