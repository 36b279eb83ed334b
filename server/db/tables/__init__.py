"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from server.db.tables.events import DeadLetter, Device, EventLog

__all__ = ["DeadLetter", "Device", "EventLog"]
