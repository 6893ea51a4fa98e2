"""The commendation proposal to the State authority: the recognised models listed, numbered
as a Tờ trình in the committee's register; recording the authority's signed decision commends
each model through the door."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Award, AwardStatus
from tests.documents.pki import sign_pdf
from workflows import services
from workflows.models import AuditEntry, Commendation, State

from .conftest import docx_text, one_line, pdf_text, scored

pytestmark = pytest.mark.django_db


def test_the_proposal_lists_recognised_models_and_the_authoritys_decision_commends_each(
    client, world, trusted_root
):
    good, _ = scored(world, over=3, under=0)
    for m in good:
        services.perform(
            m.pk,
            "recognize",
            actor=world.leader,
            decision_number="5-QĐ/BDVTU",
            decision_date="01/10/2026",
            decision_signer="Nguyễn Văn A",
        )
    # One has an open case: it is not offered.
    services.set_open_case(good[2].pk, actor=world.reviewer, open_case=True, comment="Khiếu nại")
    client.force_login(world.leader)
    create = reverse("awards:create", args=[world.campaign.pk, "commendation"])
    page = client.get(create).content.decode()
    assert f'name="pick_{good[0].pk}" value="1" checked' in page
    assert f"pick_{good[2].pk}" not in page

    missing = client.post(create, {f"pick_{good[0].pk}": "1", f"pick_{good[1].pk}": "1"})
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "Chọn hình thức khen thưởng đề nghị." in body
    assert "Cần nhập cơ quan có thẩm quyền khen thưởng." in body

    client.post(
        create,
        {
            f"pick_{good[0].pk}": "1",
            f"pick_{good[1].pk}": "1",
            "commendation_form": "bang_khen",
            "authority": "Chủ tịch Ủy ban nhân dân tỉnh",
        },
    )
    award = Award.objects.get()
    client.post(reverse("awards:issue", args=[award.pk]))
    award.refresh_from_db()
    assert award.registered.symbol == "1-TTr/BDVTU"

    paragraphs, tables = docx_text(
        client.get(reverse("awards:download", args=[award.pk, "docx"])).content
    )
    assert "TỜ TRÌNH" in paragraphs and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh." in paragraphs
    assert "tặng bằng khen cho 2 tập thể" in paragraphs
    assert [row[1] for row in tables[-1][1:]] == [good[0].title, good[1].title]
    text = one_line(
        pdf_text(client.get(reverse("awards:download", args=[award.pk, "pdf"])).content)
    )
    assert "Số 1-TTr/BDVTU" in text and good[1].title in text

    # The authority's decision, signed, with its number and date.
    decision = sign_pdf(
        client.get(reverse("awards:download", args=[award.pk, "pdf"])).content, trusted_root
    )
    upload = SimpleUploadedFile("qd-khen-thuong.pdf", decision, content_type="application/pdf")
    bad = client.post(reverse("awards:record", args=[award.pk]), {"signed_file": upload})
    assert bad.status_code == 400 and "Cần nhập số quyết định khen thưởng." in bad.content.decode()
    upload.seek(0)
    response = client.post(
        reverse("awards:record", args=[award.pk]),
        {
            "signed_file": upload,
            "authority_decision_number": "70/QĐ-UBND",
            "authority_decision_date": "20/10/2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    award.refresh_from_db()
    assert award.status == AwardStatus.RECORDED
    for m in good[:2]:
        m.refresh_from_db()
        assert m.state == State.COMMENDED
        c = Commendation.objects.get(initiative=m)
        assert (c.form, c.decision_number, c.proposal_number) == (
            "bang_khen",
            "70/QĐ-UBND",
            "1-TTr/BDVTU",
        )
        assert c.authority == "Chủ tịch Ủy ban nhân dân tỉnh"
    assert AuditEntry.objects.filter(action="commend").count() == 2
