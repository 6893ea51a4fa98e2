"""The committee's report and seed 002's registration form as documents (documents.layout),
for the .docx and the PDF beside the .xlsx and the print pages. Both are written in
Vietnamese, the language of the committee's papers, whatever the reader's screen says."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from core.numbers import format_points
from documents.headers import header_for
from documents.layout import Appendix, Block, Document, Para, Signature, Table
from documents.models import KIND_ABBREVIATION, DocumentKind, issuer_is_state_body, issuer_symbol
from units.models import Unit
from workflows.models import Form, Initiative, Kind

from . import exports


def _blank_number(unit: Unit, kind: str) -> str:
    abbreviation = KIND_ABBREVIATION[DocumentKind(kind)]
    symbol = issuer_symbol(unit)
    if issuer_is_state_body(unit):
        return f"Số:        /{abbreviation}-{symbol}"
    return f"Số        -{abbreviation}/{symbol}"


def _count_table(title: str, rows: list[list]) -> list[Block]:
    return [
        Para(title, bold=True, indent=False, align="left"),
        Table(
            columns=[_("Nội dung"), _("Số lượng")],
            rows=[[str(label), str(count)] for label, count in rows],
            widths=[80, 20],
            align=["left", "center"],
        ),
    ]


def report_document(report: dict, *, period_label: str, period_range: str, year: int) -> Document:
    """The committee's report (Báo cáo), numbered by hand when it is signed."""
    with translation.override("vi"):
        committee = report["committee"]
        body: list[Block] = [
            Para(
                _(
                    "Báo cáo kết quả thực hiện phong trào thi đua “Dân vận khéo” của "
                    "%(committee)s, %(period)s (%(range)s)."
                )
                % {"committee": committee.name, "period": period_label, "range": period_range}
            )
        ]
        body += _count_table(
            _("I. Tổng quát"),
            [
                [_("Tổng số mô hình, điển hình"), report["total"]],
                [_("Xây dựng mới"), report["new"]],
                [_("Nhân rộng"), report["replication"]],
                [_("Được công nhận"), report["recognized"]],
                [_("Được khen thưởng"), report["commended"]],
                [_("Đơn vị chưa đạt chỉ tiêu"), len(report["under_quota"])],
            ],
        )
        for key, title in (
            ("by_field", _("II. Theo lĩnh vực")),
            ("by_form", _("III. Theo hình thức")),
            ("by_kind", _("IV. Theo loại")),
            ("by_state", _("V. Theo trạng thái")),
        ):
            body += _count_table(title, [[r["label"], r["count"]] for r in report[key]])
        body += [
            Para(_("VI. Theo đơn vị"), bold=True, indent=False, align="left"),
            Table(
                columns=[_("Đơn vị"), _("Số lượng"), _("Được công nhận")],
                rows=[
                    [r["name"], str(r["count"]), str(r["recognized"])] for r in report["by_unit"]
                ],
                widths=[64, 18, 18],
                align=["left", "center", "center"],
            ),
        ]
        if report["under_quota"]:
            body += [
                Para(_("VII. Đơn vị chưa đạt chỉ tiêu"), bold=True, indent=False, align="left"),
                Table(
                    columns=[_("Đơn vị"), _("Đã đăng ký"), _("Chỉ tiêu"), _("Còn thiếu")],
                    rows=[
                        [r["unit"].name, str(r["registered"]), str(r["quota"]), str(r["missing"])]
                        for r in report["under_quota"]
                    ],
                    widths=[55, 15, 15, 15],
                    align=["left", "center", "center", "center"],
                ),
            ]
        body += [
            Para(_("VIII. Thời gian ở mỗi bước (ngày)"), bold=True, indent=False, align="left"),
            Table(
                columns=[_("Bước"), _("Số lượt"), _("Trung bình"), _("Trung vị"), _("Lâu nhất")],
                rows=[
                    [
                        s["label"],
                        str(s["count"]),
                        format_points(s["mean"]),
                        format_points(s["median"]),
                        format_points(s["slowest"]),
                    ]
                    for s in report["steps"]
                ],
                widths=[40, 15, 15, 15, 15],
                align=["left", "center", "center", "center", "center"],
            ),
            Para(_("IX. Xu hướng theo năm"), bold=True, indent=False, align="left"),
            Table(
                columns=[
                    _("Năm"),
                    _("Tổng số"),
                    _("Xây dựng mới"),
                    _("Nhân rộng"),
                    _("Được công nhận"),
                    _("Được khen thưởng"),
                ],
                rows=[
                    [
                        str(t["year"]),
                        str(t["count"]),
                        str(t["new"]),
                        str(t["replication"]),
                        str(t["recognized"]),
                        str(t["commended"]),
                    ]
                    for t in report["trend"]
                ],
                widths=[12, 16, 18, 16, 19, 19],
                align=["center"] * 6,
            ),
        ]
        return Document(
            title="BÁO CÁO",
            subject=[_("kết quả thực hiện phong trào thi đua “Dân vận khéo”"), period_label],
            header=header_for(
                committee,
                number=_blank_number(committee, DocumentKind.REPORT),
                day=None,
                year=year,
            ),
            body=body,
            recipients=[_("Thường trực cấp ủy (để b/c),"), _("Lưu Văn phòng.")],
            signature=Signature(title="TRƯỞNG BAN"),
            author=committee.name,
        )


def _form_blocks(unit: Unit, initiatives: list[Initiative]) -> list[Block]:
    labels = exports.header_labels()
    rows: list[list[str]] = []
    by_field: dict[str, list[Initiative]] = {f: [] for _n, f in exports.GROUPS}
    for initiative in initiatives:
        by_field.setdefault(initiative.field, []).append(initiative)
    for _numeral, field in exports.GROUPS:
        rows.append([exports.group_heading(field)])
        for number, i in enumerate(by_field[field], start=1):
            rows.append(
                [
                    f"{number}. {i.title}",
                    exports.MARK if i.form == Form.COLLECTIVE else "",
                    exports.individual_text(i),
                    i.address,
                    exports.content_text(i),
                    exports.MARK if i.kind == Kind.NEW else "",
                    exports.replication_text(i),
                ]
            )
    return [
        Para(_("ĐƠN VỊ: %(unit)s") % {"unit": unit.name}, bold=True, indent=False, align="left"),
        Table(
            columns=[
                labels["title"],
                f"{labels['form']}: {labels['collective']}",
                f"{labels['form']}: {labels['individual']}",
                labels["address"],
                labels["content"],
                labels["new"],
                labels["replication"],
            ],
            rows=rows,
            widths=[40, 11, 16, 24, 60, 11, 16],
            align=["left", "center", "center", "left", "left", "center", "center"],
            size=9,
        ),
        Para(_("THỦ TRƯỞNG ĐƠN VỊ"), bold=True, align="right", indent=False),
        Para(_("(Ký tên, đóng dấu)"), italic=True, align="right", indent=False),
    ]


def registration_form_document(sheets: list[tuple[Unit, list[Initiative]]], year: int) -> Document:
    """Seed 002's form, one unit per landscape page (as the .xlsx has one sheet per unit)."""
    with translation.override("vi"):
        title = _(
            "SỐ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” ĐĂNG KÝ XÂY DỰNG, NHÂN RỘNG NĂM %(year)d"
        ) % {"year": year}
        subtitle = _("(Theo biểu mẫu đăng ký của Ban Dân vận)")
        (first_unit, first_rows), *rest = sheets or [(None, [])]
        return Document(
            title=title,
            subject=[subtitle],
            body=_form_blocks(first_unit, first_rows) if first_unit is not None else [],
            appendices=[
                Appendix(title=title, subtitle=subtitle, body=_form_blocks(u, i), landscape=True)
                for u, i in rest
            ],
            landscape=True,
            author=first_unit.name if first_unit is not None else "",
        )
