"""Records and items: Vietnamese and foreign titles with DDC call numbers, barcodes and tag UIDs.

Barcodes say the language (VV… Vietnamese, NV… foreign), as Vietnamese libraries number their
collections; every item gets a distinct ISO 15693 UID in NXP's range (E0 04 …).
"""

from __future__ import annotations

import random

from server.domain.callnumbers import fold
from server.domain.enums import ItemCondition
from server.seed import vocabulary as words
from server.seed.model import ItemSeed, RecordSeed

# Share of items by type, and copies per record (textbooks are bought in numbers).
TYPE_WEIGHTS = {"book": 70, "textbook": 12, "reference": 5, "thesis": 6, "periodical": 4, "av": 3}
COPIES = {
    "book": (1, 4),
    "textbook": (4, 10),
    "reference": (1, 2),
    "thesis": (1, 1),
    "periodical": (2, 6),
    "av": (1, 2),
}
PRICES = {
    "book": (60, 350),
    "textbook": (40, 150),
    "reference": (300, 1500),
    "thesis": (100, 100),
    "periodical": (30, 80),
    "av": (80, 200),
}
# Heights in centimetres (the common Vietnamese formats: 13×19, 14.5×20.5, 16×24, 19×27; theses on A4).
HEIGHTS = {
    "book": (19, 20, 21, 24),
    "textbook": (24, 27),
    "reference": (24, 27, 30),
    "thesis": (30,),
    "periodical": (27, 30),
    "av": (19,),
}
# In the order of their weights where drawn; the order is part of what makes the library reproducible.
CONDITIONS = (
    ItemCondition.NEW,
    ItemCondition.GOOD,
    ItemCondition.FAIR,
    ItemCondition.WORN,
    ItemCondition.POOR,
)
_UID_MULTIPLIER = 0x9E3779B97F  # odd, so index → UID is a bijection modulo 2^40: UIDs never collide
_UID_SPACE = 1 << 40


def tag_uid(index: int) -> str:
    """A deterministic, unique ISO 15693 UID: E0 (ISO 15693), 04 (NXP), 01, then 40 scrambled bits."""
    return f"E00401{(index * _UID_MULTIPLIER + 0x5A5A5) % _UID_SPACE:010X}"


def isbn13(rng: random.Random, vietnamese: bool) -> str:
    body = ("978604" if vietnamese else rng.choice(("9780", "9781"))) + "".join(
        str(rng.randrange(10)) for _ in range(12 - (6 if vietnamese else 4))
    )
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def vietnamese_name(rng: random.Random) -> str:
    surnames, weights = zip(*words.SURNAMES, strict=True)
    surname = rng.choices(surnames, weights)[0]
    if rng.random() < 0.5:
        return f"{surname} {rng.choice(words.MIDDLE_MALE)} {rng.choice(words.GIVEN_MALE)}"
    return f"{surname} {rng.choice(words.MIDDLE_FEMALE)} {rng.choice(words.GIVEN_FEMALE)}"


def english_name(rng: random.Random) -> str:
    return f"{rng.choice(words.ENGLISH_GIVEN)} {rng.choice(words.ENGLISH_SURNAMES)}"


def cutter(author: str, vietnamese: bool) -> str:
    """Vietnamese practice: first letters of the surname, then the given name's initial ("NG-A")."""
    parts = fold(author).split()
    surname, given = (parts[0], parts[-1]) if vietnamese else (parts[-1], parts[0])
    return f"{surname[:2]}-{given[0]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(rng: random.Random, patterns: tuple[str, ...], topic: str) -> str:
    return rng.choice(patterns).format(topic=topic, Topic=_capital(topic))


def _record(rng: random.Random, record_id: int, item_type: str, year_now: int) -> RecordSeed:
    subjects = words.SUBJECTS
    if item_type == "textbook":
        subjects = tuple(s for s in subjects if s.teaching)
    subject = rng.choices(subjects, [s.weight for s in subjects])[0]
    vietnamese = item_type in ("textbook", "thesis") or rng.random() < 0.6
    klass, topic_vi, topic_en = rng.choice(subject.topics)
    topic = topic_vi if vietnamese else topic_en
    author = vietnamese_name(rng) if vietnamese else english_name(rng)
    year = rng.randint(1995, year_now)
    cut = cutter(author, vietnamese)
    if item_type == "thesis":
        kind = rng.choice(("LV", "LV", "LA"))  # luận văn thạc sĩ, luận án tiến sĩ
        return RecordSeed(
            record_id,
            _title(rng, words.THESIS_VI, topic),
            author,
            None,
            year,
            "vie",
            f"{kind}-{year}-{record_id % 1000:03d}",
        )
    if item_type == "periodical":
        title, language = rng.choice(words.PERIODICALS)
        return RecordSeed(
            record_id,
            f"{title}, {year}",
            None,
            None,
            year,
            language,
            f"BC-{words.PERIODICALS.index((title, language)) + 1:03d}-{year}",
        )
    if item_type == "av":
        return RecordSeed(
            record_id, rng.choice(words.AV_TITLES), author, None, year, "vie", f"AV {klass} {cut}"
        )
    if item_type == "reference":
        patterns = words.REFERENCE_VI if vietnamese else words.REFERENCE_EN
        return RecordSeed(
            record_id,
            _title(rng, patterns, topic),
            author,
            isbn13(rng, vietnamese),
            year,
            "vie" if vietnamese else "eng",
            f"TC {klass} {cut}",
        )
    if item_type == "textbook":
        patterns = words.TEXTBOOK_VI
    else:
        patterns = words.TITLES_VI if vietnamese else words.TITLES_EN
    prefix = "GT " if item_type == "textbook" else ""
    return RecordSeed(
        record_id,
        _title(rng, patterns, topic),
        author,
        isbn13(rng, vietnamese),
        year,
        "vie" if vietnamese else "eng",
        f"{prefix}{klass} {cut}",
    )


def generate(item_count: int, seed: int, year_now: int) -> tuple[list[RecordSeed], list[ItemSeed]]:
    rng = random.Random(f"{seed}:catalogue")
    records: list[RecordSeed] = []
    items: list[ItemSeed] = []
    numbers = {"VV": 0, "NV": 0}
    types, weights = zip(*TYPE_WEIGHTS.items(), strict=True)
    sizes = random.Random(f"{seed}:sizes")  # its own stream, so the rest of the library stays as it was
    while len(items) < item_count:
        item_type = rng.choices(types, weights)[0]
        record = _record(rng, len(records) + 1, item_type, year_now)
        records.append(record)
        low, high = COPIES[item_type]
        for _ in range(min(rng.randint(low, high), item_count - len(items))):
            prefix = "VV" if record.language == "vie" else "NV"
            numbers[prefix] += 1
            price_low, price_high = PRICES[item_type]
            items.append(
                ItemSeed(
                    id=len(items) + 1,
                    barcode=f"{prefix}{numbers[prefix]:06d}",
                    tag_uid=tag_uid(len(items) + 1),
                    record_id=record.id,
                    item_type=item_type,
                    call_number=record.call_number,
                    condition=rng.choices(CONDITIONS, (10, 55, 20, 10, 5))[0],
                    price=rng.randint(price_low, price_high) * 1000,
                    # Số ĐKCB: the register (Việt văn, ngoại văn) and the copy's number in it.
                    accession_number=f"{prefix}.{numbers[prefix]:06d}",
                    height_cm=sizes.choice(HEIGHTS[item_type]),
                )
            )
    return records, items
