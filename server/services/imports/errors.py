"""Why an import cannot start: the file is not what it says, or lacks what every entry needs. Raised
before anything is written; entries that are merely bad are rejects, not errors."""

from __future__ import annotations

from server.errors import InvalidInputError


class ImportFileError(InvalidInputError):
    """The file cannot be imported at all (nothing was written)."""


class NotThatKindOfFileError(ImportFileError):
    """An upload that is not what it says: not MARC 21, not CSV text."""


class MissingColumnsError(ImportFileError):
    """A CSV file without a column every row needs."""
