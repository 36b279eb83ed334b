"""A real Stacks server for the console's tests, and pages signed in to it.

`stacks server` runs as a process of its own (stacks/server_process.py) on a migrated database holding a
seeded library (`stacks seed`) and a staff account of each role, with the real mosquitto
(tests/support/broker.py), so the console is tested as it is deployed: its live feed follows commits
made by the ingest, a kiosk agent can be started and killed with -9, and SIGTERM stops it all.

Fixtures (a test module's conftest imports them):

- `console_server` — one per test session, on SQLite; `console_server_pg` on PostgreSQL;
- `console_as` — `console_as("librarian")` is a `Screen` (tests/support/browser.py) signed in as that
  role through the log-in page, in a browser context of its own.

A `ConsoleServer` also gives `url(path)`, `http(role)` (an httpx client signed in, for what needs no
browser), `db()` (a session on its database, to arrange rows) and `kiosk(device_id)` (a simulated kiosk
agent process). Each test that changes shared state uses names of its own (a patron, a staff member) so
that tests sharing the server do not meet.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.engine import make_engine
from server.db.tables.events import Device
from stacks.broker.registry import SERVER_USER
from stacks.child import ChildProcess
from stacks.server_process import ServerProcess
from tests.support.broker import RunningBroker, running_broker
from tests.support.browser import Screen, open_screen
from tests.support.console_checks import COUNT_DIALOGS, switch_language
from tests.support.ports import free_port
from tests.support.postgres import PostgresCluster
from tests.support.staff import PASSWORD, staff
from tests.support.waiting import wait_until

ROLES = ("assistant", "librarian", "admin")
ACCOUNTS = {
    "assistant": ("sv.tro.giup", "Phạm Văn An"),
    "librarian": ("thu.thu", "Nguyễn Thị Lan"),
    "admin": ("quan.tri", "Trần Minh Đức"),
}
LIBRARY_NAME = "Thư viện Trung tâm"
START_TIMEOUT_S = 90  # a bound for a loaded machine, not an expected duration
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ConsoleServer:
    root: Path
    database_url: str
    broker: RunningBroker
    process: ServerProcess
    manifest: Path
    engine: Engine
    kiosks: list[ChildProcess] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.process.base_url

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}/console{path}"

    @contextmanager
    def db(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def http(self, role: str | None) -> Iterator[httpx.Client]:
        """An httpx client of the console, signed in as `role` (None: nobody)."""
        with httpx.Client(base_url=self.base_url, timeout=15) as client:
            if role is not None:
                username, _ = ACCOUNTS[role]
                page = client.get("/console/login")
                token = _CSRF.search(page.text)
                assert token is not None
                answer = client.post(
                    "/console/login",
                    data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
                )
                assert answer.status_code == 303, answer.text
            yield client

    def kiosk(self, device_id: str = "kiosk-01", *, pad: str = "scanner") -> ChildProcess:
        """A simulated self-check kiosk (`stacks edge kiosk --simulate`) as a process, not yet started;
        `pad="rfid"` gives it a virtual RFID reader, whose link and counters its status reports."""
        plan = self.broker.plan
        env = os.environ | {
            "STACKS_DATA_DIR": str(self.root / "var"),
            "STACKS_MQTT_URL": plan.url,
            "STACKS_MQTT_PASSWORD": plan.credentials.password(device_id),
            "STACKS_MQTT_PROTOCOL": plan.protocol,
        }
        argv = [sys.executable, "-m", "stacks", "edge", "kiosk", "--simulate", "--device-id", device_id]
        argv += ["--manifest", str(self.manifest), "--think-ms", "500", "--pad", pad]
        child = ChildProcess(argv, log_path=self.root / f"{device_id}.log", env=env)
        self.kiosks.append(child)
        return child

    def device_state(self, device_id: str) -> str | None:
        with self.db() as session:
            device = session.get(Device, device_id)
            return device.state if device is not None else None

    def wait_for_device(self, device_id: str, state: str, timeout: float = 30) -> None:
        wait_until(
            lambda: self.device_state(device_id) == state,
            timeout=timeout,
            message=f"{device_id} did not become {state}; see {self.root}",
            interval=0.05,
        )


def _seed(root: Path, database_url: str, manifest: Path) -> None:
    env = os.environ | {"STACKS_DATABASE_URL": database_url, "STACKS_DATA_DIR": str(root / "var")}
    argv = [
        sys.executable,
        "-m",
        "stacks",
        "seed",
        "--items",
        "60",
        "--patrons",
        "20",
        "--manifest",
        str(manifest),
    ]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=START_TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def serving_console(root: Path, database_url: str, config_dir: Path | None = None) -> Iterator[ConsoleServer]:
    """Broker, seeded database with staff of each role, and `stacks server`, until the block ends;
    `config_dir`: another configuration than the repository's (a test's own policy)."""
    manifest = root / "var" / "seed-manifest.json"
    with running_broker(root / "var") as broker:
        _seed(root, database_url, manifest)
        engine = make_engine(database_url)
        with Session(engine) as session:
            for role, (username, full_name) in ACCOUNTS.items():
                staff(session, username, role, full_name=full_name)
            session.commit()
        plan = broker.plan
        env = {
            "STACKS_DATA_DIR": str(root / "var"),
            "STACKS_DATABASE_URL": database_url,
            "STACKS_MQTT_URL": plan.url,
            "STACKS_MQTT_PASSWORD": plan.credentials.password(SERVER_USER),
            "STACKS_MQTT_PROTOCOL": plan.protocol,
            "STACKS_MQTT_CLIENT_ID": f"stacks-server-{root.name}",
            "STACKS_LIBRARY_NAME": LIBRARY_NAME,
            # Every browser of these tests signs in from 127.0.0.1: the address's own throttle is tested
            # in tests/integration/services/test_login_throttle.py; here it must not hold the others back.
            "STACKS_LOGIN_ADDRESS_FREE_FAILURES": "1000",
            "STACKS_LOGIN_ADDRESS_LOCK_FAILURES": "2000",
        } | ({"STACKS_CONFIG_DIR": str(config_dir)} if config_dir is not None else {})
        process = ServerProcess(env, port=free_port(), log_path=root / "server.log")
        server = ConsoleServer(root, database_url, broker, process, manifest, engine)
        try:
            process.migrate()
            process.start(timeout=START_TIMEOUT_S)
            yield server
        finally:
            for kiosk in server.kiosks:
                kiosk.stop()
            process.stop()
            engine.dispose()


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    root = tmp_path_factory.mktemp("console-sqlite")
    with serving_console(root, f"sqlite:///{root / 'stacks.db'}") as server:
        yield server


@pytest.fixture(scope="session")
def console_server_pg(
    tmp_path_factory: pytest.TempPathFactory, postgres_cluster: PostgresCluster
) -> Iterator[ConsoleServer]:
    root = tmp_path_factory.mktemp("console-postgres")
    with serving_console(root, postgres_cluster.create_database()) as server:
        yield server


def sign_in(screen: Screen, server: ConsoleServer, role: str) -> Screen:
    """Sign in through the log-in page, as a member of staff types it, and start in Vietnamese: the
    console keeps each account's language, and the server (shared by the test files a worker runs) may
    hold an account another test left on English."""
    username, _ = ACCOUNTS[role]
    page = screen.page
    page.goto(server.url("/login"))
    page.fill("#field-username", username)
    page.fill("#field-password", PASSWORD)
    page.click("form[action='/console/login'] button[type=submit]")
    page.wait_for_url(server.url("/"))
    if page.locator("html").get_attribute("lang") != "vi":
        switch_language(page, "vi")
    return screen


@contextmanager
def signed_in_pages(browser: Browser, server: ConsoleServer) -> Iterator[Callable[[str], Screen]]:
    """A maker of signed-in pages on `server` by role, one browser context each, closed on leaving."""
    with ExitStack() as opened:

        def open_as(role: str) -> Screen:
            screen = opened.enter_context(open_screen(browser))
            screen.page.add_init_script(COUNT_DIALOGS)
            return sign_in(screen, server, role)

        yield open_as


@pytest.fixture
def console_as(browser: Browser, console_server: ConsoleServer) -> Iterator[Callable[[str], Screen]]:
    """Signed-in pages, one browser context each, closed after the test."""
    with signed_in_pages(browser, console_server) as open_as:
        yield open_as
