"""The console's navigation: each page module declares its own entry, shown to those who may open it.

    NAV = NavEntry(order=PATRONS, path="/patrons", label=N_("Patrons"), permission=Permission.PATRONS_VIEW)

The header lists the registered entries in `order`, each only to staff whose role holds its permission (the
page's route checks the same permission). A page not registered yet has no entry: nothing links to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.services.permissions import Permission, allows

# The places in the header, in the order the library works through them.
DASHBOARD, DESK, PATRONS, ITEMS, HOLDS, DEVICES, EVENTS, STAFF, AUDIT = range(10, 100, 10)
IMPORTS = ITEMS + 4  # catalogue and reader imports: the way in, beside the items
REGISTER = ITEMS + 5  # the accession register: every copy by its number, with the items it lists
OFFLINE = DESK + 2  # what the kiosks lent and took back offline: circulation's own exceptions
GATE = DESK + 5  # the alarm desk, next to the circulation desk: the same staff answer both
STOCKTAKE = HOLDS + 5  # the stock-take, after the collection's own pages (items, holds)
LOSSES = STOCKTAKE + 1  # the missing and lost items the stock-takes leave behind
WEEDING = STOCKTAKE + 2  # weeding, which reads what the stock-takes found
REPAIRS = STOCKTAKE + 3  # the repair queue, whose "beyond repair" weeding reads
STATISTICS = REPAIRS + 1  # the annual plan's figures and buying suggestions: weeding's mirror
TAGGING = ITEMS + 6  # the RFID conversion's station and dashboard, beside the copies it tags


@dataclass(frozen=True)
class NavEntry:
    order: int
    path: str  # under /console: "/", "/patrons"
    label: str  # an English message marked with N_(), translated where it is shown
    permission: Permission


def entries_for(entries: Iterable[NavEntry], role: str) -> list[NavEntry]:
    return sorted((e for e in entries if allows(role, e.permission)), key=lambda e: e.order)
