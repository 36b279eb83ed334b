"""What a chunk of offline transactions reads, counted in statements (not timed): the readers whose loans
its returns close are read once for the chunk, and on SQLite the database's write lock is taken once, by
the turn, not again by each item and reader read — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.services.context import CirculationContext
from server.services.offline_apply import apply_pending
from server.settings import ServerSettings
from tests.integration.services.statements import recorded
from tests.integration.services.test_offline_apply import DUE, LATER, T1, T2, T3, A, Server, lent, returned
from tests.support import factories as make

CLAIM = re.compile(r"^\s*UPDATE item SET id=item\.id\b", re.IGNORECASE)


def test_a_chunk_reads_its_borrowers_once_and_claims_sqlite_once(
    engine: Engine, circulation: CirculationContext, session: Session, tmp_path: Path
) -> None:
    server, db = Server(engine, circulation, ServerSettings(data_dir=tmp_path, _env_file=None)), session
    readers = [make.patron(db) for _ in range(3)]
    books = [make.item(db) for _ in range(3)]
    for reader, book in zip(readers, books, strict=True):
        make.loan(db, book, reader, due_at=DUE, checked_out_at=T1 - timedelta(days=2))
    other = make.patron(db)
    db.commit()
    server.arrive(*(returned(A, book, T2) for book in books), lent(A, other, books[0], T3))
    with recorded(engine) as log:
        report = apply_pending(engine, circulation, now=LATER)
    assert (report.applied, report.exceptions) == (4, 0)
    # The borrowers, once for the chunk; the checkout's reader, locked as any checkout locks its reader.
    assert len(log.loading("patron")) == 2
    # On SQLite the turn takes the write lock (for the chunk, and for the empty turn that ends the run); no
    # item or reader read claims it again.
    claims = [s for s in log if CLAIM.search(s)]
    assert [s for s in claims if not s.rstrip().endswith("WHERE 0 = 1")] == []
    assert len(claims) == (2 if engine.dialect.name == "sqlite" else 0)
    assert not [s for s in log if re.match(r"^\s*UPDATE patron SET id=patron\.id", s)]
    assert [loan[2] for book in books for loan in server.loans(book)] == [T2, None, T2, T2]
