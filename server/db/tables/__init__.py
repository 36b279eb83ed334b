"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`, and makes the ORM
compute the derived columns (server/db/derived.py) on every write."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from server.db.derived import DERIVED_COLUMNS, derive_on_write
from server.db.tables.access import LoginThrottle, StaffSession
from server.db.tables.catalog import BibRecord, Item, Location
from server.db.tables.circulation import Fine, Hold, KioskSession, Loan
from server.db.tables.events import DeadLetter, Device, EventLog
from server.db.tables.gate import GateAlarm, GateFootfall, GatePeriod, TagCheck
from server.db.tables.imports import ImportRun
from server.db.tables.lifecycle import ConditionEntry, ItemTrace, ItemTraceEvent, RepairTicket
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.db.tables.people import Patron, PatronBlock
from server.db.tables.privacy import PurgeMark
from server.db.tables.sightings import Sighting
from server.db.tables.staff import StaffUser
from server.db.tables.stocktake import (
    StocktakeAction,
    StocktakeCorrection,
    StocktakeCount,
    StocktakeDamage,
    StocktakeExpected,
    StocktakeHandheld,
    StocktakeRead,
    StocktakeResult,
    StocktakeSession,
    StocktakeSweep,
    StocktakeTagEvent,
)
from server.db.tables.tagging import TaggingRequest
from server.db.tables.weeding import ItemWithdrawal, WeedingRound, WeedingRoundDocument, WeedingRoundEntry

__all__ = [
    "BibRecord",
    "ConditionEntry",
    "DeadLetter",
    "Device",
    "EventLog",
    "Fine",
    "GateAlarm",
    "GateFootfall",
    "GatePeriod",
    "Hold",
    "ImportRun",
    "Item",
    "ItemTrace",
    "ItemTraceEvent",
    "ItemWithdrawal",
    "KioskSession",
    "Loan",
    "Location",
    "LoginThrottle",
    "OfflineException",
    "OfflineTransaction",
    "Patron",
    "PatronBlock",
    "PurgeMark",
    "RepairTicket",
    "Sighting",
    "StaffSession",
    "StaffUser",
    "StocktakeAction",
    "StocktakeCorrection",
    "StocktakeCount",
    "StocktakeDamage",
    "StocktakeExpected",
    "StocktakeHandheld",
    "StocktakeRead",
    "StocktakeResult",
    "StocktakeSession",
    "StocktakeSweep",
    "StocktakeTagEvent",
    "TagCheck",
    "TaggingRequest",
    "WeedingRound",
    "WeedingRoundDocument",
    "WeedingRoundEntry",
]


@sa.event.listens_for(SQLModel, "mapper_configured", propagate=True)
def _on_every_table(_mapper: sa.orm.Mapper[Any], model: type[SQLModel]) -> None:
    if model.__tablename__ in DERIVED_COLUMNS:
        derive_on_write(model)
