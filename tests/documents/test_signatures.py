"""Signed files verified: a PDF signed by the configured CA is valid with its signer and time;
the same file altered by one byte is refused; a signer from an unknown CA is flagged; an
unsigned PDF says so; a file that is no PDF is refused."""

import pytest

from documents import pdf
from documents.layout import Document, Para
from documents.signatures import Verdict, verify_pdf

from .pki import alter_one_byte, make_authority, sign_pdf


@pytest.fixture(scope="module")
def authority():
    return make_authority()


@pytest.fixture(scope="module")
def unsigned():
    return pdf.render(Document(title="QUYẾT ĐỊNH", subject=["thử"], body=[Para("Nội dung.")]))


@pytest.fixture
def roots_dir(settings, tmp_path, authority):
    settings.DOCUMENT_TRUST_ROOTS_DIR = tmp_path / "roots"
    authority.write_root(settings.DOCUMENT_TRUST_ROOTS_DIR)
    return settings.DOCUMENT_TRUST_ROOTS_DIR


def test_a_pdf_signed_by_a_configured_ca_is_valid_with_its_signer(roots_dir, authority, unsigned):
    result = verify_pdf(sign_pdf(unsigned, authority))
    assert result.verdict == Verdict.VALID, result.as_data()
    assert result.signer == "Nguyễn Văn Ánh (Ban Dân vận Tỉnh ủy A)"
    assert result.signed_at is not None
    assert result.summary().startswith("chữ ký số hợp lệ: Nguyễn Văn Ánh (Ban Dân vận Tỉnh ủy A), ")


def test_the_same_file_altered_by_one_byte_is_refused(roots_dir, authority, unsigned):
    signed = sign_pdf(unsigned, authority)
    result = verify_pdf(alter_one_byte(signed))
    assert result.verdict == Verdict.ALTERED and result.refused, result.as_data()
    assert "thay đổi" in result.summary()


def test_content_appended_after_signing_is_refused(roots_dir, authority, unsigned):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_pdf(unsigned, authority)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue())
    assert result.verdict == Verdict.ALTERED, result.as_data()


def test_a_signer_from_an_unknown_ca_is_flagged(roots_dir, unsigned):
    stranger = make_authority(root_name="Unknown Root", signer="Người Lạ")
    result = verify_pdf(sign_pdf(unsigned, stranger))
    assert result.verdict == Verdict.UNTRUSTED and not result.refused
    assert result.signer.startswith("Người Lạ")
    assert "không được tin cậy" in result.summary()


def test_nothing_is_trusted_without_configured_roots(settings, tmp_path, authority, unsigned):
    settings.DOCUMENT_TRUST_ROOTS_DIR = tmp_path / "none"
    assert verify_pdf(sign_pdf(unsigned, authority)).verdict == Verdict.UNTRUSTED


def test_an_unsigned_pdf_and_a_file_that_is_no_pdf(roots_dir, unsigned):
    assert verify_pdf(unsigned).verdict == Verdict.UNSIGNED
    assert verify_pdf(b"PK\x03\x04 a docx").verdict == Verdict.UNREADABLE
    assert verify_pdf(b"%PDF-1.7 garbage").verdict in (Verdict.UNREADABLE, Verdict.UNSIGNED)
