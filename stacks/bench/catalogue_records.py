"""A catalogue of records only (no copies, no readers), generated fast enough to fill a million records: the
seed's own vocabulary (subjects with their DDC classes, Vietnamese and English title patterns, people's
names), inserted in batches through the bulk path the seed and the importers use, so the search index is
fed as in a real library."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.derived import with_derived
from server.domain.callnumbers import fold
from server.seed import vocabulary as words
from server.services.columns import RECORD

_BATCH = 20_000
_AT = datetime(2026, 1, 1, tzinfo=UTC)
_SERIES = (
    "Tủ sách Khoa học",
    "Tủ sách Đại học",
    "Kiến thức phổ thông",
    "Oxford handbooks",
    "Văn học Việt Nam",
)


def _isbn13(serial: int) -> str:
    digits = f"978604{serial % 10**6:06d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return f"{digits}{check}"


def _person(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"{rng.choice(words.ENGLISH_GIVEN)} {rng.choice(words.ENGLISH_SURNAMES)}"
    male = rng.random() < 0.5
    middle = rng.choice(words.MIDDLE_MALE if male else words.MIDDLE_FEMALE)
    given = rng.choice(words.GIVEN_MALE if male else words.GIVEN_FEMALE)
    return f"{rng.choice(words.SURNAMES)[0]} {middle} {given}"


def record_rows(count: int, seed: int = 12) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    topics = [topic for subject in words.SUBJECTS for topic in subject.topics]
    for serial in range(count):
        ddc, topic_vi, topic_en = rng.choice(topics)
        english = rng.random() < 0.25
        topic = topic_en if english else topic_vi
        pattern = rng.choice(words.TITLES_EN if english else (words.TITLES_VI + words.TEXTBOOK_VI))
        title = pattern.format(topic=topic, Topic=topic[:1].upper() + topic[1:])
        if rng.random() < 0.3:
            title += f" {'volume' if english else 'tập'} {rng.randint(1, 5)}"
        author = _person(rng)
        yield {
            "title": title,
            "author": author,
            "other_authors": _person(rng) if rng.random() < 0.3 else None,
            "subjects": f"{topic_en if english else topic_vi} -- {rng.choice(('Giáo trình', 'Nghiên cứu'))}",
            "set_title": rng.choice(_SERIES) if rng.random() < 0.1 else None,
            "call_number": f"{ddc} {fold(author.split()[-1][:2])}-{fold(author[0])}",
            "isbn": _isbn13(serial) if rng.random() < 0.8 else None,
            "year": rng.randint(1960, 2026),
            "language": "eng" if english else "vie",
            "created_at": _AT,
        }


def fill(engine: Engine, count: int) -> None:
    """`count` generated records appended to the catalogue at `engine`, a batch per transaction."""
    rows = record_rows(count)
    while True:
        batch = [row for _, row in zip(range(_BATCH), rows, strict=False)]
        if not batch:
            return
        with Session(engine) as session:
            insert_rows(session, RECORD, with_derived(RECORD, batch))
            session.commit()
