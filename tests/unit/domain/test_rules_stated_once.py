"""Each circulation rule is written once: the PIN format and lock in `contract` and `server.domain`, the
barcode and card-number patterns in `contract.common`; services and routes call them instead of copying.

Checked on the syntax tree of every server module, so a copy that slips back in fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contract.common import BARCODE_PATTERN, CARD_NUMBER_PATTERN
from contract.events import PatronLogin, is_valid_pin
from server.errors import InvalidInputError
from server.services.pins import validate_pin

ROOT = Path(__file__).resolve().parents[3]
SERVER_MODULES = sorted((ROOT / "server").rglob("*.py"))
PIN_LOCK_RULE = ROOT / "server" / "domain" / "pins.py"


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _names(node: ast.expr) -> set[str]:
    return {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute | ast.Name)
    }


@pytest.mark.parametrize("path", SERVER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pin_lock_is_decided_by_the_domain_only(path: Path) -> None:
    if path == PIN_LOCK_RULE:
        return
    copies = [
        node.lineno
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Compare)
        and any(isinstance(op, ast.GtE | ast.Gt | ast.Lt | ast.LtE) for op in node.ops)
        and any("pin_failures" in _names(side) for side in (node.left, *node.comparators))
    ]
    assert copies == [], f"compare pin failures with server.domain.pins.is_locked (lines {copies})"


@pytest.mark.parametrize("path", SERVER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_barcode_and_card_patterns_come_from_the_contract(path: Path) -> None:
    literals = {
        node.lineno
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Constant) and node.value in (BARCODE_PATTERN, CARD_NUMBER_PATTERN)
    }
    assert literals == set(), f"import the pattern from contract.common (lines {sorted(literals)})"


@pytest.mark.parametrize(
    ("pin", "valid"),
    [
        ("2468", True),
        ("123456789012", True),
        ("123", False),
        ("1234567890123", False),
        ("12a4", False),
        ("١٢٣٤", False),  # Arabic-Indic digits: isdigit() is true, but a keypad never sends them
        (" 1234", False),
        ("", False),
    ],
)
def test_the_desk_and_the_kiosk_share_one_pin_rule(pin: str, valid: bool) -> None:
    assert is_valid_pin(pin) is valid
    login = {"card_number": "SV2100123", "pin": pin}
    if valid:
        validate_pin(pin)
        PatronLogin.model_validate(login)
    else:
        with pytest.raises(InvalidInputError):
            validate_pin(pin)
        with pytest.raises(ValueError, match="PIN"):
            PatronLogin.model_validate(login)
