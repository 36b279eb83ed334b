"""The embedded fallback broker (amqtt), for machines where mosquitto is not installed and cannot be.

amqtt speaks MQTT 3.1.1 only and is several times slower than mosquitto; clients connect with protocol
3.1.1 and `clean_session=False`. It applies the same users and the same per-device topic rules.
Run as `python -m stacks.broker.embedded CONFIG.json`.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

from amqtt.broker import Broker
from argon2 import PasswordHasher

from contract import topics
from server.privacy import write_private
from stacks.broker.mosquitto_config import BENCH_TOPICS
from stacks.broker.registry import BENCH_USER, SERVER_USER, Credentials


def _device_topics(device_id: str, *, kiosk: bool) -> tuple[list[str], list[str]]:
    publish = [topics.events(device_id), topics.status(device_id)]
    subscribe = [topics.replies(device_id), topics.acks(device_id), topics.commands(device_id)]
    if kiosk:  # kiosks only: the offline list holds the readers' PIN hashes
        subscribe.append(topics.ALL_OFFLINE_READERS)
    return publish, [*subscribe, topics.SERVER_STATUS]


def amqtt_config(
    credentials: Credentials,
    *,
    host: str,
    port: int,
    passwd_path: Path,
    kiosks: Collection[str] = frozenset(),
) -> dict[str, Any]:
    hasher = PasswordHasher()
    lines = (f"{user}:{hasher.hash(pw)}\n" for user, pw in sorted(credentials.passwords.items()))
    write_private(passwd_path, "".join(lines))
    publish_acl: dict[str, list[str]] = {SERVER_USER: [f"{topics.ROOT}/#"], BENCH_USER: [BENCH_TOPICS]}
    subscribe_acl: dict[str, list[str]] = dict(publish_acl)
    for user in credentials.passwords:
        if user in (SERVER_USER, BENCH_USER):
            continue
        publish_acl[user], subscribe_acl[user] = _device_topics(user, kiosk=user in kiosks)
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            "amqtt.plugins.authentication.FileAuthPlugin": {"password_file": str(passwd_path)},
            "amqtt.plugins.topic_checking.TopicAccessControlListPlugin": {
                "publish_acl": publish_acl,
                "acl": subscribe_acl,
            },
        },
    }


async def _serve(config: dict[str, Any]) -> None:
    broker = Broker(config)
    await broker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await broker.shutdown()


def main(argv: list[str]) -> None:
    config = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    asyncio.run(_serve(config))


if __name__ == "__main__":
    main(sys.argv)
