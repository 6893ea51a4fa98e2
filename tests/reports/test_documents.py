"""Reports as Word and as real PDFs (#17, part 6): seed 002's form and the committee's report,
read back with python-docx and a PDF text extractor; the PDF embeds its font; the papers stay
Vietnamese whatever the screen's language; outside one's scope 404."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.awards.conftest import docx_text, one_line, pdf_text

from .test_form import registered  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_units_form_as_word_and_pdf(world, registered, client):  # noqa: F811
    client.force_login(world.staff)
    dept = world.units["dept"]
    word = client.get(reverse("reports:form_document", args=[dept.pk, world.year, "docx"]))
    assert word.status_code == 200
    paragraphs, tables = docx_text(word.content)
    assert "ĐƠN VỊ: Sở Nông nghiệp" in paragraphs
    assert "ĐĂNG KÝ XÂY DỰNG, NHÂN RỘNG NĂM" in paragraphs
    first_column = [row[0] for row in tables[0]]
    assert first_column[:4] == [
        "LĨNH VỰC/TÊN MÔ HÌNH, ĐIỂN HÌNH",
        "I. LĨNH VỰC KINH TẾ",
        "1. Chợ nông sản sạch",
        "2. Nhân rộng chợ sạch",
    ]
    assert tables[0][1] == ["I. LĨNH VỰC KINH TẾ"] * 7  # the group row spans the table
    assert any("Trần Thị Bình" in cell for row in tables[0] for cell in row)

    printed = client.get(reverse("reports:form_document", args=[dept.pk, world.year, "pdf"]))
    assert printed["Content-Type"] == "application/pdf"
    text = one_line(pdf_text(printed.content))
    for expected in (
        "ĐƠN VỊ: Sở Nông nghiệp",
        "II. LĨNH VỰC VĂN HÓA – XÃ HỘI",
        "1. Người tổ trưởng tận tụy",
        "Trần Thị Bình",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert expected in text, expected
    page = PdfReader(io.BytesIO(printed.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape, like the paper form
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts]
    assert all("DejaVuSerif" in str(d["/FontName"]) and "/FontFile2" in d for d in descriptors)

    # The print page links to both.
    html = client.get(reverse("reports:form_print", args=[dept.pk, world.year])).content.decode()
    assert reverse("reports:form_document", args=[dept.pk, world.year, "pdf"]) in html

    client.force_login(world.b_staff)
    assert (
        client.get(reverse("reports:form_document", args=[dept.pk, world.year, "pdf"])).status_code
        == 404
    )


def test_the_committees_report_as_word_and_pdf_in_vietnamese(world, registered, client):  # noqa: F811
    client.force_login(world.leader)
    client.cookies["django_language"] = "en"
    printed = client.get(reverse("reports:report_document", args=["pdf"]))
    assert printed.status_code == 200
    text = one_line(pdf_text(printed.content))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BÁO CÁO" in text
    assert "BAN DÂN VẬN TỈNH ỦY A" in text
    assert "Tổng số mô hình, điển hình 4" in text
    assert "Theo lĩnh vực" in text and "Kinh tế 2" in text

    paragraphs, tables = docx_text(
        client.get(reverse("reports:report_document", args=["docx"])).content
    )
    assert "BÁO CÁO" in paragraphs and "I. Tổng quát" in paragraphs
    overview = tables[1]
    assert overview[1] == ["Tổng số mô hình, điển hình", "4"]

    client.force_login(world.staff)
    assert client.get(reverse("reports:report_document", args=["pdf"])).status_code == 404
    client.force_login(world.b_leader)
    bdv = world.units["bdv"]
    assert (
        client.get(
            reverse("reports:report_document", args=["docx"]), {"committee": bdv.pk}
        ).status_code
        == 404
    )
