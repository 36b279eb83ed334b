"""A throwaway PostgreSQL cluster on loopback: the test suite's, and the benchmarks' that measure on
PostgreSQL (`stacks bench catalogue`).

Uses the Debian server binaries (package postgresql, installed by `make test`). initdb refuses to run as
root, so as root the cluster runs as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from stacks.ports import free_port


class PostgresUnavailableError(RuntimeError):
    pass


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise PostgresUnavailableError("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(candidates[-1]).parent


def _as_db_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@dataclass
class PostgresCluster:
    root: Path
    port: int
    bin_dir: Path

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls) -> PostgresCluster:
        bin_dir = _bin_dir()
        root = Path(tempfile.mkdtemp(prefix="stacks-pg-"))
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        data = root / "data"
        subprocess.run(  # noqa: S603  (Debian's own PostgreSQL binaries)
            _as_db_user(
                [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        cluster = cls(root, free_port(), bin_dir)
        cluster.resume()
        return cluster

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.admin_url, connect_timeout=2):
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise PostgresUnavailableError(f"PostgreSQL did not start: {exc}") from exc
            time.sleep(0.05)  # pg_ctl has returned; the server is opening its socket

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def pause(self) -> None:
        """Stop the server, keeping its data: the database is down until `resume`."""
        subprocess.run(  # noqa: S603  (Debian's own PostgreSQL binaries)
            _as_db_user(
                [str(self.bin_dir / "pg_ctl"), "-D", f"{self.root}/data", "-m", "fast", "-w", "stop"]
            ),
            check=True,
            capture_output=True,
        )

    def resume(self) -> None:
        """Start the server on its data directory (again)."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root}"
        options += " -c fsync=off"  # a throwaway cluster: durability is not what these tests measure
        pg_ctl = [str(self.bin_dir / "pg_ctl"), "-D", f"{self.root}/data", "-l", f"{self.root}/log"]
        subprocess.run(_as_db_user([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True)  # noqa: S603
        self._wait_ready()

    def stop(self) -> None:
        subprocess.run(  # noqa: S603  (Debian's own PostgreSQL binaries)
            _as_db_user(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
