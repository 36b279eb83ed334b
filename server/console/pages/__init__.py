"""The console's pages, one module each. A module has `pages`, a `ConsoleRouter` of its routes (each with
its kind and permission: server/console/access.py), and `NAV`, its entry in the header, if it has one.
Adding a page is adding its module here (docs/console.md, "How to add a page")."""

from __future__ import annotations

from types import ModuleType

from server.console.pages import (
    audit,
    auth,
    dashboard,
    dead_letters,
    desk,
    devices,
    events,
    gate,
    gate_checks,
    gate_report,
    holds,
    item_detail,
    items,
    losses,
    losses_csv,
    patron_actions,
    patrons,
    repairs,
    staff,
    staff_account,
    stocktake,
    stocktake_closing,
    stocktake_pdf,
    stocktake_progress,
    stocktake_results,
    weeding,
    weeding_round_actions,
    weeding_rounds,
)

# `items` before `item_detail`: its /items/results is not an item's barcode.
PAGE_MODULES: tuple[ModuleType, ...] = (
    auth,
    dashboard,
    desk,
    gate,
    gate_checks,
    gate_report,
    patrons,
    patron_actions,
    items,
    item_detail,
    holds,
    stocktake,
    stocktake_progress,
    stocktake_results,
    stocktake_closing,
    stocktake_pdf,
    losses,
    losses_csv,
    weeding,
    weeding_rounds,
    weeding_round_actions,
    repairs,
    devices,
    events,
    dead_letters,
    staff,
    staff_account,
    audit,
)
