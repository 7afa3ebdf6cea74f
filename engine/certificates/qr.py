"""QR codes drawn as vector squares straight into a PDF page: sharp at any size, and
no image to encode per certificate."""

from __future__ import annotations

import segno
from fpdf import FPDF


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code for data with its top-left corner at x, y, size millimetres wide."""
    # Level M survives a smudge or a fold of a printed page. A fixed mask: choosing the
    # best of eight takes most of the encoding time, and any mask scans well on paper.
    code = segno.make_qr(data, error="m", boost_error=False, mask=4)
    matrix = code.matrix
    module = size / len(matrix)
    for row, cells in enumerate(matrix):
        # One rectangle per run of dark modules: a tenth of the drawing operations.
        start = None
        for col, dark in enumerate((*cells, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row * module, (col - start) * module, module, "F")
                start = None
