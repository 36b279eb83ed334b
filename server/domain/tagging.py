"""The RFID conversion's rules, without I/O: what a tagging request may become, and whether a tag may be
bound to an item."""

from __future__ import annotations

from enum import StrEnum


class TaggingState(StrEnum):
    WAITING = "waiting"  # ordered; the station has not answered
    WRITTEN = "written"  # the tag written, verified, secured and recorded on the item
    REFUSED = "refused"  # the station (or the server) refused; `refusal` says why


class TagBinding(StrEnum):
    """What binding a tag UID to an item would do."""

    NEW = "new"  # the item had no tag
    SAME = "same"  # the item already has this very tag (written again)
    REPLACES = "replaces"  # the item had another tag (re-tagging)
    IN_USE = "in_use"  # the UID is another item's: refused


def binding(item_tag: str | None, uid: str, uid_holder_is_other_item: bool) -> TagBinding:
    """Binding `uid` to an item whose tag is `item_tag`; `uid_holder_is_other_item` when another item
    already has that UID."""
    if uid_holder_is_other_item:
        return TagBinding.IN_USE
    if item_tag is None:
        return TagBinding.NEW
    return TagBinding.SAME if item_tag == uid else TagBinding.REPLACES
