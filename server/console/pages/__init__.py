"""The console's pages, one module each. A module has `pages`, a `ConsoleRouter` of its routes (each with
its kind and permission: server/console/access.py), and `NAV`, its entry in the header, if it has one.
Adding a page is adding its module here (docs/console.md, "How to add a page")."""

from __future__ import annotations

from types import ModuleType

from server.console.pages import (
    audit,
    auth,
    buying_suggestions,
    collection_report,
    collection_statistics,
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
    patron_actions,
    patrons,
    staff,
    staff_account,
    stocktake,
    stocktake_closing,
    stocktake_pdf,
    stocktake_progress,
    stocktake_results,
    weeding,
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
    weeding,
    collection_statistics,
    collection_report,
    buying_suggestions,
    devices,
    events,
    dead_letters,
    staff,
    staff_account,
    audit,
)
