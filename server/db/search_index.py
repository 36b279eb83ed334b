"""The engine's full-text index over the catalogue's search tokens (docs/opac.md).

The tokens are columns of `bib_record` (server/db/derived.py), made in Python so both engines index the
same words. On SQLite an FTS5 table reads them (external content: the tokens are stored once, in
`bib_record`) and triggers keep it in step with every write — the ORM's, the seed's and the importers' bulk
inserts alike. On PostgreSQL each token column has a stored generated `tsvector` beside it
(`to_tsvector('simple', …)`: the 'simple' configuration only splits on spaces and lower-cases, which the
tokens already are; stripped of positions, which no search uses, so the row stays narrower) with a GIN index
over it. Stored, not an expression index: a search that walks the newest records, or rechecks a prefix's
matches, reads the vector instead of computing it for every row (docs/opac.md). The GIN indexes keep
`fastupdate` on: with it off, a million-record bulk fill inserted about 65,000 records a minute instead of
140,000, and the pending list it leaves is merged by the VACUUM ANALYZE that follows a large import.
"""

from __future__ import annotations

SQLITE_TABLE = "bib_record_search"
# FTS5's own tables behind the virtual table: not ours to describe in the models.
SQLITE_TABLES = frozenset(
    {SQLITE_TABLE, *(f"{SQLITE_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content"))}
)
# token column → its stored tsvector column, and that column's GIN index
POSTGRES_VECTORS = {"search_exact": "search_exact_tsv", "search_folded": "search_folded_tsv"}
POSTGRES_INDEXES = {f"ix_bib_record_{vector}": vector for vector in POSTGRES_VECTORS.values()}

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
    columns = tuple(
        f"ALTER TABLE bib_record ADD COLUMN {vector} tsvector "
        f"GENERATED ALWAYS AS (strip(to_tsvector('simple', {column}))) STORED"
        for column, vector in POSTGRES_VECTORS.items()
    )
    indexes = tuple(
        f"CREATE INDEX {name} ON bib_record USING gin ({vector})" for name, vector in POSTGRES_INDEXES.items()
    )
    return columns + indexes


def drop_statements(dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return _SQLITE_DROP
    indexes = tuple(f"DROP INDEX IF EXISTS {name}" for name in POSTGRES_INDEXES)
    columns = tuple(
        f"ALTER TABLE bib_record DROP COLUMN IF EXISTS {vector}" for vector in POSTGRES_VECTORS.values()
    )
    return indexes + columns


def is_engine_owned(name: str | None) -> bool:
    """A table, index or column of the search index, which the models leave to the engine."""
    return name in SQLITE_TABLES or name in POSTGRES_INDEXES or name in POSTGRES_VECTORS.values()
