"""Certificates as PDF, drawn on the server from stored details and a layout.

Every detail the layout prints must have a value: a certificate with a blank name,
title or code is refused before anything is drawn, so no certificate comes out blank.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import cast

from fontTools.ttLib import TTFont
from fpdf import FPDF

from engine.certificates.qr import draw_qr
from engine.spec.layout import OPTIONAL_DETAILS, Item, LayoutSpec

# Shapes fpdf2 understands, by the names the layout uses.
_ALIGN = {"left": "L", "center": "C", "right": "R"}
_ORIENTATION = {"landscape": "L", "portrait": "P"}
# Font files that cover more letters than the layout's Latin fonts, used for any letter
# they lack (a name written in Vietnamese or Chinese, say); system locations, used where
# present. A name with a letter none of them has is refused before it is issued.
FALLBACK_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
_MAX_SHOWN = 10


class MissingDetail(ValueError):
    """A certificate lacks a detail its layout prints; nothing was drawn."""


def missing_details(layout: LayoutSpec, details: Mapping[str, str]) -> list[str]:
    """Return the details the layout prints that this certificate has no value for."""
    return sorted(
        name
        for name in layout.details() - OPTIONAL_DETAILS
        if not str(details.get(name, "")).strip()
    )


def render_certificates(
    layout: LayoutSpec,
    certificates: Iterable[Mapping[str, str]],
    static_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Return one PDF with a page per certificate; raise MissingDetail before drawing any."""
    rows = list(certificates)
    for row in rows:
        missing = missing_details(layout, row)
        if missing:
            who = row.get("number") or row.get("educator_name") or "a certificate"
            raise MissingDetail(f"{who} has no {', '.join(missing)}: no PDF was made")
    if not rows:
        raise MissingDetail("there is no certificate to print")
    pdf = _document(layout, static_dir)
    for done, row in enumerate(rows, start=1):
        pdf.add_page()
        for item in layout.items:
            _draw(pdf, item, row)
        if progress is not None:
            progress(done)
    return bytes(pdf.output())


def _document(layout: LayoutSpec, static_dir: Path) -> FPDF:
    pdf = FPDF(orientation=_ORIENTATION[layout.orientation], unit="mm", format=layout.size)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title("Certificate of renewal units")
    pdf.set_creator("formflow")
    for name, font in layout.fonts.items():
        pdf.add_font(name, "", str(static_dir / font.regular))
        if font.bold:
            pdf.add_font(name, "B", str(static_dir / font.bold))
    fallbacks = [path for path in FALLBACK_FONTS if path.is_file()]
    for number, path in enumerate(fallbacks):
        pdf.add_font(f"fallback{number}", "", str(path))
    if fallbacks:
        pdf.set_fallback_fonts([f"fallback{n}" for n in range(len(fallbacks))], exact_match=False)
    return pdf


def unprintable(layout: LayoutSpec, static_dir: Path) -> Callable[[str], str]:
    """Return a check giving the letters of a text no font of the layout can print."""
    covered: set[int] = set()
    for font in layout.fonts.values():
        for file in (font.regular, font.bold):
            if file:
                covered |= _letters_of(str(static_dir / file))
    for path in FALLBACK_FONTS:
        if path.is_file():
            covered |= _letters_of(str(path))

    def lacking(text: str) -> str:
        missing = dict.fromkeys(c for c in text if not c.isspace() and ord(c) not in covered)
        return ", ".join(list(missing)[:_MAX_SHOWN])

    return lacking


@functools.lru_cache(maxsize=16)
def _letters_of(path: str) -> frozenset[int]:
    # The font's character map: which code points it has a glyph for.
    with TTFont(path, lazy=True) as font:
        return frozenset(cast(dict[int, str], font.getBestCmap() or {}))


def _draw(pdf: FPDF, item: Item, details: Mapping[str, str]) -> None:
    pdf.set_draw_color(*item.colour)
    pdf.set_fill_color(*item.colour)
    pdf.set_text_color(*item.colour)
    if item.kind == "frame":
        pdf.set_line_width(item.thickness)
        pdf.rect(item.x, item.y, item.width, item.height)
    elif item.kind == "line":
        pdf.set_line_width(item.thickness)
        pdf.line(item.x, item.y, item.x + item.width, item.y)
    elif item.kind == "qr":
        draw_qr(pdf, item.text.format_map(details), item.x, item.y, item.size)
    else:
        named = item.details()
        # A line about an optional detail that is empty is left out, not printed half.
        if any(n in OPTIONAL_DETAILS and not str(details.get(n, "")).strip() for n in named):
            return
        pdf.set_font(item.font, "B" if item.bold else "", item.size)
        pdf.set_xy(item.x, item.y)
        text = item.text.format_map(details)
        # Line height 1.25 times the font size, in millimetres (a point is 0.3528 mm).
        height = item.size * 0.3528 * 1.25
        if pdf.get_string_width(text) <= item.width - 2 * pdf.c_margin:
            # One line: a cell is drawn without the line breaker, several times faster.
            pdf.cell(item.width, height, text, align=_ALIGN[item.align])
        else:
            pdf.multi_cell(item.width, height, text, align=_ALIGN[item.align])
