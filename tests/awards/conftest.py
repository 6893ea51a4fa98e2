"""A campaign with scored models waiting for the leader's decision, a test CA whose root the
administrator configured, and helpers to read documents back."""

from __future__ import annotations

import io
import re

import pytest

from documents.signatures import Verdict
from tests.documents.pki import make_authority
from tests.workflows.conftest import World, advance, build_world, draft, full_points
from workflows import services
from workflows.models import State


def to_deciding(world: World, title: str, fractions=(0.8, 0.9)):
    initiative = advance(world, draft(world, title=title), State.SCORING)
    services.perform(
        initiative.pk,
        "score",
        actor=world.member1,
        points=full_points(world.campaign, fractions[0]),
    )
    services.perform(
        initiative.pk,
        "score",
        actor=world.member2,
        points=full_points(world.campaign, fractions[1]),
    )
    return services.perform(initiative.pk, "close_scoring", actor=world.leader)


def scored(world: World, over: int, under: int) -> tuple[list, list]:
    """`over` models scored 85 (pass mark 70) and `under` scored 55."""
    good = [
        to_deciding(world, f"Mô hình “Dân vận khéo” số {i + 1}: ưu tiên người cao tuổi")
        for i in range(over)
    ]
    weak = [
        to_deciding(world, f"Mô hình dưới điểm đạt số {i + 1}: đường làng", fractions=(0.5, 0.6))
        for i in range(under)
    ]
    return good, weak


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="session")
def authority():
    return make_authority()


@pytest.fixture(autouse=True)
def trusted_root(settings, tmp_path, authority):
    settings.DOCUMENT_TRUST_ROOTS_DIR = tmp_path / "trust-roots"
    authority.write_root(settings.DOCUMENT_TRUST_ROOTS_DIR)
    return authority


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    """The paragraphs' text and every table's rows, as Word would show them."""
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


__all__ = ["Verdict", "docx_text", "one_line", "pdf_text", "scored", "to_deciding"]
