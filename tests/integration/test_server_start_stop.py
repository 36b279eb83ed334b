"""`stacks server` as a real process: migrated first by `stacks server migrate`, several started at once on
one database, refused on a database that is not migrated, and exiting 0 after a clean stop on SIGTERM."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.db.engine import make_engine
from stacks.server_process import ServerProcess, ServerProcessError
from tests.support.ports import free_port


def _server(tmp_path: Path, database_url: str, name: str) -> ServerProcess:
    env = {
        "STACKS_DATA_DIR": str(tmp_path / "data"),
        "STACKS_DATABASE_URL": database_url,
        "STACKS_INGEST_ENABLED": "false",
        "STACKS_FIRST_STAFF_USERNAME": "admin",
        "STACKS_FIRST_STAFF_PASSWORD": "a long enough password",
    }
    return ServerProcess(env, port=free_port(), log_path=tmp_path / f"{name}.log")


def _tables(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_several_servers_start_at_once_and_stop_with_exit_0(tmp_path: Path, database_url: str) -> None:
    servers = [_server(tmp_path, database_url, f"server-{n}") for n in range(3)]
    servers[0].migrate()
    failures: list[BaseException] = []

    def start(server: ServerProcess) -> None:
        try:
            server.start(need_mqtt=False)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        assert failures == []
    finally:
        for server in servers:
            server.stop()
    # Each saw the first administrator missing or made it; none failed on the others' doing.
    assert [server.returncode for server in servers] == [0, 0, 0]


def test_a_server_refuses_a_database_that_is_not_migrated(tmp_path: Path, database_url: str) -> None:
    server = _server(tmp_path, database_url, "server")
    with pytest.raises(ServerProcessError, match="exited with 1"):
        server.start(need_mqtt=False, timeout=60)
    log = server.log_path.read_text(encoding="utf-8")
    assert "has no Stacks schema yet: run `stacks server migrate` first" in log
    assert "alembic_version" not in _tables(database_url)  # it did not migrate on its own


def test_migrate_twice_is_harmless(tmp_path: Path, database_url: str) -> None:
    server = _server(tmp_path, database_url, "server")
    server.migrate()
    server.migrate()
    assert {"alembic_version", "loan", "event_log"} <= _tables(database_url)
    assert "is at the schema of this version" in server.log_path.read_text(encoding="utf-8")
