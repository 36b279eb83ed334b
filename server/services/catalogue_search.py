"""The catalogue search (OPAC) for readers and staff: the records a query finds, ranked and paged, with their
facets. The same results on SQLite (FTS5) and PostgreSQL (GIN over tsvector): the tokens are made in Python
(server/domain/catalogue/search_words.py); only how each engine is asked differs (docs/opac.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from server.db.among import among, listed
from server.db.search_index import SQLITE_TABLE
from server.domain.catalogue.opac import (
    COUNT_CAP,
    FACET_CAP,
    FacetCounts,
    SearchFilters,
    SearchRequest,
    SortOrder,
    decade_of,
    match_tiers,
)
from server.domain.enums import ItemStatus
from server.services import catalogue_search_postgres as postgres
from server.services.catalogue_search_postgres import Terms
from server.services.columns import ITEM, RECORD
from server.services.locations_tree import floor_of_shelves, shelves_of_floor


@dataclass(frozen=True, slots=True)
class RecordHit:
    id: int
    title: str
    author: str | None
    year: int | None
    language: str | None
    call_number: str | None
    copies: int
    available: int


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[RecordHit]
    total: int  # capped at COUNT_CAP + 1: "more than COUNT_CAP"
    facets: FacetCounts | None

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP


# --- SQLite: one FTS5 MATCH expression, column filters per word -------------------------------------------


def _fts5_terms(terms: Terms) -> str:
    parts = []
    for word, exact in terms:
        column = "search_exact" if exact else "search_folded"
        parts.append(f"{column} : {word.token(exact)}{'*' if word.prefix else ''}")
    return "(" + " AND ".join(parts) + ")"


def _sqlite_condition(terms: Terms) -> sa.ColumnElement[bool]:
    expression = _fts5_terms(terms)
    index: sa.ColumnClause[str] = sa.literal_column(SQLITE_TABLE)
    rowid: sa.ColumnClause[int] = sa.literal_column("rowid")
    matching = sa.select(rowid).select_from(sa.table(SQLITE_TABLE)).where(index.op("MATCH")(expression))
    return RECORD.c.id.in_(matching)


# --- Both engines -------------------------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.connection().dialect.name


def _filter_conditions(session: Session, filters: SearchFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.language:
        conditions.append(RECORD.c.language == filters.language)
    if filters.decade is not None:
        conditions.append(RECORD.c.year.between(filters.decade, filters.decade + 9))
    copy = sa.select(ITEM.c.id).where(ITEM.c.record_id == RECORD.c.id)
    if filters.item_type:
        conditions.append(sa.exists(copy.where(ITEM.c.item_type == filters.item_type)))
    if filters.floor_id is not None:
        shelves = shelves_of_floor(session, filters.floor_id)
        conditions.append(sa.exists(copy.where(ITEM.c.home_location_id.in_(shelves))))
    if filters.available:
        conditions.append(sa.exists(copy.where(ITEM.c.status == ItemStatus.AVAILABLE)))
    return conditions


def _newest(
    session: Session, terms: Terms, filters: Sequence[sa.ColumnElement[bool]], cap: int = COUNT_CAP + 1
) -> list[int]:
    """The newest `cap` records matching, newest first: one query, which the index answers."""
    if _dialect(session) == "postgresql":
        return postgres.newest_ids(session, terms, filters, cap)
    if filters:
        statement = (
            sa.select(RECORD.c.id)
            .where(_sqlite_condition(terms), *filters)
            .order_by(RECORD.c.id.desc())
            .limit(cap)
        )
    else:  # FTS5 reads its own index from the newest rowid down and stops at the cap
        index: sa.ColumnClause[str] = sa.literal_column(SQLITE_TABLE)
        rowid: sa.ColumnClause[int] = sa.literal_column("rowid")
        statement = (
            sa.select(rowid)
            .select_from(sa.table(SQLITE_TABLE))
            .where(index.op("MATCH")(_fts5_terms(terms)))
            .order_by(rowid.desc())
            .limit(cap)
        )
    return list(map(int, session.execute(statement).scalars().all()))  # all(): one fetch, not one a row


def _by_title(session: Session, ids: list[int], offset: int, limit: int) -> list[int]:
    if not ids:
        return []
    statement = (
        sa.select(RECORD.c.id)
        .where(among(_dialect(session), RECORD.c.id, ids))
        .order_by(RECORD.c.title_key, RECORD.c.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def search(session: Session, request: SearchRequest, *, facets: bool = True) -> SearchResults:
    """The page of records the request asks for, their total (capped) and, if asked, the facets.

    Everything but the exact-diacritic tier is taken from the newest COUNT_CAP matches, found once: the
    total, the page, the title order, the facets (docs/opac.md, "What a search finds")."""
    if not request.query:
        return SearchResults([], 0, None)
    tiers = match_tiers(request.query)
    filters = _filter_conditions(session, request.filters)
    newest = _newest(session, [(word, False) for word in tiers.all], filters)
    total, found = len(newest), newest[:COUNT_CAP]
    end = request.offset + request.limit
    if request.sort is SortOrder.TITLE:
        ids = _by_title(session, found, request.offset, request.limit)
    elif tiers.first is not None and found:
        # Only as many first-tier matches as the page reaches are needed; fewer than that are all of them,
        # and the page goes on into the other matches, newest first.
        exact = _newest(session, tiers.first, filters, cap=end)
        if len(exact) < end:
            first = set(exact)
            exact += [i for i in found if i not in first]
        ids = exact[request.offset : end]
    else:
        ids = found[request.offset : end]
    counted = _facets(session, newest[: FACET_CAP + 1]) if facets else None
    return SearchResults(_hits(session, ids), total, counted)


def _hits(session: Session, ids: list[int]) -> list[RecordHit]:
    if not ids:
        return []
    records = {
        row.id: row
        for row in session.execute(
            sa.select(
                RECORD.c.id,
                RECORD.c.title,
                RECORD.c.author,
                RECORD.c.year,
                RECORD.c.language,
                RECORD.c.call_number,
            ).where(among(_dialect(session), RECORD.c.id, ids))
        )
    }
    copies: Counter[int] = Counter()
    available: Counter[int] = Counter()
    for record_id, status in session.execute(
        sa.select(ITEM.c.record_id, ITEM.c.status).where(among(_dialect(session), ITEM.c.record_id, ids))
    ):
        if status != ItemStatus.WITHDRAWN:
            copies[record_id] += 1
            available[record_id] += status == ItemStatus.AVAILABLE
    return [RecordHit(**records[i]._asdict(), copies=copies[i], available=available[i]) for i in ids]


def _facets(session: Session, ids: list[int]) -> FacetCounts:
    """Records per facet value over the newest FACET_CAP matches (`ids`, newest first, one more if capped)."""
    capped = len(ids) > FACET_CAP
    ids = ids[:FACET_CAP]
    language: Counter[str] = Counter()
    decade: Counter[int] = Counter()
    found = listed(_dialect(session), ids)
    for lang, year, records in session.execute(
        sa.select(RECORD.c.language, RECORD.c.year, sa.func.count())
        .select_from(found.join(RECORD, RECORD.c.id == found.c.id))
        .group_by(RECORD.c.language, RECORD.c.year)
    ):
        if lang:
            language[lang] += records
        if (d := decade_of(year)) is not None:
            decade[d] += records
    types: dict[str, set[int]] = {}
    floors: dict[int, set[int]] = {}
    available: set[int] = set()
    floor_of = floor_of_shelves(session)
    for record_id, item_type, home, status in session.execute(
        sa.select(ITEM.c.record_id, ITEM.c.item_type, ITEM.c.home_location_id, ITEM.c.status)
        .select_from(found.join(ITEM, ITEM.c.record_id == found.c.id))
        .where(ITEM.c.status != ItemStatus.WITHDRAWN)
    ):
        types.setdefault(item_type, set()).add(record_id)
        if home is not None and (floor := floor_of.get(home)) is not None:
            floors.setdefault(floor, set()).add(record_id)
        if status == ItemStatus.AVAILABLE:
            available.add(record_id)
    return FacetCounts(
        language=dict(language.most_common()),
        decade=dict(sorted(decade.items(), reverse=True)),
        item_type={k: len(v) for k, v in sorted(types.items(), key=lambda kv: -len(kv[1]))},
        floor={k: len(v) for k, v in sorted(floors.items())},
        available=len(available),
        capped=capped,
    )
