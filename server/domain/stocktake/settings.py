"""The stock-take's tunable rules. The sources give thin figures for these, so they are settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class StocktakeSettings:
    order_tolerance: int = 3
    """Books a wand-read book may stand from its place before it is reported out of order (reading
    jitter: a wand reads every tag within ~30 cm, about ten spines, in random order)."""

    reshelving_grace: timedelta = timedelta(days=2)
    """A book returned this long or less before its shelf was swept, and not seen, is "returned, not yet
    seen on the shelf" (look on the trolleys) rather than missing."""

    inference_window: int = 20
    """The last N reads a handheld's shelf is inferred from."""

    inference_min_reads: int = 5
    """Fewer reads with a known home than this, and the shelf is not inferred."""

    inference_min_confidence: float = 0.6
    """The share of those reads one shelf must hold for it to be inferred (or to contradict a label)."""

    def __post_init__(self) -> None:
        if self.order_tolerance < 0:
            raise ValueError("order_tolerance cannot be negative")
        if self.reshelving_grace < timedelta(0):
            raise ValueError("reshelving_grace cannot be negative")
        if self.inference_window < 1 or self.inference_min_reads < 1:
            raise ValueError("the inference window and minimum reads must be at least 1")
        if not 0.0 < self.inference_min_confidence <= 1.0:
            raise ValueError("inference_min_confidence must be in (0, 1]")
