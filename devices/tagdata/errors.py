"""Errors raised by the tag-data codec.

Only encoding and configuration raise: decoding never does, it classifies (see `devices.tagdata.reading`).
"""

from __future__ import annotations

from devices.errors import TagDataError


class TagEncodeError(TagDataError):
    """The values given cannot be written as ISO 28560-3 tag data (too long, not ASCII, bad ISIL, …)."""


class TagDataSettingsError(TagDataError):
    """The `[data_model]` settings are invalid (unknown key, wrong type, value out of range)."""
