"""Values that the shared components take from Python code (web/templates/components/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a message or a status reads: each tone has its own icon and words as well as its colour.
Tone = Literal["info", "success", "warning", "danger", "neutral"]


@dataclass(frozen=True, slots=True)
class Flash:
    """A message for the next page a person sees (flash_messages in components/feedback.html): already
    translated, since the request that leaves it knows the language."""

    tone: Tone
    text: str
    title: str | None = None
