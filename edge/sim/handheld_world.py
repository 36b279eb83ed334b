"""A scripted world for simulated handhelds: shelves of books in the order they stand, each book with its
tag as it really is (ours, armed or not; another library's; blank; none, only a printed barcode), and the
faults a stock-take must find placed on purpose.

    world = faulty_world(load_manifest(path).items, shelves=4)
    for shelf in world.shelves: print(shelf.code, [book.barcode for book in shelf.books])
    world.faults   # what was placed where, for the demo's summary and the acceptance tests

Pure data: `edge.sim.handheld_agent` turns a book into a virtual tag on the wand's field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from edge.sim.manifest import ManifestItem

FOREIGN_ISIL = "VN-HN0099"  # a neighbouring library whose book came back to the wrong one


class TagKind(StrEnum):
    OWN = "own"  # our data, armed as the book's status says
    DISARMED = "disarmed"  # our data, security off although the book is on the shelf
    FOREIGN = "foreign"  # another library's data
    BLANK = "blank"  # a chip with nothing written
    NONE = "none"  # no chip: the handheld scans its printed barcode


@dataclass(frozen=True, slots=True)
class ShelfBook:
    barcode: str | None  # None: a tag that names no barcode (foreign, blank)
    uid: str | None  # None: no chip
    tag: TagKind
    on_loan: bool = False  # its tag was unsecured when it was lent


@dataclass(frozen=True, slots=True)
class ShelfScript:
    code: str
    books: tuple[ShelfBook, ...]


@dataclass
class Faults:
    """Where each fault was placed: barcodes (or UIDs for tags without one)."""

    missing: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    on_loan_on_shelf: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    disarmed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in vars(self).items()}


@dataclass(frozen=True)
class HandheldWorld:
    shelves: tuple[ShelfScript, ...]
    faults: Faults

    @property
    def books(self) -> int:
        return sum(len(shelf.books) for shelf in self.shelves)

    def to_json(self) -> str:
        """The world as JSON, to hand to a simulated handheld in another process."""
        return json.dumps(
            {"shelves": [{"code": s.code, "books": [asdict(b) for b in s.books]} for s in self.shelves]}
            | {"faults": self.faults.as_dict()}
        )

    @classmethod
    def from_json(cls, text: str) -> HandheldWorld:
        value = json.loads(text)
        shelves = tuple(
            ShelfScript(
                shelf["code"],
                tuple(
                    ShelfBook(b["barcode"], b["uid"], TagKind(b["tag"]), b["on_loan"]) for b in shelf["books"]
                ),
            )
            for shelf in value["shelves"]
        )
        return cls(shelves, Faults(**value["faults"]))


def book_of(item: ManifestItem, tag: TagKind | None = None) -> ShelfBook:
    kind = tag or (TagKind.OWN if item.tag_uid is not None else TagKind.NONE)
    return ShelfBook(item.barcode, item.tag_uid, kind, on_loan=item.status == "on_loan")


def stray_tag(serial: int, kind: TagKind) -> ShelfBook:
    """A chip that names none of our books: another library's, or a blank one (UIDs of their own range)."""
    return ShelfBook(None, f"E0FF{serial:012X}", kind)


def faulty_world(items: Iterable[ManifestItem], *, shelves: int = 3, min_books: int = 6) -> HandheldWorld:
    """The first `shelves` locations of the manifest holding at least `min_books` available books, in the
    manifest's order, with one of each fault placed on the first of them: a book missing; its first book
    at the far end; a book of the next shelf on it; a book on loan back on it; a foreign and a blank tag
    among its books; one book's security off."""
    homes: dict[str, list[ManifestItem]] = {}
    on_loan: dict[str, list[ManifestItem]] = {}
    for item in items:
        if item.location_code is None:
            continue
        target = homes if item.status == "available" else on_loan if item.status == "on_loan" else None
        if target is not None:
            target.setdefault(item.location_code, []).append(item)
    codes = [code for code, books in homes.items() if len(books) >= min_books][:shelves]
    faults = Faults()
    scripts: list[ShelfScript] = []
    for index, code in enumerate(codes):
        books = [book_of(item) for item in homes[code] if item.barcode not in faults.misplaced]
        if index == 0:
            books = _with_faults(books, code=code, homes=homes, on_loan=on_loan, codes=codes, faults=faults)
        scripts.append(ShelfScript(code, tuple(books)))
    return HandheldWorld(tuple(scripts), faults)


def _with_faults(
    books: list[ShelfBook],
    *,
    code: str,
    homes: dict[str, list[ManifestItem]],
    on_loan: dict[str, list[ManifestItem]],
    codes: Sequence[str],
    faults: Faults,
) -> list[ShelfBook]:
    gone = books.pop(len(books) // 2)
    faults.missing.append(str(gone.barcode))
    books.append(books.pop(0))  # the first book stands at the far end
    faults.out_of_order.append(str(books[-1].barcode))
    if len(codes) > 1:
        stray = book_of(homes[codes[1]][-1])
        books.insert(2, stray)
        faults.misplaced.append(str(stray.barcode))
    lent = on_loan.get(code) or [item for others in on_loan.values() for item in others]
    if lent:
        back = book_of(lent[0])
        books.insert(3, back)
        faults.on_loan_on_shelf.append(str(back.barcode))
    foreign, blank = stray_tag(1, TagKind.FOREIGN), stray_tag(2, TagKind.BLANK)
    books.insert(1, foreign)
    books.insert(len(books) - 1, blank)
    faults.foreign.append(str(foreign.uid))
    faults.blank.append(str(blank.uid))
    for position, book in enumerate(books):
        if book.tag is TagKind.OWN and not book.on_loan and book.barcode not in faults.out_of_order:
            books[position] = ShelfBook(book.barcode, book.uid, TagKind.DISARMED)
            faults.disarmed.append(str(book.barcode))
            break
    return books
