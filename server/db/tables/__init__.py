"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from server.db.tables.access import LoginThrottle, StaffSession
from server.db.tables.catalog import BibRecord, Item, Location
from server.db.tables.circulation import Fine, Hold, KioskSession, Loan
from server.db.tables.events import DeadLetter, Device, EventLog
from server.db.tables.people import Patron, PatronBlock
from server.db.tables.sightings import Sighting
from server.db.tables.staff import StaffUser

__all__ = [
    "BibRecord",
    "DeadLetter",
    "Device",
    "EventLog",
    "Fine",
    "Hold",
    "Item",
    "KioskSession",
    "Loan",
    "Location",
    "LoginThrottle",
    "Patron",
    "PatronBlock",
    "Sighting",
    "StaffSession",
    "StaffUser",
]
