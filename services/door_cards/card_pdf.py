"""The printable A6 door card: the household, a QR code with the card's secret, and what it is for."""

from __future__ import annotations

import io
from pathlib import Path

import segno

from core.i18n import N_, translate
from models import DoorCard, Household
from services.errors import InvalidInput
from services.year.annual_record import PDF_FONT

TITLE = N_("Door card")
EXPLANATION = N_("Your community service member scans this card at each visit, as proof that the visit "
                 "took place. Please keep it by your door. If it is lost, tell your community office: "
                 "the old card will be stopped and a new one printed.")
FOOTER = N_("Card no. {number} · printed {date}")


def qr_png(code: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(code, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def card_pdf(household: Household, card: DoorCard, code: str, lang: str, printed_on: str,
             font: Path = PDF_FONT) -> bytes:
    """One A6 page (105 x 148 mm). ``code`` holds the secret: it is in this PDF and nowhere else."""
    if not font.is_file():
        raise InvalidInput(N_("Printing needs the font {path} (Debian package fonts-wqy-microhei)."),
                           path=str(font))
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(105, 148))  # A6
    pdf.set_margins(8, 8, 8)
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(font), collection_font_number=0)
    pdf.add_page()
    width = pdf.w - 16
    pdf.set_font("cjk", size=15)
    pdf.cell(width, 8, translate(TITLE, lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(width, 6, household.head_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(width, 4.5, household.address, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8.5)
    explanation = translate(EXPLANATION, lang)
    text_height = pdf.multi_cell(width, 4.2, explanation, dry_run=True, output="HEIGHT")
    # The QR code takes what a long address and the explanation leave, up to 68 mm, above the footer.
    side = max(30.0, min(68.0, pdf.h - 14 - pdf.get_y() - 6 - text_height))
    pdf.image(io.BytesIO(qr_png(code)), x=(pdf.w - side) / 2, y=pdf.get_y() + 2, w=side, h=side)
    pdf.set_y(pdf.get_y() + side + 4)
    pdf.multi_cell(width, 4.2, explanation, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 12)
    pdf.set_font("cjk", size=7)
    pdf.cell(width, 4, translate(FOOTER, lang).format(number=card.id, date=printed_on), align="C")
    return bytes(pdf.output())
