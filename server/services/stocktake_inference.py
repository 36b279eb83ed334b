"""The shelf a handheld is on when nobody said: inferred from the homes of the books it reads.

A handheld that has neither scanned a shelf label nor had a shelf chosen sends its reads with no shelf. The
domain's rule (`inference.decide_shelf`) then names a shelf once enough of the last reads share a home;
from that read on, the reads are filed on that shelf and make a sweep whose method is `inferred` (so the
console and the report can say how the shelf was known). Reads taken while the rule is undecided stay
without a shelf: they prove the book is present, not where — nothing is called missing on their account.

The window of recent reads lives across runs of the ingest: the first time a run meets a handheld with no
shelf, its last reads in the session are loaded (one query), and the run's own reads are added as they are
judged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import StocktakeRead
from server.domain.stocktake.inference import ShelfMethod, decide_shelf
from server.domain.stocktake.settings import StocktakeSettings
from server.services.columns import ITEM, table_of

READ = table_of(StocktakeRead)
Window = deque[tuple[int, int | None]]  # (time in µs, home shelf of the item read), oldest first


class ShelfInference:
    """Each handheld's recent reads, and the shelf they point to."""

    def __init__(self, session: Session, settings: StocktakeSettings | None = None) -> None:
        self.session = session
        self.settings = settings or StocktakeSettings()
        self.homes: dict[int, int | None] = {}
        self.windows: dict[tuple[int, str], Window] = {}

    def know_homes(self, item_ids: Iterable[int]) -> None:
        """The homes of these items, looked up once for the run."""
        wanted = set(item_ids) - self.homes.keys()
        if wanted:
            rows = self.session.execute(
                sa.select(ITEM.c.id, ITEM.c.home_location_id).where(ITEM.c.id.in_(sorted(wanted)))
            )
            self.homes.update({row.id: row.home_location_id for row in rows})

    def shelf_after(self, session_id: int, device_id: str, at_us: int, item_id: int | None) -> int | None:
        """Add one read to the handheld's window; the inferred shelf now, or None while undecided. A read
        that names no catalogue item (an unknown tag) abstains."""
        window = self._window(session_id, device_id)
        window.append((at_us, self.homes.get(item_id) if item_id is not None else None))
        decision = decide_shelf(None, list(window), self.settings)
        return decision.shelf_id if decision.method is ShelfMethod.INFERRED else None

    def _window(self, session_id: int, device_id: str) -> Window:
        key = (session_id, device_id)
        window = self.windows.get(key)
        if window is None:
            latest = self.session.execute(
                sa.select(READ.c.at_us, ITEM.c.home_location_id)
                .join(ITEM, ITEM.c.id == READ.c.item_id)
                .where(READ.c.session_id == session_id, READ.c.device_id == device_id)
                .order_by(READ.c.read_seq.desc())
                .limit(self.settings.inference_window)
            ).all()
            window = deque(
                reversed([(row.at_us, row.home_location_id) for row in latest]),
                maxlen=self.settings.inference_window,
            )
            self.windows[key] = window
        return window
