"""A throwaway installation for a benchmark: broker, seeded database and server, in a temporary directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from edge.settings import EdgeSettings
from server.settings import REPO_CONFIG_DIR
from stacks.broker.process import BrokerPlan, BrokerProcess, prepare_broker
from stacks.broker.registry import SERVER_USER
from stacks.broker.settings import BrokerSettings
from stacks.ports import free_port
from stacks.server_process import ServerProcess


@dataclass
class BenchEnvironment:
    root: Path
    plan: BrokerPlan
    broker: BrokerProcess
    server: ServerProcess
    database_url: str
    manifest: Path
    config_dir: Path

    def edge_settings(self, device_id: str, **overrides: object) -> EdgeSettings:
        values: dict[str, object] = {
            "device_id": device_id,
            "data_dir": self.root / "edge",
            "mqtt_url": self.plan.url,
            "mqtt_password": SecretStr(self.plan.credentials.password(device_id)),
            "mqtt_protocol": self.plan.protocol,
        }
        values.update(overrides)
        return EdgeSettings.model_validate(values)


def staff_may_hold(limit: int) -> Callable[[str], str]:
    """An edit of policies.toml: the staff rule's max_loans raised to `limit`, so a patron holding hundreds of
    loans may still borrow (the loan-count benchmarks, a desk test lending dozens of items to one patron)."""

    def edit(policies: str) -> str:
        blocks = policies.split("[[rules]]")
        for n, block in enumerate(blocks):
            if 'category = "staff"' in block and 'item_type = "*"' in block:
                blocks[n] = re.sub(r"(?m)^max_loans = \d+", f"max_loans = {limit}", block)
                if blocks[n] == block:
                    raise RuntimeError("policies.toml: the staff rule has no max_loans line to raise")
                return "[[rules]]".join(blocks)
        raise RuntimeError("policies.toml has no rule for staff and every item type")

    return edit


def config_dir(root: Path, policy_edit: Callable[[str], str] | None) -> Path:
    """The repository's config, with an edit of policies.toml (a copy under `root`), if any."""
    if policy_edit is None:
        return REPO_CONFIG_DIR
    config = root / "config"
    shutil.copytree(REPO_CONFIG_DIR, config)
    policies = config / "policies.toml"
    policies.write_text(policy_edit(policies.read_text(encoding="utf-8")), encoding="utf-8")
    return config


@contextmanager
def bench_environment(
    *,
    devices: list[str],
    items: int,
    patrons: int,
    database_url: str | None = None,
    policy_edit: Callable[[str], str] | None = None,
) -> Iterator[BenchEnvironment]:
    root = Path(tempfile.mkdtemp(prefix="stacks-bench-"))
    config = config_dir(root, policy_edit)
    broker = BrokerProcess(
        prepare_broker(BrokerSettings(data_dir=root, broker_port=free_port()), extra_devices=devices)
    )
    server: ServerProcess | None = None
    try:
        broker.start()
        url = database_url or f"sqlite:///{root / 'stacks.db'}"
        manifest = root / "seed-manifest.json"
        seed = [sys.executable, "-m", "stacks", "seed", "--items", str(items), "--patrons", str(patrons)]
        seed += ["--database-url", url, "--manifest", str(manifest)]
        env = {
            "STACKS_CONFIG_DIR": str(config),
            "STACKS_DATA_DIR": str(root),
            "STACKS_DATABASE_URL": url,
            "STACKS_MQTT_URL": broker.plan.url,
            "STACKS_MQTT_PASSWORD": broker.plan.credentials.password(SERVER_USER),
            "STACKS_MQTT_PROTOCOL": broker.plan.protocol,
            "STACKS_LOG_LEVEL": "WARNING",
        }
        subprocess.run(seed, check=True, capture_output=True, env=os.environ | env)  # noqa: S603
        server = ServerProcess(env, port=free_port(), log_path=root / "server.log")
        server.migrate()
        server.start()
        yield BenchEnvironment(root, broker.plan, broker, server, url, manifest, config)
    finally:
        if server is not None:
            server.stop()
        broker.stop()
        shutil.rmtree(root, ignore_errors=True)
