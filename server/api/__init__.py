"""The REST API: every route under `/api/v1`, all but the token route behind a staff bearer token.

`server.app` includes `api_router` and calls `install_error_handlers(app)` so errors answer as RFC 9457
problems.
"""

from __future__ import annotations

from fastapi import APIRouter

from server.api.problems import install_error_handlers
from server.api.routes import (
    circulation,
    collection,
    dead_letters,
    devices,
    events,
    fines,
    gate,
    gate_reports,
    holds,
    items,
    loans,
    login,
    offline,
    patron_account,
    patrons,
    records,
    sightings,
    staff,
    staff_actions,
    stocktake,
    tagging,
    weeding_round_documents,
    weeding_rounds,
)

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
for _module in (
    login,
    staff,
    circulation,
    items,
    records,
    patrons,
    patron_account,
    loans,
    holds,
    fines,
    events,
    staff_actions,
    dead_letters,
    devices,
    sightings,
    gate,
    gate_reports,
    offline,
    stocktake,
    collection,
    tagging,
    weeding_rounds,
    weeding_round_documents,
):
    api_router.include_router(_module.router)

__all__ = ["API_PREFIX", "api_router", "install_error_handlers"]
