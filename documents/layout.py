"""One description of an official document, rendered as .docx (documents.word) and as PDF
(documents.pdf): the layout of Party documents (Hướng dẫn 36-HD/VPTW) and, for State bodies,
of Nghị định 30/2020/NĐ-CP. Apps build a `Document` from their data; they never lay out pages.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]

PARTY_NATIONAL = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
STATE_NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def clean(text: str) -> str:
    """Text as it goes into a document: composed (NFC) so every Vietnamese letter is one
    character of the font, and without control characters that Word refuses."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")


def date_line(place: str, day: datetime.date) -> str:
    """'Hòa Bình, ngày 05 tháng 02 năm 2026': days under 10 and months 1 and 2 take a leading
    zero (Nghị định 30/2020, appendix I)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{place}, " if place else ""
    return f"{prefix}ngày {d} tháng {m} năm {day.year}"


@dataclass
class Para:
    text: str = ""
    lead: str = ""  # a bold start ("Điều 1.") before the text
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent: bool = True  # first-line indent of body paragraphs
    size: float | None = None


@dataclass
class Table:
    """A bordered table with a heading row (repeated on each page). A row of one cell spans
    every column (a group heading, as in seed 002's form)."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative
    align: list[Align] = field(default_factory=list)  # per column; "left" when missing
    size: float | None = None

    def column_align(self, i: int) -> Align:
        return self.align[i] if i < len(self.align) else "left"


Block = Para | Table


@dataclass
class Header:
    """The two columns at the top: the issuing body and its number on the left, the national
    heading and the place and date on the right."""

    issuer_name: str
    number: str  # "Số 12-QĐ/BDVTU", or "Số      -QĐ/BDVTU" before a number is given
    place_date: str
    parent_body: str = ""
    national: tuple[str, ...] = PARTY_NATIONAL


@dataclass
class Signature:
    title: str  # "TRƯỞNG BAN"
    name: str = ""
    capacity: str = ""  # "T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN"


@dataclass
class Appendix:
    """A page (or pages) after the document: an attached list."""

    title: str
    subtitle: str = ""
    body: list[Block] = field(default_factory=list)
    landscape: bool = False


@dataclass
class Document:
    title: str  # "QUYẾT ĐỊNH"
    subject: list[str] = field(default_factory=list)  # bold lines under the title
    header: Header | None = None
    body: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature | None = None
    appendices: list[Appendix] = field(default_factory=list)
    landscape: bool = False
    author: str = ""  # the document's metadata

    def all_text(self) -> str:
        """Everything written on the document (tests compare it with what is read back)."""
        parts: list[str] = []
        if self.header:
            h = self.header
            parts += [h.parent_body, h.issuer_name, h.number, h.place_date, *h.national]
        parts += [self.title, *self.subject]
        for block in self.body + [b for a in self.appendices for b in a.body]:
            if isinstance(block, Para):
                parts.append(f"{block.lead} {block.text}".strip())
            else:
                parts += block.columns + [c for row in block.rows for c in row]
        parts += self.recipients
        if self.signature:
            parts += [self.signature.capacity, self.signature.title, self.signature.name]
        return "\n".join(clean(p) for p in parts if p)
