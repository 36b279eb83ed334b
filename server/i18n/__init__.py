"""People-facing text in Vietnamese and English: decisions for every reason code, and notes.

decision(ReasonCode.OK, action=Action.CHECKOUT, due=due_at)
→ Decision(ok=True, code="ok", message={"vi": "Mượn thành công. Hạn trả: 09/12/2026.", "en": …})
"""

from __future__ import annotations

from server.i18n.catalog import Action
from server.i18n.render import decision, localized, note, template_for

__all__ = ["Action", "decision", "localized", "note", "template_for"]
