"""The decision, the proposal and the certificates as documents.layout descriptions, built
from the campaign's data; documents.word and documents.pdf render them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from core.numbers import format_points
from documents.headers import header_for, issuer_lines
from documents.layout import Appendix, Document, Header, Para, Signature, Table
from documents.models import KIND_ABBREVIATION, DocumentKind, issuer_is_state_body, issuer_symbol
from workflows.models import Form, Initiative

from .models import Award, AwardKind

MOVEMENT = "“Dân vận khéo”"


def _upper(text: str) -> str:
    return (text or "").upper()


def document_kind(award: Award) -> str:
    return DocumentKind.DECISION if award.kind == AwardKind.RECOGNITION else DocumentKind.PROPOSAL


def number_line(award: Award) -> str:
    """'Số 12-QĐ/BDVTU', or the blank a draft leaves for the number."""
    if award.registered_id:
        return f"Số {award.registered.symbol}"
    committee = award.campaign.committee
    abbreviation = KIND_ABBREVIATION[DocumentKind(document_kind(award))]
    symbol = issuer_symbol(committee)
    if issuer_is_state_body(committee):
        return f"Số:        /{abbreviation}-{symbol}"
    return f"Số        -{abbreviation}/{symbol}"


def _short_date(award: Award) -> str:
    return award.registered.issued_on.strftime("%d/%m/%Y") if award.registered_id else "…"


def _header(award: Award) -> Header:
    registered = award.registered if award.registered_id else None
    return header_for(
        award.campaign.committee,
        number=number_line(award),
        day=registered.issued_on if registered else None,
        year=award.campaign.year,
    )


def _signature(award: Award) -> Signature:
    return Signature(
        capacity=_upper(award.signer_capacity),
        title=_upper(award.signer_title) or "TRƯỞNG BAN",
        name=award.signer_name,
    )


def model_name(initiative: Initiative) -> str:
    if initiative.form == Form.INDIVIDUAL and initiative.person_name:
        position = f", {initiative.person_position}" if initiative.person_position else ""
        return f"{initiative.title} (cá nhân: {initiative.person_name}{position})"
    return initiative.title


def _initiatives(award: Award) -> list[Initiative]:
    return [
        item.initiative
        for item in award.items.select_related("initiative__unit").order_by("position")
    ]


def build(award: Award) -> Document:
    if award.kind == AwardKind.RECOGNITION:
        return recognition_decision(award)
    return commendation_proposal(award)


def recognition_decision(award: Award) -> Document:
    campaign = award.campaign
    committee = campaign.committee
    year = campaign.year
    models = _initiatives(award)
    _, issuer = issuer_lines(committee)
    basis = campaign.title or f"phong trào thi đua {MOVEMENT} năm {year} của {committee.name}"
    number = award.registered.symbol if award.registered_id else "…"
    rows = [
        [
            str(i),
            model_name(m),
            m.unit.name,
            m.get_field_display(),
            format_points(m.total_score),
        ]
        for i, m in enumerate(models, start=1)
    ]
    return Document(
        title="QUYẾT ĐỊNH",
        subject=[f"công nhận mô hình, điển hình {MOVEMENT} năm {year}"],
        header=_header(award),
        author=committee.name,
        body=[
            Para(issuer, bold=True, align="center", indent=False),
            Para(f"- Căn cứ {basis};", italic=True),
            Para(
                f"- Căn cứ kết quả chấm điểm của Hội đồng bình xét phong trào thi đua {MOVEMENT} "
                f"năm {year} (điểm đạt {format_points(campaign.pass_mark)});",
                italic=True,
            ),
            Para("- Xét đề nghị của bộ phận giúp việc,", italic=True),
            Para("QUYẾT ĐỊNH", bold=True, align="center", indent=False),
            Para(
                f"Công nhận {len(models)} mô hình, điển hình {MOVEMENT} năm {year} "
                "(có danh sách kèm theo).",
                lead="Điều 1.",
            ),
            Para(
                "Các mô hình, điển hình tại Điều 1 được cấp giấy chứng nhận và được công khai "
                f"trong danh sách mô hình, điển hình {MOVEMENT} của {committee.name}.",
                lead="Điều 2.",
            ),
            Para(
                "Quyết định có hiệu lực kể từ ngày ký. Các đơn vị có mô hình, điển hình tại "
                "Điều 1 và các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này.",
                lead="Điều 3.",
            ),
        ],
        recipients=["Như Điều 3,", "Lưu Văn phòng."],
        signature=_signature(award),
        appendices=[
            Appendix(
                title=f"DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH {_upper(MOVEMENT)} ĐƯỢC CÔNG NHẬN NĂM {year}",
                subtitle=(
                    f"(Kèm theo Quyết định số {number}, ngày {_short_date(award)} "
                    f"của {committee.name})"
                ),
                body=[
                    Table(
                        columns=["STT", "Tên mô hình, điển hình", "Đơn vị", "Lĩnh vực", "Điểm"],
                        rows=rows,
                        widths=[7, 50, 28, 20, 9],
                        align=["center", "left", "left", "left", "center"],
                    )
                ],
            )
        ],
    )


def commendation_proposal(award: Award) -> Document:
    campaign = award.campaign
    committee = campaign.committee
    year = campaign.year
    models = _initiatives(award)
    form = award.get_commendation_form_display().lower() or "khen thưởng"
    authority = award.authority or "cơ quan có thẩm quyền"
    number = award.registered.symbol if award.registered_id else "…"
    rows = [
        [
            str(i),
            model_name(m),
            m.unit.name,
            f"{m.decision_number}, {m.decision_date:%d/%m/%Y}" if m.decision_date else "—",
            award.get_commendation_form_display(),
        ]
        for i, m in enumerate(models, start=1)
    ]
    return Document(
        title="TỜ TRÌNH",
        subject=[
            f"đề nghị tặng {form} cho tập thể, cá nhân có mô hình, điển hình {MOVEMENT} "
            f"tiêu biểu năm {year}"
        ],
        header=_header(award),
        author=committee.name,
        body=[
            Para(f"Kính gửi: {authority}.", bold=True, align="center", indent=False),
            Para(
                f"Thực hiện phong trào thi đua {MOVEMENT} năm {year}, {committee.name} đã tổ "
                f"chức bình xét và công nhận các mô hình, điển hình {MOVEMENT}."
            ),
            Para(
                "Căn cứ Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành, "
                f"{committee.name} kính đề nghị {authority} xem xét, tặng {form} cho "
                f"{len(models)} tập thể, cá nhân có mô hình, điển hình {MOVEMENT} tiêu biểu "
                "(có danh sách kèm theo)."
            ),
            Para(f"Kính trình {authority} xem xét, quyết định./."),
        ],
        recipients=["Như trên,", "Lưu Văn phòng."],
        signature=_signature(award),
        appendices=[
            Appendix(
                title=f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG MÔ HÌNH, ĐIỂN HÌNH {_upper(MOVEMENT)} "
                f"NĂM {year}",
                subtitle=(
                    f"(Kèm theo Tờ trình số {number}, ngày {_short_date(award)} "
                    f"của {committee.name})"
                ),
                body=[
                    Table(
                        columns=[
                            "STT",
                            "Tên mô hình, điển hình",
                            "Đơn vị",
                            "Quyết định công nhận",
                            "Hình thức đề nghị",
                        ],
                        rows=rows,
                        widths=[7, 45, 26, 22, 14],
                        align=["center", "left", "left", "left", "left"],
                    )
                ],
            )
        ],
    )


def filename(award: Award, extension: str) -> str:
    base = "quyet-dinh-cong-nhan" if award.kind == AwardKind.RECOGNITION else "to-trinh-khen-thuong"
    if award.registered_id:
        reg = award.registered
        base += f"-{reg.number}-{reg.year}"
    else:
        base += "-du-thao"
    return f"{base}.{extension}"


def public_url(initiative: Initiative) -> str:
    """Where a certificate's QR code leads: the model on the public list."""
    return settings.SITE_URL.rstrip("/") + reverse("reports:public_detail", args=[initiative.pk])


def certificate_date(initiative: Initiative) -> datetime.date:
    return initiative.decision_date or datetime.date.today()
