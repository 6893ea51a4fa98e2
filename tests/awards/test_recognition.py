"""The recognition decision (#17): built from the council's results, numbered in the
committee's register, read back from its .docx and PDF, signed by the test CA, recorded in one
step through the door, and certificates whose QR codes lead to the public list."""

import datetime

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Award, AwardStatus
from tests.documents.pki import alter_one_byte, make_authority, sign_pdf
from workflows import audit
from workflows.models import Attachment, AuditEntry, State

from .conftest import docx_text, one_line, pdf_text, scored

pytestmark = pytest.mark.django_db


def _pick(client, world, ids, reasons=None):
    data = {f"pick_{pk}": "1" for pk in ids}
    data.update({f"reason_{pk}": r for pk, r in (reasons or {}).items()})
    return client.post(reverse("awards:create", args=[world.campaign.pk, "recognition"]), data)


def _upload(data: bytes, name="quyet-dinh-da-ky.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_twelve_scored_models_end_in_one_signed_decision_and_their_certificates(client, world):
    good, weak = scored(world, over=10, under=2)
    client.force_login(world.leader)

    # The page ticks the ten over the pass mark; the two under it wait for a reason.
    page = client.get(reverse("awards:create", args=[world.campaign.pk, "recognition"]))
    assert page.status_code == 200
    html = page.content.decode()
    for m in good:
        assert f'name="pick_{m.pk}" value="1" checked' in html
    for m in weak:
        assert f'name="pick_{m.pk}" value="1">' in html and f'name="reason_{m.pk}"' in html

    # One under the mark without a reason: refused beside its field, nothing written.
    refused = _pick(client, world, [m.pk for m in good] + [weak[0].pk])
    assert refused.status_code == 400
    assert "dưới điểm đạt: cần nêu lý do" in refused.content.decode()
    assert Award.objects.count() == 0

    reason = "Mô hình tiêu biểu ở xã vùng cao, hội đồng đề nghị công nhận"
    response = _pick(client, world, [m.pk for m in good] + [weak[0].pk], {weak[0].pk: reason})
    award = Award.objects.get()
    assert response.status_code == 302 and response["Location"] == award.get_absolute_url()
    chosen = [*good, weak[0]]

    bad_date = client.post(reverse("awards:issue", args=[award.pk]), {"issued_on": "31/02/2026"})
    assert bad_date.status_code == 400
    assert "Ngày ban hành không hợp lệ" in bad_date.content.decode()
    issued_on = datetime.date(world.year, 10, 15)
    assert (
        client.post(
            reverse("awards:issue", args=[award.pk]), {"issued_on": issued_on.strftime("%d/%m/%Y")}
        ).status_code
        == 302
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.ISSUED
    assert award.registered.symbol == "1-QĐ/BDVTU"
    assert award.registered.issued_on == issued_on

    # The .docx, read back with python-docx: the header, the number, the list in order.
    word = client.get(reverse("awards:download", args=[award.pk, "docx"]))
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    paragraphs, tables = docx_text(word.content)
    header_cells = " ".join(c for row in tables[0] for c in row)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header_cells and "Số 1-QĐ/BDVTU" in header_cells
    assert f"ngày 15 tháng 10 năm {world.year}" in header_cells
    assert "QUYẾT ĐỊNH" in paragraphs and "Điều 1. Công nhận 11 mô hình" in paragraphs
    listed = tables[-1]
    assert listed[0][:2] == ["STT", "Tên mô hình, điển hình"]
    assert [row[1] for row in listed[1:]] == [m.title for m in chosen]
    assert [row[4] for row in listed[1:]] == ["85"] * 10 + ["55"]
    assert weak[1].title not in paragraphs + str(tables)

    # The PDF, its text extracted back: same number, same eleven titles, Vietnamese intact.
    printed = client.get(reverse("awards:download", args=[award.pk, "pdf"]))
    assert printed["Content-Type"] == "application/pdf"
    text = one_line(pdf_text(printed.content))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 1-QĐ/BDVTU" in text
    assert "công nhận mô hình, điển hình “Dân vận khéo” năm" in text
    for m in chosen:
        assert m.title in text
    assert weak[1].title not in text

    # The leader signs the PDF digitally (the test CA, whose root is configured) and records it.
    signed = sign_pdf(printed.content, world_authority(world))
    recorded = client.post(
        reverse("awards:record", args=[award.pk]), {"signed_file": _upload(signed)}
    )
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    award.refresh_from_db()
    assert award.status == AwardStatus.RECORDED and award.signature_verdict == "valid"
    assert award.signature_summary.startswith("chữ ký số hợp lệ: Nguyễn Văn Ánh")

    for m in chosen:
        m.refresh_from_db()
        assert m.state == State.RECOGNIZED
        assert (m.decision_number, m.decision_date) == ("1-QĐ/BDVTU", issued_on)
    weak[0].refresh_from_db()
    assert weak[0].override_reason == reason
    for m in (weak[1],):
        m.refresh_from_db()
        assert m.state == State.DECIDING
    entries = AuditEntry.objects.filter(action="recognize")
    assert sorted(entries.values_list("initiative_id", flat=True)) == sorted(m.pk for m in chosen)
    assert all(
        e.actor_id == world.leader.pk and "chữ ký số hợp lệ: Nguyễn Văn Ánh" in e.comment
        for e in entries
    )
    assert AuditEntry.objects.filter(
        subject_type="award", subject_id=award.pk, action="record_award"
    ).exists()
    assert audit.verify().ok
    assert Attachment.objects.filter(purpose="decision").count() == 11

    # The model's page and its timeline say who signed.
    detail = client.get(reverse("workflows:initiative_detail", args=[good[0].pk])).content.decode()
    assert detail.count("chữ ký số hợp lệ: Nguyễn Văn Ánh") >= 2  # the panel and the timeline

    # A certificate per model; its QR code, decoded from the rendered page, opens the model on
    # the public list, for anyone.
    certificate = client.get(reverse("awards:certificate", args=[good[0].pk]))
    assert certificate.status_code == 200 and certificate["Content-Type"] == "application/pdf"
    cert_text = one_line(pdf_text(certificate.content))
    assert "GIẤY CHỨNG NHẬN" in cert_text and good[0].title in cert_text
    assert "1-QĐ/BDVTU" in cert_text and "15/10/" in cert_text
    page = pypdfium2.PdfDocument(certificate.content)[0]
    assert page.get_width() > page.get_height()  # A4 landscape
    codes = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    url = settings.SITE_URL.rstrip("/") + reverse("reports:public_detail", args=[good[0].pk])
    assert [c.text for c in codes] == [url]
    client.logout()
    public = client.get(url.removeprefix(settings.SITE_URL.rstrip("/")))
    assert public.status_code == 200 and good[0].title in public.content.decode()
    # The page a certificate leads to confirms the model and its decision, and says no more
    # than the public list does: no signer, signature verdict or the leader's override.
    for m in (good[0], weak[0]):
        html = client.get(reverse("reports:public_detail", args=[m.pk])).content.decode()
        assert m.title in html and "1-QĐ/BDVTU" in html
        for internal in ("Nguyễn Văn Ánh", "chữ ký số", reason, world.leader.full_name):
            assert internal not in html, internal
    assert client.get(reverse("reports:public_detail", args=[weak[1].pk])).status_code == 404
    assert client.get(reverse("awards:certificate", args=[good[0].pk])).status_code == 302

    client.force_login(world.leader)
    all_certificates = client.get(reverse("awards:certificates", args=[award.pk]))
    assert len(pypdfium2.PdfDocument(all_certificates.content)) == 11

    # Another province's leader reaches no certificate, through the pages or the API.
    client.force_login(world.b_leader)
    assert client.get(reverse("awards:certificate", args=[good[0].pk])).status_code == 404
    assert client.get(reverse("awards:certificates", args=[award.pk])).status_code == 404
    assert client.get(f"/api/v1/initiatives/{good[0].pk}/certificate").status_code == 404
    assert client.get(f"/api/v1/awards/{award.pk}/certificates").status_code == 404


def world_authority(world):
    return _AUTHORITY["test"]


_AUTHORITY: dict = {}


@pytest.fixture(autouse=True)
def _authority(trusted_root):
    _AUTHORITY["test"] = trusted_root


def _issued(client, world, models):
    client.force_login(world.leader)
    _pick(client, world, [m.pk for m in models])
    award = Award.objects.latest("pk")
    client.post(reverse("awards:issue", args=[award.pk]))
    award.refresh_from_db()
    return award


def test_an_altered_signed_file_is_refused_and_nothing_is_recognised(client, world, trusted_root):
    good, _ = scored(world, over=2, under=0)
    award = _issued(client, world, good)
    printed = client.get(reverse("awards:download", args=[award.pk, "pdf"])).content
    altered = alter_one_byte(sign_pdf(printed, trusted_root))
    response = client.post(
        reverse("awards:record", args=[award.pk]), {"signed_file": _upload(altered)}
    )
    assert response.status_code == 400
    assert "đã bị thay đổi sau khi ký" in response.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.ISSUED and not award.signed_file
    assert {m.state for m in type(good[0]).objects.filter(pk__in=[m.pk for m in good])} == {
        State.DECIDING
    }


def test_a_file_signed_by_an_unknown_ca_is_flagged_and_needs_confirming(client, world):
    good, _ = scored(world, over=1, under=0)
    award = _issued(client, world, good)
    printed = client.get(reverse("awards:download", args=[award.pk, "pdf"])).content
    stranger = sign_pdf(printed, make_authority(root_name="Unknown CA", signer="Người Lạ"))
    first = client.post(
        reverse("awards:record", args=[award.pk]), {"signed_file": _upload(stranger)}
    )
    assert first.status_code == 400
    assert "Chữ ký số không được tin cậy" in first.content.decode()
    assert 'name="accept_unverified"' in first.content.decode()
    second = client.post(
        reverse("awards:record", args=[award.pk]),
        {"signed_file": _upload(stranger), "accept_unverified": "1"},
    )
    assert second.status_code == 302
    award.refresh_from_db()
    assert award.signature_verdict == "untrusted"
    assert "không được tin cậy" in award.signature_summary
    good[0].refresh_from_db()
    assert good[0].state == State.RECOGNIZED
    entry = AuditEntry.objects.get(action="recognize", initiative=good[0])
    assert "Chữ ký số không được tin cậy" in entry.comment


def test_a_refusal_for_one_model_leaves_every_model_as_it_was(client, world, trusted_root):
    good, _ = scored(world, over=3, under=0)
    award = _issued(client, world, good)
    # Meanwhile the leader reopens the scoring of one of them.
    from workflows import services

    services.perform(good[1].pk, "reopen_scoring", actor=world.leader, comment="Chấm lại")
    printed = client.get(reverse("awards:download", args=[award.pk, "pdf"])).content
    response = client.post(
        reverse("awards:record", args=[award.pk]),
        {"signed_file": _upload(sign_pdf(printed, trusted_root))},
    )
    assert response.status_code == 409
    assert good[1].title in response.content.decode()
    states = set(
        type(good[0])
        .objects.filter(pk__in=[good[0].pk, good[2].pk])
        .values_list("state", flat=True)
    )
    assert states == {State.DECIDING}
    assert not AuditEntry.objects.filter(action="recognize").exists()
    award.refresh_from_db()
    assert award.status == AwardStatus.ISSUED


def test_outsiders_get_404_and_the_committee_reads_without_preparing(client, world):
    good, _ = scored(world, over=1, under=0)
    award = _issued(client, world, good)
    urls = [
        reverse("awards:campaign", args=[world.campaign.pk]),
        reverse("awards:create", args=[world.campaign.pk, "recognition"]),
        reverse("awards:detail", args=[award.pk]),
        reverse("awards:download", args=[award.pk, "pdf"]),
        reverse("awards:download", args=[award.pk, "docx"]),
    ]
    for outsider in (world.b_leader, world.staff, world.head):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(reverse("awards:issue", args=[award.pk])).status_code == 404
        assert client.post(reverse("awards:record", args=[award.pk])).status_code == 404
    client.force_login(world.reviewer)
    assert client.get(urls[2]).status_code == 200
    assert client.get(urls[3]).status_code == 200
    assert client.get(urls[1]).status_code == 403
    assert client.post(reverse("awards:record", args=[award.pk])).status_code == 403
