"""Certificate PDFs: the shipped layout, layouts staff get wrong, and what is drawn: the
right text on every page of a batch, never a blank page, and a QR code that scans."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp

from engine.certificates.pdf import MissingDetail, render_certificates, unprintable
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.layout import CERTIFICATE_DETAILS, LayoutSpec, load_layout

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
SHIPPED = ROOT / "templates" / "certificates" / "certificate.yaml"

DETAILS = {
    "educator_name": "Avery Johnson",
    "license_number": "MT-004512",
    "title": "Teaching with Primary Sources",
    "dates": "Monday 16 March 2026 and Tuesday 17 March 2026",
    "location": "Lewis and Clark Library, Helena",
    "units": "9",
    "provider_name": "Big Sky Teacher Academy",
    "provider_number": "RUP-0001",
    "event_number": "000123",
    "issue_date": "18 March 2026",
    "number": "000123-0001",
    "code": "7F3K-9Q2W",
    "verify_url": "http://127.0.0.1:5000/verify/7F3K9Q2W",
}


@pytest.fixture(scope="module")
def layout() -> LayoutSpec:
    return load_layout(SHIPPED, STATIC)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _ink(pdf: bytes, index: int = 0) -> tuple[float, list[str]]:
    """Return the share of non-white pixels of one page, and the QR codes read from it."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[index].render(scale=2).to_pil().convert("L")
    histogram = image.histogram()
    share = 1 - sum(histogram[250:]) / (image.width * image.height)
    codes = [found.text for found in zxingcpp.read_barcodes(image)]
    document.close()
    return share, codes


def test_the_shipped_layout_prints_every_detail(layout: LayoutSpec) -> None:
    assert layout.details() == frozenset(CERTIFICATE_DETAILS)
    assert (layout.size, layout.orientation) == ("letter", "landscape")


def test_every_page_of_a_batch_holds_its_own_name_units_and_code(layout: LayoutSpec) -> None:
    people = [
        {
            **DETAILS,
            "educator_name": f"Educator {i}",
            "units": str(i),
            "code": f"CODE-{i:04d}",
            "number": f"000123-{i:04d}",
        }
        for i in range(1, 26)
    ]
    pages = _pages(render_certificates(layout, people, STATIC))
    assert len(pages) == 25
    for i, text in enumerate(pages, start=1):
        assert f"Educator {i}\n" in text
        assert f"and earned {i} renewal units." in text
        assert f"Verification code CODE-{i:04d}" in text
        assert f"Certificate 000123-{i:04d}" in text
        assert "Teaching with Primary Sources" in text


def test_a_page_is_drawn_and_its_qr_code_opens_the_verification_page(
    layout: LayoutSpec,
) -> None:
    share, codes = _ink(render_certificates(layout, [DETAILS], STATIC))
    # Text, frame and QR code: a blank page would be all white; a black one is broken.
    assert 0.02 < share < 0.30
    assert codes == [DETAILS["verify_url"]]


def test_names_in_any_alphabet_are_printed_as_written(layout: LayoutSpec) -> None:
    name = "Nguyễn Thị Minh Khai"
    text = _pages(render_certificates(layout, [{**DETAILS, "educator_name": name}], STATIC))[0]
    assert name in text


def test_an_empty_optional_detail_leaves_out_its_line_not_half_of_it(
    layout: LayoutSpec,
) -> None:
    text = _pages(render_certificates(layout, [{**DETAILS, "license_number": ""}], STATIC))[0]
    assert "Educator license" not in text
    assert "Avery Johnson" in text


@pytest.mark.parametrize("blank", ["educator_name", "title", "units", "code", "verify_url"])
def test_a_certificate_missing_a_printed_detail_is_refused_not_printed_blank(
    layout: LayoutSpec, blank: str
) -> None:
    people = [DETAILS, {**DETAILS, blank: "  "}]
    with pytest.raises(MissingDetail) as refused:
        render_certificates(layout, people, STATIC)
    assert f"has no {blank}: no PDF was made" in str(refused.value)


def test_nothing_to_print_is_refused(layout: LayoutSpec) -> None:
    with pytest.raises(MissingDetail, match="there is no certificate to print"):
        render_certificates(layout, [], STATIC)


def test_progress_is_told_page_by_page(layout: LayoutSpec) -> None:
    seen: list[int] = []
    render_certificates(layout, [DETAILS] * 3, STATIC, progress=seen.append)
    assert seen == [1, 2, 3]


BASE = """\
layout: broken
page: {size: letter}
fonts:
  sans: {regular: uswds/fonts/source-sans-pro/sourcesanspro-regular-webfont.ttf}
items:
"""


@pytest.mark.parametrize(
    ("items", "line", "column", "message"),
    [
        (
            "  - {text: '{educator_nme}', x: 1, y: 1, width: 50, font: sans}\n",
            6,
            12,
            "there is no certificate detail 'educator_nme'; did you mean 'educator_name'?",
        ),
        (
            "  - {text: 'Hello', x: 1, y: 1, width: 50, font: san}\n",
            6,
            50,
            "there is no font 'san'; did you mean 'sans'?",
        ),
        (
            "  - {text: 'Hello', x: 1, y: 1, width: 50, font: sans, bold: true}\n",
            6,
            62,
            "the font 'sans' has no bold file; add 'bold:' to it",
        ),
        (
            "  - {text: 'Units: {units', x: 1, y: 1, width: 50, font: sans}\n",
            6,
            12,
            "a '{' or '}' is unmatched; write a detail as {educator_name}",
        ),
        (
            "  - {text: 'Hello', y: 1, width: 50, font: sans}\n",
            6,
            5,
            "a text item needs 'x'",
        ),
        (
            "  - {text: 'Hello', qr: '{verify_url}', x: 1, y: 1, width: 50, font: sans}\n",
            6,
            5,
            "each item is exactly one of: text, frame, line or qr",
        ),
    ],
)
def test_a_broken_layout_names_its_line_and_what_is_wrong(
    tmp_path: Path, items: str, line: int, column: int, message: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BASE + items)
    with pytest.raises(DefinitionsInvalid) as caught:
        load_layout(path, STATIC)
    assert caught.value.errors == [DefinitionError(str(path), line, column, message)]


def test_a_layout_naming_a_missing_font_file_says_which(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        BASE.replace("sourcesanspro-regular", "sourcesanspro-regulr")
        + ("  - {frame: true, x: 1, y: 1, width: 5, height: 5}\n")
    )
    with pytest.raises(DefinitionsInvalid) as caught:
        load_layout(path, STATIC)
    [error] = caught.value.errors
    assert error.line == 4
    assert "there is no font file static/uswds/fonts/source-sans-pro/sourcesanspro-regulr" in (
        error.message
    )


def test_the_layout_example_of_the_yaml_reference_loads(tmp_path: Path) -> None:
    reference = (ROOT / "docs" / "yaml-reference.md").read_text()
    start = reference.index("```yaml\n# example: layout\n") + len("```yaml\n")
    example = reference[start : reference.index("```", start)]
    path = tmp_path / "certificate.yaml"
    path.write_text(example)
    layout = load_layout(path, STATIC)
    assert layout.details() == {"educator_name", "verify_url"}


@pytest.mark.parametrize(
    "name", ["王小明", "Nguyễn Thị Minh Khai", "Ólafur Þórðarson", "Zoë Ångström"]
)
def test_a_name_in_any_script_the_fonts_hold_prints(layout: LayoutSpec, name: str) -> None:
    assert unprintable(layout, STATIC)(name) == ""
    (page,) = _pages(render_certificates(layout, [{**DETAILS, "educator_name": name}], STATIC))
    assert name in page


def test_a_letter_no_font_holds_is_named_before_anything_is_issued(layout: LayoutSpec) -> None:
    lacking = unprintable(layout, STATIC)
    assert lacking("Avery Johnson") == ""
    # Egyptian hieroglyphs and a private-use letter: in none of the fonts.
    assert lacking("Avery \U00013000\ue000 \U00013000") == "\U00013000, \ue000"
