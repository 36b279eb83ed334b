"""The dashboard: the library's day at a glance, kept live.

Four fragments, each rendered from server/services/dashboard.py and sent again over the page's stream when
the database changes under it: today's loans, returns and renewals; what is waiting (overdue loans, holds
on the hold shelf, offline exceptions to settle); the devices, online or offline, when each was last heard
from and its outbox backlog; and the problems (missing sequence numbers, dead letters). A kiosk that goes
offline — its last will reaches the server — turns to "offline" on every open dashboard at once. For those
who weed, a line says when the next weeding round is due (Thông tư 02/2020/TT-BVHTTDL: every 3 years up to
300,000 units, 5 above).
"""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.responses import Response

from server.collection_config import WEEDING_FILE, load_weeding
from server.console import render
from server.console.access import ConsoleRouter
from server.console.live.stream import LiveFragment, Part, live_response, part_fragments
from server.console.nav import DASHBOARD, NavEntry
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.services import alarm_desk, dashboard, offline_transactions, weeding_round_reads
from server.services.permissions import Permission, allows
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(DASHBOARD, "/", N_("Dashboard"), Permission.DASHBOARD)
STREAM = "/live/dashboard"

CIRCULATION = frozenset({*dashboard.CHECKOUT_KINDS, *dashboard.CHECKIN_KINDS, *dashboard.RENEW_KINDS})
HOLDS = frozenset({"desk.hold.place", "desk.hold.cancel"})
# What kiosks did offline arrives (applied a few seconds later), or staff settle one of its exceptions.
OFFLINE = frozenset({"offline.checkout", "offline.checkin", "desk.offline.settle"})
# An alarm arrives or is resolved; a tag check closes by hand, or by a checkout or return of its item.
GATE = frozenset({"gate.alarm", "desk.gate.alarm.resolve", "desk.gate.tag_check.done"}) | CIRCULATION
Values = dict[str, object]


def _today(state: ConsoleState, session: Session) -> Values:
    return {"today": dashboard.today(session, state.clock(), state.timezone)}


def _waiting(state: ConsoleState, session: Session) -> Values:
    return {
        "waiting": dashboard.waiting(session, state.clock()),
        "offline_open": offline_transactions.open_count(session),
    }


def _gate(_state: ConsoleState, session: Session) -> Values:
    return {"gate": alarm_desk.alarm_summary(session)}


def _devices(state: ConsoleState, session: Session) -> Values:
    return {"devices": dashboard.devices(session, state.registered_devices())}


def _problems(state: ConsoleState, session: Session) -> Values:
    lines = dashboard.devices(session, state.registered_devices())
    return {"problems": dashboard.problems(session, lines, state.clock(), state.timezone)}


# Each fragment: its name (template console/dashboard/<name>.html), the changes that redraw it, its values.
PARTS: list[Part] = [
    ("today", lambda change: bool(change.kinds & CIRCULATION), _today),
    ("waiting", lambda change: bool(change.kinds & (CIRCULATION | HOLDS | OFFLINE)), _waiting),
    ("gate", lambda change: bool(change.kinds & GATE), _gate),
    ("devices", lambda change: bool(change.devices), _devices),
    ("problems", lambda change: bool(change.devices or change.dead_letters), _problems),
]


def fragments(state: ConsoleState) -> list[LiveFragment]:
    """The dashboard's fragments show the library, not the person: every open dashboard of one language
    shares each rendering."""
    return part_fragments(state, "console/dashboard", PARTS, same_for_everyone=True)


def _weeding_due(state: ConsoleState, session: Session) -> Values:
    """When the next weeding round is due (not live: it moves when a round is approved, or a year turns)."""
    rules = load_weeding(state.settings.config_dir / WEEDING_FILE).rounds
    today = state.clock().astimezone(state.timezone).date()
    return {
        "weeding_due": weeding_round_reads.next_due(session, rules, today),
        "weeding_rules": rules,
        "weeding_today": today,
    }


@pages.page("/", Permission.DASHBOARD)
def show(request: Request, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    context: Values = {"stream_url": render.console_url(STREAM)}
    for _name, _wants, values in PARTS:
        context |= values(state, db)
    if allows(viewer.staff.role, Permission.WEEDING_VIEW):
        context |= _weeding_due(state, db)
    return render.page(request, state, viewer, "console/dashboard.html", context, nav=NAV.path)


@pages.stream(STREAM, Permission.DASHBOARD)
def live(state: StateDep, viewer: ViewerDep) -> EventSourceResponse:
    return live_response(state, viewer, fragments(state))
