"""The catalogue search's queries on PostgreSQL (docs/opac.md): the newest records with every word, from the
words table's primary key, or from the GIN indexes when the matches are few; a query of prefixes alone from
the GIN indexes. SQLite's are in catalogue_search.py, which asks for these."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.search_index import EXACT_MARK, POSTGRES_VECTORS, POSTGRES_WORDS
from server.domain.catalogue.search_words import QueryWord
from server.services.columns import RECORD

Terms = Sequence[tuple[QueryWord, bool]]  # (word, matched on its exact token)


def _tsquery(words: Terms) -> str:
    return " & ".join(f"{word.token(exact)}{':*' if word.prefix else ''}" for word, exact in words)


# For this transaction's search queries (docs/opac.md):
# - a plan made for these words, never a generic one: which word is rarest is the whole plan, and the driver
#   prepares a statement run often, whose plan PostgreSQL may then make once for any words;
# - no machine-code compilation: it takes longer than the query, but the planner's guess of a LIMIT query's
#   cost is often high enough to ask for it;
# - no parallel workers: starting them took 10–15 ms, more than the query they would share.
# The same round trip brings the newest record's id.
SEARCH_SETTINGS = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true), (SELECT max(id) FROM bib_record) AS top"
)


def _word_token(word: QueryWord, exact: bool) -> str:
    return EXACT_MARK + word.exact if exact else word.folded


# The words table joins whole posting lists when the matches are few: three names common in a million
# records ("Trần Thị Lan": 64,000, 64,000 and 99,000 postings, 752 records with all three) took 73 ms, and
# the GIN index 15 ms, rows included. Which it is, is told by the newest tenth of the catalogue first.
_WINDOW_SHARE = 10
_FEW = 3_000  # matches few enough to read every row of from the GIN index
_BITMAP_ONLY = sa.text(
    "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
)
# The newest tenth's words alone (no word being typed, no filter): their posting lists there merged, each read
# once in order, instead of a probe of the other words' lists for each record of the first two: the words
# of "lich su viet nam" read 102 index pages instead of 10,000 (4.8 ms instead of 7.9, EXPLAIN ANALYZE).
_MERGED = sa.text("SELECT set_config('enable_nestloop', 'off', true)")
_ANY_PLAN = sa.text(
    "SELECT set_config('enable_seqscan', 'on', true), set_config('enable_indexscan', 'on', true), "
    "set_config('enable_nestloop', 'on', true)"
)


@contextmanager
def _planned(session: Session, settings: sa.TextClause) -> Iterator[None]:
    """The statements run inside planned with `settings`, and the rest of the search as usual."""
    session.execute(settings)
    try:
        yield
    finally:
        session.execute(_ANY_PLAN)


def newest_ids(
    session: Session, terms: Terms, filters: Sequence[sa.ColumnElement[bool]], cap: int
) -> list[int]:
    """The newest `cap` records matching, newest first."""
    top = int(session.execute(SEARCH_SETTINGS).one().top or 0)
    if all(word.prefix for word, _exact in terms):
        return _ids(session, newest(terms, filters, cap))
    window = newest(terms, filters, cap, above=top - top // _WINDOW_SHARE)
    if filters or any(word.prefix for word, _exact in terms):  # records' rows read: each one probed
        recent = _ids(session, window)
    else:
        with _planned(session, _MERGED):
            recent = _ids(session, window)
    if len(recent) >= cap:  # the newest tenth had enough: they are the newest of all
        return recent
    if len(recent) * _WINDOW_SHARE <= _FEW:
        with _planned(session, _BITMAP_ONLY):
            few = _ids(session, sa.select(RECORD.c.id).where(_indexed(terms), *filters).limit(_FEW + 1))
        if len(few) <= _FEW:  # all of them (else the newest tenth was not like the rest)
            return sorted(few, reverse=True)[:cap]
    return _ids(session, newest(terms, filters, cap))


def _ids(session: Session, statement: sa.Select[Any]) -> list[int]:
    return list(map(int, session.execute(statement).scalars().all()))  # all(): one fetch, not one a row


def _indexed(terms: Terms) -> sa.ColumnElement[bool]:
    """Every whole word from its column's GIN index; the word being typed checked on the rows found."""
    whole = [(word, exact) for word, exact in terms if not word.prefix]
    prefixes = [(word, exact) for word, exact in terms if word.prefix]
    return sa.and_(*_on_vectors(whole, indexed=True), *_on_vectors(prefixes, indexed=False))


def _on_vectors(terms: Terms, *, indexed: bool) -> list[sa.ColumnElement[bool]]:
    """The terms as one tsquery per token column on its stored vector: `@@`, which the planner takes to the
    column's GIN index, or `ts_match_vq` (what `@@` calls), which it checks on the rows found instead."""
    conditions: list[sa.ColumnElement[bool]] = []
    for column, exact in (("search_folded", False), ("search_exact", True)):
        words = [(word, on_exact) for word, on_exact in terms if on_exact is exact]
        if words:
            vector: sa.ColumnClause[str] = sa.literal_column(f"bib_record.{POSTGRES_VECTORS[column]}")
            query = sa.func.to_tsquery(sa.literal_column("'simple'"), _tsquery(words))
            if indexed:
                conditions.append(vector.op("@@", return_type=sa.Boolean)(query))
            else:
                conditions.append(sa.func.ts_match_vq(vector, query, type_=sa.Boolean))
    return conditions


def newest(
    terms: Terms, filters: Sequence[sa.ColumnElement[bool]], cap: int, above: int = 0
) -> sa.Select[Any]:
    """The newest `cap` records with every word, from the words table's primary key (server/db/
    search_index.py): one index-only scan per whole word, joined on the record, newest first, stopping at
    the cap. The planner starts from the rarest word (its statistics hold the commonest thousand words'
    shares). A word being typed (a prefix) is checked on the rows found, by their stored vectors; filters
    too. A query of prefixes alone goes to the GIN indexes and the walk of the newest records."""
    whole = [(word, exact) for word, exact in terms if not word.prefix]
    if not whole:
        return (
            sa.select(RECORD.c.id)
            .where(*_on_vectors(terms, indexed=True), *filters)
            .order_by(RECORD.c.id.desc())
            .limit(cap)
        )
    table = sa.table(POSTGRES_WORDS, sa.column("word", sa.Text), sa.column("record_id", sa.Integer))
    first, *others = [table.alias(f"w{n}") for n in range(len(whole))]
    joined: sa.FromClause = first
    for other in others:
        joined = joined.join(other, other.c.record_id == first.c.record_id)
    conditions: list[sa.ColumnElement[bool]] = [
        alias.c.word == _word_token(*term) for alias, term in zip([first, *others], whole, strict=True)
    ]
    if above:  # on every word's list, so that each is read from the window's start, merged or probed
        conditions += [alias.c.record_id > above for alias in (first, *others)]
    prefixes = [(word, exact) for word, exact in terms if word.prefix]
    if prefixes or filters:
        joined = joined.join(RECORD, RECORD.c.id == first.c.record_id)
        conditions += [*filters]
        if prefixes:
            conditions += _on_vectors(prefixes, indexed=False)
    return (
        sa.select(first.c.record_id)
        .select_from(joined)
        .where(*conditions)
        .order_by(first.c.record_id.desc())
        .limit(cap)
    )
