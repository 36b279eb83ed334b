"""The engine's full-text index over the catalogue's search tokens (docs/opac.md).

The tokens are columns of `bib_record` (server/db/derived.py), made in Python so both engines index the
same words. On SQLite an FTS5 table reads them (external content: the tokens are stored once, in
`bib_record`) and triggers keep it in step with every write — the ORM's, the seed's and the importers' bulk
inserts alike. On PostgreSQL two GIN indexes on the columns' `to_tsvector('simple', …)`: the 'simple'
configuration only splits on spaces and lower-cases, which the tokens already are.
"""

from __future__ import annotations

SQLITE_TABLE = "bib_record_search"
# FTS5's own tables behind the virtual table: not ours to describe in the models.
SQLITE_TABLES = frozenset(
    {SQLITE_TABLE, *(f"{SQLITE_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content"))}
)
POSTGRES_INDEXES = {
    "ix_bib_record_search_exact": "search_exact",
    "ix_bib_record_search_folded": "search_folded",
}

_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE bib_record_search USING fts5(search_exact, search_folded, "
    "content='bib_record', content_rowid='id', tokenize='ascii', prefix='1 2 3', detail='column')",
    """CREATE TRIGGER bib_record_search_insert AFTER INSERT ON bib_record BEGIN
        INSERT INTO bib_record_search(rowid, search_exact, search_folded)
        VALUES (new.id, new.search_exact, new.search_folded);
    END""",
    """CREATE TRIGGER bib_record_search_delete AFTER DELETE ON bib_record BEGIN
        INSERT INTO bib_record_search(bib_record_search, rowid, search_exact, search_folded)
        VALUES ('delete', old.id, old.search_exact, old.search_folded);
    END""",
    """CREATE TRIGGER bib_record_search_update AFTER UPDATE OF search_exact, search_folded ON bib_record
    BEGIN
        INSERT INTO bib_record_search(bib_record_search, rowid, search_exact, search_folded)
        VALUES ('delete', old.id, old.search_exact, old.search_folded);
        INSERT INTO bib_record_search(rowid, search_exact, search_folded)
        VALUES (new.id, new.search_exact, new.search_folded);
    END""",
    "INSERT INTO bib_record_search(bib_record_search) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS bib_record_search_insert",
    "DROP TRIGGER IF EXISTS bib_record_search_delete",
    "DROP TRIGGER IF EXISTS bib_record_search_update",
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
)


def create_statements(dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return _SQLITE_CREATE
    return tuple(
        f"CREATE INDEX {name} ON bib_record USING gin (to_tsvector('simple', {column}))"
        for name, column in POSTGRES_INDEXES.items()
    )


def drop_statements(dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return _SQLITE_DROP
    return tuple(f"DROP INDEX IF EXISTS {name}" for name in POSTGRES_INDEXES)


def is_engine_owned(name: str | None) -> bool:
    """A table or index of the search index, which the models leave to the engine."""
    return name in SQLITE_TABLES or name in POSTGRES_INDEXES
