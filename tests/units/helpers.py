"""Small builders shared by the units tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from units.models import Membership, Unit, UnitKind


def csv_file(
    rows: list[list[object]], *, bom: bool = False, name: str = "don_vi.csv"
) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    data = text.getvalue().encode("utf-8-sig" if bom else "utf-8")
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def xlsx_file(rows: list[list[object]], *, name: str = "don_vi.xlsx") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    handle.name = name
    return handle


def unit(parent: Unit | None, code: str, *, kind: str = UnitKind.OFFICE, committee: bool = False):
    values = {"code": code, "name": f"Đơn vị {code}", "kind": kind, "is_committee": committee}
    if parent is None:
        return Unit.add_root(**values)
    # Re-read the parent: treebeard computes the new path from the stored numchild.
    return Unit.objects.get(pk=parent.pk).add_child(**values)


def member(user, unit_: Unit, role: str) -> Membership:
    return Membership.objects.create(user=user, unit=unit_, role=role)
