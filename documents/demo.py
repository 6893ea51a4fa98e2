"""The demo province's issuing details (appended to units.demo.DEMO_BUILDERS by
DocumentsConfig.ready(); idempotent): its Ban Dân vận numbers "…-QĐ/BDVTU" under "TỈNH ỦY HÒA
BÌNH", dated at Hòa Bình, signed by its head."""

from __future__ import annotations

from units import demo
from units.models import Unit

from .models import IssuerProfile


def build_demo_issuers() -> str:
    committee = Unit.objects.filter(code=demo.PROVINCE_COMMITTEE_CODE).first()
    if committee is None:
        return ""
    _, created = IssuerProfile.objects.get_or_create(
        unit=committee,
        defaults={
            "symbol": "BDVTU",
            "parent_body": "TỈNH ỦY HÒA BÌNH",
            "place": "Hòa Bình",
            "signer_title": "TRƯỞNG BAN",
            "signer_name": "Quách Văn Minh",
        },
    )
    return "Thông tin ban hành văn bản của Ban Dân vận Tỉnh ủy." if created else ""
