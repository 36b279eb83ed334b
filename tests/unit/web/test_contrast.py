"""WCAG contrast of the colour tokens of web/static/css/stacks.css, for every pair the stylesheet puts
together: 4.5:1 for text, 3:1 for what must be seen but is not text (control borders, the focus ring).
The high-contrast mode is checked the same way, with its own tokens over the default ones."""

from __future__ import annotations

import re

import pytest

from web.assets import WEB_STATIC

CSS = (WEB_STATIC / "css" / "stacks.css").read_text(encoding="utf-8")
TEXT, NON_TEXT = 4.5, 3.0
TONES = ("success", "info", "warning", "danger", "neutral")

# (foreground, background, minimum): where the stylesheet draws one token on the other.
PAIRS: list[tuple[str, str, float]] = [
    *((fg, bg, TEXT) for fg in ("text", "muted", "accent") for bg in ("page", "surface", "sunken")),
    ("accent-strong", "surface", TEXT),  # link and secondary button hover
    ("accent-strong", "sunken", TEXT),
    *(("on-accent", bg, TEXT) for bg in ("accent", "accent-strong", "danger", "text")),  # filled buttons
    ("on-brand", "brand", TEXT),  # header
    ("on-brand-muted", "brand", TEXT),  # navigation, language switch
    *((tone, f"{tone}-bg", TEXT) for tone in TONES),  # badges, connection banner
    *(("text", f"{tone}-bg", TEXT) for tone in TONES),  # alert text
    ("danger", "surface", TEXT),  # a field's error message
    ("danger", "page", TEXT),
    *(("control", bg, NON_TEXT) for bg in ("surface", "page", "sunken")),  # input and button borders
    *(("focus", bg, NON_TEXT) for bg in ("page", "surface", "sunken")),  # the focus ring
    ("focus-on-brand", "brand", NON_TEXT),
    ("danger", "surface", NON_TEXT),  # an invalid field's border
]


def _tokens(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{(?P<body>[^}]*)\}", CSS)
    assert block is not None, selector
    return dict(re.findall(r"--color-([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", block["body"]))


DEFAULT = _tokens(":root")
MODES = {"default": DEFAULT, "high-contrast": {**DEFAULT, **_tokens("html.high-contrast")}}


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    ("first", "second", "ratio"), [("#000000", "#ffffff", 21.0), ("#777777", "#ffffff", 4.48)]
)
def test_contrast_matches_the_wcag_formula(first: str, second: str, ratio: float) -> None:
    assert contrast(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS, ids=str)
def test_token_pairs_are_readable(mode: str, foreground: str, background: str, minimum: float) -> None:
    tokens = MODES[mode]
    ratio = contrast(tokens[foreground], tokens[background])
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f} < {minimum}"


def test_every_colour_the_stylesheet_uses_is_a_token() -> None:
    used = set(re.findall(r"var\(--color-([\w-]+)\)", CSS))
    assert used <= DEFAULT.keys(), sorted(used - DEFAULT.keys())
    # Colours are written once, as tokens: no hex value outside the two token blocks.
    outside = re.sub(r"(:root|html\.high-contrast)\s*\{[^}]*\}", "", CSS)
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", outside) == []
