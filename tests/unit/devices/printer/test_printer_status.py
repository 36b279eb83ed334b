"""Real-time status bytes (DLE EOT 1-4) into a typed status, and back (what the simulator answers)."""

from __future__ import annotations

import itertools

import pytest

from devices.printer.status import (
    PrinterStatus,
    Problem,
    StatusKind,
    is_status_byte,
    parse_status,
    status_bytes,
)

OFFLINE = {"online": False}
PRN, OFF, ERR, PAP = StatusKind.PRINTER, StatusKind.OFFLINE_CAUSE, StatusKind.ERROR_CAUSE, StatusKind.PAPER


@pytest.mark.parametrize(
    ("answers", "problem", "fields"),
    [
        ({PRN: 0x12, OFF: 0x12, ERR: 0x12, PAP: 0x12}, None, {}),
        ({PRN: 0x12, OFF: 0x12, ERR: 0x12, PAP: 0x1E}, None, {"paper_near_end": True}),
        (
            {PRN: 0x1A, OFF: 0x32, ERR: 0x12, PAP: 0x72},
            Problem.PAPER_OUT,
            {**OFFLINE, "paper_out": True},
        ),
        (
            {PRN: 0x1A, OFF: 0x16, ERR: 0x12, PAP: 0x12},
            Problem.COVER_OPEN,
            {**OFFLINE, "cover_open": True},
        ),
        (
            {PRN: 0x1A, OFF: 0x52, ERR: 0x1A, PAP: 0x12},
            Problem.CUTTER_ERROR,
            {**OFFLINE, "cutter_error": True},
        ),
        (
            {PRN: 0x1A, OFF: 0x52, ERR: 0x32, PAP: 0x12},
            Problem.ERROR,
            {**OFFLINE, "unrecoverable_error": True},
        ),
        ({PRN: 0x1A, OFF: 0x1A, ERR: 0x12, PAP: 0x12}, Problem.OFFLINE, {**OFFLINE, "feeding": True}),
        ({PRN: 0x1A}, Problem.OFFLINE, OFFLINE),
    ],
)
def test_answers_parse_into_a_status(
    answers: dict[StatusKind, int], problem: Problem | None, fields: dict[str, bool]
) -> None:
    status = parse_status(answers)
    assert status.problem is problem
    assert status.ready is (problem is None)
    assert status == PrinterStatus(**fields)


def test_paper_out_comes_first_when_several_things_are_wrong() -> None:
    assert PrinterStatus(online=False, paper_out=True, cover_open=True).problem is Problem.PAPER_OUT


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=5)))
def test_what_the_simulator_answers_parses_back(flags: tuple[bool, ...]) -> None:
    online, cover, near_end, paper_out, cutter = flags
    status = PrinterStatus(
        online=online, cover_open=cover, paper_near_end=near_end, paper_out=paper_out, cutter_error=cutter
    )
    answers = status_bytes(status)
    assert all(is_status_byte(byte) for byte in answers.values())
    assert parse_status(answers) == status


def test_status_bytes_are_told_from_noise() -> None:
    assert [b for b in range(256) if is_status_byte(b)] == [
        b for b in range(256) if b & 1 == 0 and b & 2 and b & 0x10 and not b & 0x80
    ]
    assert not is_status_byte(0x00)
    assert not is_status_byte(0xFF)
