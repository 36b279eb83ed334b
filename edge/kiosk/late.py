"""A loan whose answer came after the kiosk stopped waiting: the screen said "no answer yet", and the
server lent the book all the same. The loan stands only where the reader can still be shown it lent — the
reader who asked still signed in and the book still on the pad, its tag then unsecured and verified (or a
book named by its barcode alone, with no tag to set). Anywhere else the reader left, or left the book, not
knowing it was theirs: the loan is taken back, so the gate never finds a book lent and still secured.
"""

from __future__ import annotations

import dataclasses

from contract.common import ItemRef
from devices.errors import DeviceError
from edge.kiosk.answers import Answered
from edge.kiosk.session import ItemPad, KioskSession, SessionState


def settle_late_loan(session: KioskSession, answered: Answered) -> Answered:
    """`answered`: a late answer that made a loan (`answered.made_loan`). The same answer with its tag's
    fate, or taken back."""
    ref = answered.asked.item
    if ref is None:
        return answered
    same_reader = (
        session.state is SessionState.SIGNED_IN and session.card_number == answered.asked.card_number
    )
    if same_reader and ref.tag_uid is None:
        return answered  # scanned by barcode: lent as it stands
    pad = session.pad
    on_pad = same_reader and pad is not None and _on_pad(pad, ref)
    if on_pad and pad is not None and pad.apply_security(ref, "unsecure"):
        return dataclasses.replace(answered, security_applied=True)
    session.take_back(ref, answered.asked.session_id)
    return dataclasses.replace(answered, security_applied=False, taken_back=True)


def settle_late_return(session: KioskSession, answered: Answered) -> Answered:
    """`answered`: a late answer to a return, ok. Its tag is secured if the book still lies on the pad
    (one already in the return bin is secured again when staff shelve it)."""
    ref, pad = answered.asked.item, session.pad
    if (
        ref is None
        or ref.tag_uid is None
        or pad is None
        or getattr(answered.reply, "security", None) != "secure"
    ):
        return answered
    if not _on_pad(pad, ref):
        return answered
    return dataclasses.replace(answered, security_applied=pad.apply_security(ref, "secure"))


def _on_pad(pad: ItemPad, ref: ItemRef) -> bool:
    try:
        return any(found.tag_uid == ref.tag_uid for found in pad.read())
    except DeviceError:
        return False  # the pad's reader is silent: the tag cannot be set either
