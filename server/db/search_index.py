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

PostgreSQL also keeps every record's words in a table of its own, `bib_record_word` (word, record id), whose
primary key answers "the newest records with these words" from the index alone, newest first, stopping at
the cap — what FTS5's doclists give SQLite. A GIN index answers which rows match, not in which order: the
newest thousand matches of common words meant reading every match's row (docs/opac.md, Speed). Folded
words are stored as they are; exact tokens with a digit (every word with diacritics, and numbers) are stored
again after "=", so a query's exact tier asks for "=d9u7o72ng". Statement triggers keep the table in step
with every insert, update and delete of `bib_record`, the bulk inserts' too.
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
POSTGRES_WORDS = "bib_record_word"
# The facets' language and year of up to a thousand matches, read from this index alone: from the table they
# were a thousand rows scattered over it, most not in the server's cache (docs/opac.md, Speed). SQLite's
# table is its primary key's B-tree already.
POSTGRES_FACETS_INDEX = "ix_bib_record_facets"
EXACT_MARK = "="  # before an exact token in bib_record_word

# A record's words: its folded tokens, and "=" before each exact token with a digit. DISTINCT: a word
# repeated in a record is one row.
_RECORD_WORDS = """
    SELECT DISTINCT word, record_id FROM (
        SELECT unnest(string_to_array(r.search_folded, ' ')) AS word, r.id AS record_id FROM {rows} r
        UNION ALL
        SELECT '=' || token, r.id FROM {rows} r, unnest(string_to_array(r.search_exact, ' ')) AS token
        WHERE token ~ '[0-9]'
    ) words WHERE word <> ''"""
# What the statement triggers run, on their transition tables `added` (new rows) and `removed` (old rows).
_ADD_WORDS = f"INSERT INTO {POSTGRES_WORDS} (word, record_id) {_RECORD_WORDS.format(rows='added')};"
_REMOVE_WORDS = f"DELETE FROM {POSTGRES_WORDS} w USING removed r WHERE w.record_id = r.id;"  # noqa: S608
_POSTGRES_WORDS_CREATE = (
    f"CREATE TABLE {POSTGRES_WORDS} (word text NOT NULL, record_id integer NOT NULL, "
    "PRIMARY KEY (word, record_id))",
    f"CREATE INDEX ix_{POSTGRES_WORDS}_record_id ON {POSTGRES_WORDS} (record_id)",
    # The planner picks the rarest word to start from by these statistics: the most common thousand words'
    # shares, instead of a hundred.
    f"ALTER TABLE {POSTGRES_WORDS} ALTER COLUMN word SET STATISTICS 1000",
    f"INSERT INTO {POSTGRES_WORDS} (word, record_id) {_RECORD_WORDS.format(rows='bib_record')}",
    *(
        f"""CREATE FUNCTION {POSTGRES_WORDS}_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$"""
        for name, body in (
            ("added", _ADD_WORDS),
            ("removed", _REMOVE_WORDS),
            ("changed", f"{_REMOVE_WORDS}\n        {_ADD_WORDS}"),
        )
    ),
    f"""CREATE TRIGGER {POSTGRES_WORDS}_insert AFTER INSERT ON bib_record
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_WORDS}_added()""",
    f"""CREATE TRIGGER {POSTGRES_WORDS}_delete AFTER DELETE ON bib_record
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_WORDS}_removed()""",
    f"""CREATE TRIGGER {POSTGRES_WORDS}_update AFTER UPDATE ON bib_record
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_WORDS}_changed()""",
)
_POSTGRES_WORDS_DROP = (
    *(
        f"DROP TRIGGER IF EXISTS {POSTGRES_WORDS}_{event} ON bib_record"
        for event in ("insert", "delete", "update")
    ),
    *(f"DROP FUNCTION IF EXISTS {POSTGRES_WORDS}_{what}()" for what in ("added", "removed", "changed")),
    f"DROP TABLE IF EXISTS {POSTGRES_WORDS}",
)

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


def create_word_statements(dialect: str) -> tuple[str, ...]:
    """PostgreSQL's table of records' words (above), filled from the records there are; nothing on SQLite."""
    return _POSTGRES_WORDS_CREATE if dialect == "postgresql" else ()


def drop_word_statements(dialect: str) -> tuple[str, ...]:
    return _POSTGRES_WORDS_DROP if dialect == "postgresql" else ()


def create_facets_statements(dialect: str) -> tuple[str, ...]:
    if dialect != "postgresql":
        return ()
    return (f"CREATE INDEX {POSTGRES_FACETS_INDEX} ON bib_record (id) INCLUDE (language, year)",)


def drop_facets_statements(dialect: str) -> tuple[str, ...]:
    return (f"DROP INDEX IF EXISTS {POSTGRES_FACETS_INDEX}",) if dialect == "postgresql" else ()


def is_engine_owned(name: str | None) -> bool:
    """A table, index or column of the search index, which the models leave to the engine."""
    owned = name in SQLITE_TABLES or name in POSTGRES_INDEXES or name in POSTGRES_VECTORS.values()
    return owned or name in (POSTGRES_WORDS, f"ix_{POSTGRES_WORDS}_record_id", POSTGRES_FACETS_INDEX)
