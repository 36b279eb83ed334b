"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and repair what
a new constraint would refuse."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel

import server.db.tables  # noqa: F401  (registers every table)
from server.db import search_index
from server.db.engine import make_engine
from server.db.migrate import DatabaseNotMigratedError, alembic_config, require_head, upgrade
from server.db.tables import BibRecord, Fine, Hold, Item, Loan, Patron
from server.services.columns import HOLD, ITEM, PATRON, RECORD
from tests.support import factories as make


def _differences(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            # the full-text index's tables and indexes are the engine's own (server/db/search_index.py)
            opts = {
                "compare_type": True,
                "include_name": lambda name, *_: not search_index.is_engine_owned(name),
            }
            context = MigrationContext.configure(connection, opts=opts)
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def test_upgrade_head_yields_the_models_schema(database_url: str) -> None:
    upgrade(database_url)
    assert _differences(database_url) == []


def test_upgrade_creates_the_partial_indexes_of_the_hot_paths(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        indexes = {ix["name"]: ix for ix in sa.inspect(engine).get_indexes("loan")}
    finally:
        engine.dispose()
    assert indexes["ux_loan_open_item"]["unique"]
    assert {"ix_loan_open_patron_due", "ix_loan_open_patron_type", "ix_loan_open_due"} <= indexes.keys()


def test_a_fresh_database_is_not_the_models_schema(sqlite_url: str) -> None:
    """The comparison above can fail: an empty database differs by every table."""
    engine = make_engine(sqlite_url)
    with engine.connect():
        pass
    engine.dispose()
    assert len(_differences(sqlite_url)) >= len(SQLModel.metadata.tables)


def test_there_is_one_initial_revision_named_0001() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    bases = scripts.get_bases()
    assert bases == ["0001"]
    assert scripts.get_revision("0001").down_revision is None


def _patron_of_old(session: Session) -> Patron:
    """A patron with only the columns every revision has (the model's newer ones are not there yet)."""
    card = f"SV20{len(session.execute(sa.select(PATRON.c.id)).all()):05d}"
    session.execute(
        sa.text(
            "INSERT INTO patron (card_number, full_name, search_text, category, expires_on, pin_failures,"
            " created_at) VALUES (:card, 'Lê Văn Tám', 'LE VAN TAM', 'undergraduate', :expires, 0, :created)"
        ),
        {"card": card, "expires": date(2027, 6, 30), "created": datetime(2026, 1, 1, tzinfo=UTC)},
    )
    patron_id = session.execute(sa.select(PATRON.c.id).where(PATRON.c.card_number == card)).scalar_one()
    # Only the columns the old schema has are read; the factories need no more than the id.
    only_old = sa.orm.load_only(Patron.id, Patron.card_number)  # type: ignore[arg-type]
    return session.get_one(Patron, patron_id, options=[only_old])


def _record_of_old(
    session: Session, title: str = "Truyện Kiều", author: str | None = "Nguyễn Du"
) -> BibRecord:
    """A record with only the columns every revision has (the model's newer ones are not there yet)."""
    session.execute(
        sa.text(
            "INSERT INTO bib_record (title, search_text, author, created_at)"
            " VALUES (:title, '', :author, :created)"
        ),
        {"title": title, "author": author, "created": datetime(2026, 1, 1, tzinfo=UTC)},
    )
    record_id = session.execute(sa.select(sa.func.max(RECORD.c.id))).scalar_one()
    only_old = sa.orm.load_only(BibRecord.id, BibRecord.title)  # type: ignore[arg-type]
    return session.get_one(BibRecord, record_id, options=[only_old])


def _item_of_old(
    session: Session,
    record: BibRecord | None = None,
    status: str = "available",
    created: datetime = datetime(2026, 1, 1, tzinfo=UTC),
) -> Item:
    """An item with only the columns every revision has (the model's newer ones are not there yet)."""
    barcode = f"VV9{len(session.execute(sa.select(ITEM.c.id)).all()):05d}"
    session.execute(
        sa.text(
            "INSERT INTO item (barcode, record_id, item_type, status, condition, created_at)"
            " VALUES (:barcode, :record, 'book', :status, 'good', :created)"
        ),
        {
            "barcode": barcode,
            "record": (record or _record_of_old(session)).id,
            "status": status,
            "created": created,
        },
    )
    item_id = session.execute(sa.select(ITEM.c.id).where(ITEM.c.barcode == barcode)).scalar_one()
    only_old = sa.orm.load_only(Item.id, Item.barcode)  # type: ignore[arg-type]
    return session.get_one(Item, item_id, options=[only_old])


def test_0003_keeps_one_ready_hold_per_item(database_url: str) -> None:
    upgrade(database_url, "0002")
    engine = make_engine(database_url)
    deadline = datetime(2026, 11, 20, 16, 59, 59, tzinfo=UTC)
    try:
        with Session(engine, expire_on_commit=False) as session:
            title = _record_of_old(session)
            book = _item_of_old(session, title, status="on_hold_shelf")
            lapsed, trapped_since = (
                make.hold(
                    session,
                    title,
                    _patron_of_old(session),
                    placed_at=deadline - timedelta(days=days + 5),
                    status="ready",
                    item_id=book.id,
                    ready_at=ready_at,
                    expires_at=ready_at + timedelta(days=3),
                )
                for days, ready_at in ((2, deadline - timedelta(days=3)), (1, deadline + timedelta(days=1)))
            )
            session.commit()
        upgrade(database_url)
        with Session(engine) as session:
            statuses = {row.id: row.status for row in session.execute(sa.select(HOLD.c.id, HOLD.c.status))}
            assert statuses == {lapsed.id: "expired", trapped_since.id: "ready"}
            assert session.get(Hold, lapsed.id).closed_at == deadline  # type: ignore[union-attr]
            with pytest.raises(sa.exc.IntegrityError):
                make.hold(
                    session,
                    _record_of_old(session),
                    _patron_of_old(session),
                    placed_at=deadline,
                    status="ready",
                    item_id=book.id,
                )
    finally:
        engine.dispose()


def _revision(revision: str) -> Any:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision).module


def test_0007_refuses_values_the_enum_columns_cannot_read(database_url: str) -> None:
    """The status and kind columns are read as enum members from 0007 on: a stored string that is no
    member's value stops the migration, named, and once corrected the migration goes through."""
    upgrade(database_url, "0006")
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            book = _item_of_old(session)
            session.commit()
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE item SET status = 'in_transit' WHERE id = :id"), {"id": book.id}
            )
        # RuntimeError: each ScriptDirectory loads the revision's module (and its error class) afresh.
        with pytest.raises(RuntimeError, match=r"item.status = 'in_transit'.*correct them and migrate again"):
            upgrade(database_url)
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE item SET status = 'available' WHERE id = :id"), {"id": book.id}
            )
        upgrade(database_url)
        require_head(engine)
    finally:
        engine.dispose()


def test_0007_lists_values_the_enums_still_have() -> None:
    """A value once stored stays readable: no enum member listed by 0007 is renamed or removed later."""
    for (table_name, column_name), values in _revision("0007").ENUM_COLUMNS.items():
        column_type = SQLModel.metadata.tables[table_name].columns[column_name].type
        assert isinstance(column_type, sa.Enum), (table_name, column_name)
        assert set(values) <= set(column_type.enums), (table_name, column_name)


@pytest.mark.postgres
def test_two_migrations_at_once_run_one_after_the_other(postgres_url: str) -> None:
    """Two `stacks server migrate` at once (two deploy jobs): the second waits for the first's lock and then
    finds nothing to do, instead of failing on tables the first created."""
    command = [sys.executable, "-m", "stacks", "server", "migrate", "--database-url", postgres_url]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    engine = make_engine(postgres_url)
    try:
        require_head(engine)
    finally:
        engine.dispose()


def test_require_head_says_what_to_run(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with pytest.raises(
            DatabaseNotMigratedError, match="no Stacks schema yet: run `stacks server migrate`"
        ):
            require_head(engine)
        upgrade(sqlite_url, "0003")
        (head,) = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
        with pytest.raises(
            DatabaseNotMigratedError, match=f"at revision 0003, not at {head}: run `stacks server"
        ):
            require_head(engine)
        upgrade(sqlite_url)
        require_head(engine)
    finally:
        engine.dispose()


def test_0011_keeps_each_loans_category_and_lets_loans_and_holds_lose_their_reader(database_url: str) -> None:
    """Loans made before 0011 get their borrower's category; fines pointing at them survive the copy of
    the loan table on SQLite; afterwards a loan and a hold may be without a patron."""
    upgrade(database_url, "0010")
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            reader = _patron_of_old(session)
            book = _item_of_old(session)
            at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
            session.execute(
                sa.text(
                    "INSERT INTO loan (item_id, patron_id, item_type, checked_out_at, due_at, renewals,"
                    " returned_at, checkout_by) VALUES (:item, :patron, 'book', :at, :at, 0, :at, 'staff:x')"
                ),
                {"item": book.id, "patron": reader.id, "at": at},
            )
            session.execute(
                sa.text(
                    "INSERT INTO fine (patron_id, kind, status, amount, outstanding, loan_id, created_at)"
                    " VALUES (:patron, 'overdue', 'outstanding', 2000, 2000, (SELECT MAX(id) FROM loan), :at)"
                ),
                {"patron": reader.id, "at": at},
            )
            session.commit()
        upgrade(database_url)
        with Session(engine) as session:
            loan = session.execute(sa.select(Loan)).scalar_one()
            assert (loan.patron_id, loan.patron_category, loan.patron_faculty) == (
                reader.id,
                "undergraduate",
                None,
            )
            patron = session.get(Patron, reader.id)
            assert patron is not None
            assert (patron.keep_loan_history, patron.faculty) == (False, None)
            assert session.execute(sa.select(Fine.loan_id)).scalar_one() == loan.id  # type: ignore[call-overload]
            loan.patron_id = None
            session.commit()
    finally:
        engine.dispose()


def test_0012_gives_items_an_accession_number_unique_when_present_and_goes_back(database_url: str) -> None:
    upgrade(database_url, "0011")
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            _item_of_old(session)
            session.commit()
        upgrade(database_url, "0012")
        with Session(engine) as session:
            old_id, number, height = session.execute(
                sa.text("SELECT id, accession_number, height_cm FROM item")
            ).one()
            assert (number, height) == (None, None)
            other = _item_of_old(session).id  # two items without one are allowed
            session.execute(
                sa.text("UPDATE item SET accession_number = 'VV000001', height_cm = 24 WHERE id = :id"),
                {"id": old_id},
            )
            session.commit()
            with pytest.raises(sa.exc.IntegrityError):
                session.execute(
                    sa.text("UPDATE item SET accession_number = 'VV000001' WHERE id = :id"), {"id": other}
                )
            session.rollback()
        command.downgrade(alembic_config(database_url), "0011")
        with engine.connect() as connection:
            columns = {column["name"] for column in sa.inspect(connection).get_columns("item")}
        assert not {"accession_number", "height_cm"} & columns
    finally:
        engine.dispose()


def test_0014_gives_copies_withdrawn_before_rounds_their_register_entry_and_goes_back(
    database_url: str,
) -> None:
    upgrade(database_url, "0013")
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            gone = _item_of_old(session, status="withdrawn")
            _item_of_old(session)
            session.commit()
        upgrade(database_url, "0014")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT item_id, round_id, by FROM item_withdrawal")).all()
        assert [tuple(row) for row in rows] == [(gone.id, None, "before rounds")]
        command.downgrade(alembic_config(database_url), "0013")
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
        assert (
            not {"weeding_round", "weeding_round_entry", "weeding_round_document", "item_withdrawal"} & tables
        )
    finally:
        engine.dispose()


def test_0015_keys_every_record_by_its_work_and_dates_every_item_from_when_it_was_added(
    database_url: str,
) -> None:
    upgrade(database_url, "0014")
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            textbook = _record_of_old(session, "Giáo trình Kinh tế vi mô:", "Nguyễn Văn Ánh")
            anonymous = _record_of_old(session, "Từ điển Anh - Việt", None)
            late_in_the_day = datetime(2019, 5, 6, 23, 30, tzinfo=UTC)
            _item_of_old(session, textbook, created=late_in_the_day)
            session.commit()
        upgrade(database_url)
        with Session(engine) as session:
            keys = dict(session.execute(sa.select(RECORD.c.id, RECORD.c.work_key)).all())
            assert keys == {
                textbook.id: "NGUYEN VAN ANH / GIAO TRINH KINH TE VI MO",
                anonymous.id: " / TU DIEN ANH VIET",
            }
            copy = session.execute(
                sa.text("SELECT acquired_on, acquisition_source, donor, donation_conditions, rare FROM item")
            ).one()
            assert (str(copy[0]), copy[1], copy[2], copy[3], bool(copy[4])) == (
                "2019-05-06",
                None,
                None,
                None,
                False,
            )
        command.downgrade(alembic_config(database_url), "0014")
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            record_columns = {column["name"] for column in inspector.get_columns("bib_record")}
            item_columns = {column["name"] for column in inspector.get_columns("item")}
        assert (
            not {"edition", "edition_number", "uniform_title", "work_key", "set_key", "volume"}
            & record_columns
        )
        assert (
            not {"acquisition_source", "acquired_on", "donor", "donation_conditions", "rare"} & item_columns
        )
    finally:
        engine.dispose()
