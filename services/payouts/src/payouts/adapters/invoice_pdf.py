"""An invoice or credit note rendered as a one-page PDF (fpdf2, its built-in Helvetica).

The built-in fonts cover Latin-1 only, so other characters are replaced (a title in another
script prints as "?"; the JSON invoice keeps it exactly). The document's creation date is the
issue time, so the same invoice renders to the same bytes.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from payouts.domain.invoice import Invoice, InvoiceKind
from payouts.domain.values import shown

_TITLE = {InvoiceKind.INVOICE: "Invoice", InvoiceKind.CREDIT_NOTE: "Credit note"}


_PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


def _latin1(text: str) -> str:
    text = text.translate(_PLAIN).replace("\u2026", "...")
    return text.encode("latin-1", "replace").decode("latin-1")


_amount = shown


def filename(i: Invoice) -> str:
    return f"{i.number}.pdf"


def render(i: Invoice) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(i.issued_at)
    pdf.set_title(_latin1(f"{_TITLE[i.kind]} {i.number}"))
    pdf.set_author(_latin1(i.issuer.name))
    pdf.add_page()

    def line(text: str, size: int = 10, style: str = "", width: float = 0) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.cell(width, 6, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(f"{_TITLE[i.kind]} {i.number}", size=18, style="B")
    line(f"Status: {i.status.value}")
    line(f"Issued: {i.issued_at:%Y-%m-%d}")
    if i.due_at is not None:
        line(f"Due: {i.due_at:%Y-%m-%d}")
    if i.paid_at is not None:
        line(f"Paid: {i.paid_at:%Y-%m-%d}")
    if i.credits_invoice_id:
        line(f"Refunds invoice {i.credits_invoice_id}")
    pdf.ln(4)
    line(f"From: {i.issuer.name}", style="B")
    line(f"To: {i.payer.name} ({i.payer.kind} {i.payer.id})", style="B")
    line(f"Engagement {i.engagement_id}: {i.posting_title}")
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(130, 7, "Description", border="B")
    pdf.cell(50, 7, "Amount", border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for item in i.lines:
        pdf.cell(130, 7, _latin1(item.description))
        pdf.cell(50, 7, _amount(item.amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(130, 8, "Total", border="T")
    pdf.cell(50, 8, _amount(i.total), border="T", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def document(i: Invoice) -> tuple[bytes, str]:
    """The renderer the service is built with: the PDF and its file name."""
    return render(i), filename(i)
