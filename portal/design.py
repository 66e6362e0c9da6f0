"""The design system's colour tokens, read from the stylesheet itself (portal.css ``:root``),
with their WCAG contrast ratios: the pattern page shows them and a test holds the text colours
to AA, so the figures cannot drift from the CSS."""

import re
from functools import cache
from pathlib import Path

STYLESHEET = Path(__file__).parent / "static" / "portal" / "css" / "portal.css"
# Tokens used as text colour, and the backgrounds they are used on.
TEXT_TOKENS = ("ink", "muted", "accent", "accent-strong", "brand-2", "error-ink")
BACKGROUNDS = ("card", "bg", "tint")
AA_TEXT = 4.5


@cache
def colour_tokens():
    """{name: '#rrggbb'} of the ``--name: #hex`` declarations in the stylesheet's :root."""
    css = STYLESHEET.read_text()
    root = css[css.index(":root") : css.index("}", css.index(":root"))]
    return {
        name: _long_hex(value)
        for name, value in re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", root)
    }


def _long_hex(value):
    value = value.lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    """WCAG 2 contrast ratio of two '#rrggbb' colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def swatches():
    """[{name, value, ratios: [(background, ratio)]}] for the pattern page."""
    tokens = colour_tokens()
    rows = []
    for name, value in tokens.items():
        ratios = []
        if name in TEXT_TOKENS:
            ratios = [(bg, round(contrast(value, tokens[bg]), 1)) for bg in BACKGROUNDS]
        elif name == "brand":
            ratios = [("white text", round(contrast("#ffffff", value), 1))]
        rows.append({"name": name, "value": value, "ratios": ratios})
    return rows
