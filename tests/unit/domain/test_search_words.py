"""How record text and queries become the catalogue search's tokens (domain/catalogue/search_words.py)."""

from __future__ import annotations

import unicodedata

import pytest

from server.domain.catalogue.search_words import exact_token, folded_token, index_text, parse_query


@pytest.mark.parametrize(
    ("word", "exact", "folded"),
    [
        ("tiếng", "tie61ng", "tieng"),
        ("Việt", "vie65t", "viet"),
        ("đường", "d9u7o72ng", "duong"),
        ("dương", "du7o7ng", "duong"),
        ("đương", "d9u7o7ng", "duong"),
        ("Đỗ", "d9o64", "do"),
        ("ăn", "a8n", "an"),
        ("café", "cafe1", "cafe"),
        ("2019", "2019", "2019"),
    ],
)
def test_a_word_has_an_exact_and_a_folded_token(word: str, exact: str, folded: str) -> None:
    assert exact_token(word) == exact
    assert folded_token(word) == folded
    assert exact_token(unicodedata.normalize("NFD", word)) == exact  # decomposed input: the same token


@pytest.mark.parametrize(
    ("typed", "whole"), [("tiê", "tiếng"), ("việ", "việt"), ("đư", "đường"), ("ng", "Nguyễn")]
)
def test_what_is_typed_so_far_is_a_prefix_of_the_whole_words_token(typed: str, whole: str) -> None:
    assert exact_token(whole).startswith(exact_token(typed))


def test_a_query_marks_its_accented_words_and_its_last_word_while_typing() -> None:
    query = parse_query("Tiếng vi")
    assert [(w.exact, w.folded, w.accented, w.prefix) for w in query.words] == [
        ("tie61ng", "tieng", True, False),
        ("vi", "vi", False, True),
    ]
    assert not parse_query("tieng viet ").words[-1].prefix
    assert not parse_query("tieng viet", typing=False).words[-1].prefix
    assert [w.folded for w in parse_query("978-604-1-23456-7").words] == ["9786041234567"]
    assert not parse_query(" , ; ")


def test_a_records_isbn_is_one_token_hyphens_or_not() -> None:
    text = index_text(["Truyện Kiều"], ["978-604-1-23456-7"])
    assert text.folded == "truyen kieu 9786041234567"
    assert text.exact == "truye65n kie62u 9786041234567"
