"""Who may do what: one table from each permission to the roles that hold it.

The REST API and the staff console both check a route's permission against this table, so the same
staff member is allowed the same things whichever way they come in. A route names one permission; a new
kind of work gets a new permission here, not a role check in a route.

    assistant  — a desk assistant or student worker: circulation at the desk (loans, returns, renewals,
                 holds, taking a payment, reporting damage), looking patrons and items up, seeing the
                 offline exceptions, following a stock-take, searching for missing items; no loan history,
                 no waiving fines, no changes to items or patrons, no running a stock-take, no repairs, no
                 staff accounts
    librarian  — the library's work: all of the above, loan history, cataloguing, patrons' records, PINs
                 and blocks, waiving fines, settling offline exceptions, running stock-takes, the weeding
                 list and reviewing weeding rounds, keeping lost items, the repairs, the annual figures and
                 buying suggestions, the event log
    admin      — a librarian who also manages staff accounts, reads the audit trail and approves (or
                 abandons) weeding rounds
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from server.services.staff import StaffRole


class Permission(StrEnum):
    OWN_ACCOUNT = "account.own"  # one's own account: who am I, my password, my language
    DASHBOARD = "dashboard.view"
    DESK = "desk.circulate"  # checkout, checkin, renew at the desk
    CATALOGUE_VIEW = "catalogue.view"  # records, items, locations, where items were seen
    CATALOGUE_EDIT = "catalogue.edit"  # catalogue records, add and change items
    PATRONS_VIEW = "patrons.view"  # look patrons up: standing, open loans, holds, fines, blocks
    PATRONS_EDIT = "patrons.edit"  # register and change patrons, PINs, blocks
    LOANS_VIEW = "loans.view"  # open loans library-wide (due, overdue)
    LOAN_HISTORY = "loans.history"  # returned loans: who borrowed what before
    HOLDS_VIEW = "holds.view"
    HOLDS_MANAGE = "holds.manage"  # place and cancel holds
    FINES_PAY = "fines.pay"  # take a payment
    FINES_WAIVE = "fines.waive"
    OFFLINE_VIEW = "circulation.offline.view"  # the offline exceptions queue: what kiosks did offline
    OFFLINE_SETTLE = "circulation.offline"  # settle an offline exception with a note
    TAGGING = "catalogue.tag"  # the RFID conversion: order a tagging station to write a copy's tag
    DEVICES_VIEW = "devices.view"  # devices, their status and sequence gaps
    GATE_VIEW = "gate.view"  # gate alarms, the tag-check queue, alarm and footfall reports
    GATE_RESOLVE = "gate.resolve"  # say what an alarm was; close a tag check
    STOCKTAKE_VIEW = "stocktake.view"  # stock-take sessions, their progress, figures, exceptions, CSV
    STOCKTAKE_MANAGE = "stocktake.manage"  # create, open, pause, close, apply and undo actions, sign
    WEEDING_VIEW = "weeding.view"  # the weeding candidates, the copies spared and the evidence, CSV; rounds
    WEEDING_REVIEW = "weeding.review"  # open a weeding round, change its list, decide on its copies
    WEEDING_APPROVE = "weeding.approve"  # approve a round (its copies are withdrawn), abandon or close it
    LOSSES_VIEW = "losses.view"  # the search list and the lost list, CSV
    LOSSES_SEARCH = "losses.search"  # record a search for a missing item: not found, or found
    LOSSES_REVIEW = "losses.review"  # keep a lost item on the lost list (its withdrawal proposal withdrawn)
    REPAIRS_VIEW = "repairs.view"  # the repair queue
    REPAIRS_MANAGE = "repairs.manage"  # start a repair, say how it ended, cancel a report
    COLLECTION_STATISTICS = "collection.statistics"  # the annual figures, report and buying suggestions
    EVENTS_VIEW = "events.view"  # the event log and dead letters
    STAFF_MANAGE = "staff.manage"  # staff accounts: create, change, passwords, unlock sign-ins
    AUDIT_VIEW = "audit.view"  # the audit trail: every staff action with its before and after


_EVERYONE = frozenset(StaffRole)
_LIBRARIANS = frozenset({StaffRole.LIBRARIAN, StaffRole.ADMIN})
_ADMINS = frozenset({StaffRole.ADMIN})

ROLES: Mapping[Permission, frozenset[StaffRole]] = {
    Permission.OWN_ACCOUNT: _EVERYONE,
    Permission.DASHBOARD: _EVERYONE,
    Permission.DESK: _EVERYONE,
    Permission.CATALOGUE_VIEW: _EVERYONE,
    Permission.CATALOGUE_EDIT: _LIBRARIANS,
    Permission.PATRONS_VIEW: _EVERYONE,
    Permission.PATRONS_EDIT: _LIBRARIANS,
    Permission.LOANS_VIEW: _EVERYONE,
    Permission.LOAN_HISTORY: _LIBRARIANS,
    Permission.HOLDS_VIEW: _EVERYONE,
    Permission.HOLDS_MANAGE: _EVERYONE,
    Permission.FINES_PAY: _EVERYONE,
    Permission.FINES_WAIVE: _LIBRARIANS,
    # Anyone at the desk sees what the kiosks did offline; settling an exception is judging it (a loan to
    # a blocked reader kept, a return that was never recorded): the library's own work.
    Permission.OFFLINE_VIEW: _EVERYONE,
    Permission.OFFLINE_SETTLE: _LIBRARIANS,
    # Tagging the collection is the conversion's daily work, done by assistants and student workers too;
    # what a tag may hold is decided by the station and the server, not by the person at the pad.
    Permission.TAGGING: _EVERYONE,
    Permission.DEVICES_VIEW: _EVERYONE,
    Permission.GATE_VIEW: _EVERYONE,
    Permission.GATE_RESOLVE: _EVERYONE,
    # Assistants and student workers sweep the shelves and watch the progress; closing changes item statuses
    # in bulk (missing, restored, checked in) and signing makes it final: the library's own work.
    Permission.STOCKTAKE_VIEW: _EVERYONE,
    Permission.STOCKTAKE_MANAGE: _LIBRARIANS,
    # Weeding is the selectors' judgement on the collection, and the list shows each copy's use.
    Permission.WEEDING_VIEW: _LIBRARIANS,
    Permission.WEEDING_REVIEW: _LIBRARIANS,
    # Approval is the head of the library's decision (Thông tư 02/2020/TT-BVHTTDL): it withdraws copies for
    # good; abandoning a round is undoing the reviewers' work.
    Permission.WEEDING_APPROVE: _ADMINS,
    # Searching the shelves for missing items is the student workers' round as much as the librarians';
    # keeping a lost item rather than letting its withdrawal be proposed is a selector's judgement.
    Permission.LOSSES_VIEW: _EVERYONE,
    Permission.LOSSES_SEARCH: _EVERYONE,
    Permission.LOSSES_REVIEW: _LIBRARIANS,
    # Anyone at the desk reports damage (Permission.DESK) and sees the queue; the repair itself, and the
    # verdict "beyond repair" that weeding reads, are the library's own work.
    Permission.REPAIRS_VIEW: _EVERYONE,
    Permission.REPAIRS_MANAGE: _LIBRARIANS,
    # The annual plan is the librarians' to make; its figures show use by class, never by reader.
    Permission.COLLECTION_STATISTICS: _LIBRARIANS,
    Permission.EVENTS_VIEW: _LIBRARIANS,
    Permission.STAFF_MANAGE: _ADMINS,
    Permission.AUDIT_VIEW: _ADMINS,
}


def allows(role: str, permission: Permission) -> bool:
    """Whether a staff member of `role` holds `permission` (an unknown role holds none)."""
    return role in ROLES[permission]


def permissions_of(role: str) -> frozenset[Permission]:
    return frozenset(p for p, roles in ROLES.items() if role in roles)
