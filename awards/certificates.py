"""Certificates (giấy chứng nhận): one A4 landscape page per recognised model, with a QR code
that leads to the model on the public list (/cong-khai/<id>/), where anyone can confirm it."""

from __future__ import annotations

import segno
from fpdf.enums import XPos, YPos

from documents.headers import issuer_lines
from documents.layout import clean, date_line
from documents.models import profile_of
from documents.pdf import FONT, Pdf
from workflows.models import Form, Initiative

from .documents import MOVEMENT, certificate_date, public_url

RED = (170, 20, 20)


def draw_qr(pdf: Pdf, data: str, *, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp at any zoom, no image to decode)."""
    code = segno.make(data, error="m")
    matrix = [list(row) for row in code.matrix]
    quiet = 2
    modules = len(matrix) + 2 * quiet
    cell = size / modules
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        run_start = None
        for c, value in enumerate([*row, 0]):
            if value and run_start is None:
                run_start = c
            elif not value and run_start is not None:
                pdf.rect(
                    x + (run_start + quiet) * cell,
                    y + (r + quiet) * cell,
                    (c - run_start) * cell,
                    cell,
                    style="F",
                )
                run_start = None


def _page(pdf: Pdf, initiative: Initiative) -> None:
    committee = initiative.campaign.committee
    parent, issuer = issuer_lines(committee)
    profile = profile_of(committee)
    pdf.add_page()
    w, h = pdf.w, pdf.h
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, w - 20, h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, w - 26, h - 26)
    pdf.set_draw_color(0, 0, 0)

    pdf.set_text_color(0, 0, 0)
    top = 20
    pdf.lines_at(20, top, 110, [(parent, ""), (issuer, "B")], size=12, h=5.8)
    pdf.lines_at(w - 130, top, 110, [("ĐẢNG CỘNG SẢN VIỆT NAM", "BU")], size=12, h=5.8)

    pdf.set_y(48)
    pdf.set_text_color(*RED)
    pdf.set_font(FONT, style="B", size=32)
    pdf.cell(0, 15, "GIẤY CHỨNG NHẬN", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, style="B", size=16)
    pdf.cell(
        0,
        9,
        clean(f"Mô hình, điển hình {MOVEMENT} năm {initiative.year}"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.set_font(FONT, style="B", size=20)
    pdf.set_x(30)
    pdf.multi_cell(
        w - 60, 10, clean(initiative.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(2)
    lines = [("Đơn vị: ", initiative.unit.name)]
    if initiative.form == Form.INDIVIDUAL and initiative.person_name:
        person = initiative.person_name
        if initiative.person_position:
            person += f", {initiative.person_position}"
        lines.append(("Cá nhân: ", person))
    lines.append(("Lĩnh vực: ", initiative.get_field_display()))
    decision = f"số {initiative.decision_number}"
    if initiative.decision_date:
        decision += f" ngày {initiative.decision_date:%d/%m/%Y}"
    lines.append(("Được công nhận theo Quyết định ", f"{decision} của {committee.name}"))
    for label, value in lines:
        pdf.set_x(30)
        pdf.set_font(FONT, size=13)
        text = clean(label + value)
        pdf.multi_cell(w - 60, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # QR bottom left, signature block bottom right.
    url = public_url(initiative)
    qr_size = 34
    qr_y = h - 20 - qr_size - 8
    draw_qr(pdf, url, x=24, y=qr_y, size=qr_size)
    pdf.set_font(FONT, size=8.5)
    pdf.set_xy(24 + qr_size + 3, qr_y + 8)
    pdf.multi_cell(
        70,
        4.2,
        clean(f"Quét mã để kiểm tra trên danh sách công khai:\n{url}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    place = profile.place if profile and profile.place else ""
    sign_x, sign_w = w - 140, 120
    y = pdf.lines_at(
        sign_x,
        qr_y - 10,
        sign_w,
        [(date_line(place, certificate_date(initiative)), "I")],
        size=12,
        h=6,
    )
    signer = initiative.decision_signer
    title_lines = []
    if profile and profile.signer_capacity:
        title_lines.append((profile.signer_capacity.upper(), "B"))
    title_lines.append(
        ((profile.signer_title if profile and profile.signer_title else "TRƯỞNG BAN").upper(), "B")
    )
    y = pdf.lines_at(sign_x, y + 1, sign_w, title_lines, size=12.5, h=6)
    if signer:
        pdf.lines_at(sign_x, y + 20, sign_w, [(signer, "B")], size=12.5, h=6)


def render(initiatives: list[Initiative]) -> bytes:
    """One page per model (one model: its certificate; a decision's list: all of them)."""
    first = initiatives[0]
    title = "Giấy chứng nhận " + (first.title if len(initiatives) == 1 else MOVEMENT)
    pdf = Pdf(landscape=True, title=title, author=first.campaign.committee.name)
    pdf.set_auto_page_break(False)
    pdf.footer = lambda: None  # a certificate carries no page number
    for initiative in initiatives:
        _page(pdf, initiative)
    return bytes(pdf.output())
