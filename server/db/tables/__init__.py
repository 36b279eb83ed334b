"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from server.db.tables.events import DeadLetter, Device, EventLog
from server.db.tables.staff import StaffUser

__all__ = ["DeadLetter", "Device", "EventLog", "StaffUser"]
