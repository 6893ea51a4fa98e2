"""Digital signatures of uploaded PDFs, checked with pyHanko: whether the signed bytes are
intact (or were altered after signing), who signed and when, and whether the signer's
certificate chains to a trust root the administrator configured.

The trust roots are the certificates (PEM or DER, *.pem, *.crt, *.cer) in the directory
`settings.DOCUMENT_TRUST_ROOTS_DIR`: an administrator puts there the roots the committee trusts
(for Vietnam the Government's specialised CA of Ban Cơ yếu Chính phủ and the national root
of the public CAs). Nothing is trusted by default and the system's web roots are never used.
Revocation is not fetched unless `DOCUMENT_SIGNATURE_FETCH_REVOCATION` is on (a committee's
server often has no way out)."""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


class Verdict:
    """What the check concluded, from best to worst; stored on the documents that were
    checked."""

    VALID = "valid"  # intact, and the signer chains to a configured root
    UNTRUSTED = "untrusted"  # intact, but the signer's certificate is not trusted here
    UNSIGNED = "unsigned"  # a PDF without digital signature (a scan of a paper signature)
    ALTERED = "altered"  # changed after signing, or the signature does not match: refused
    UNREADABLE = "unreadable"  # not a PDF we can read: refused

    LABELS = {
        VALID: gettext_lazy("Chữ ký số hợp lệ"),
        UNTRUSTED: gettext_lazy("Chữ ký số không được tin cậy"),
        UNSIGNED: gettext_lazy("Không có chữ ký số"),
        ALTERED: gettext_lazy("Tệp đã bị sửa đổi sau khi ký"),
        UNREADABLE: gettext_lazy("Không đọc được tệp PDF"),
    }
    CHOICES = list(LABELS.items())
    REFUSED = frozenset({ALTERED, UNREADABLE})


@dataclass
class SignatureCheck:
    """One signature of the file."""

    field: str
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: datetime.datetime | None
    covers_whole_file: bool
    problem: str = ""

    @property
    def altered(self) -> bool:
        return not (self.intact and self.valid) or self.changed_after

    changed_after: bool = False  # later revisions that the signature does not permit


@dataclass
class Verification:
    verdict: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    reason: str = ""

    @property
    def refused(self) -> bool:
        return self.verdict in Verdict.REFUSED

    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signed_at(self) -> datetime.datetime | None:
        return self.signatures[0].signed_at if self.signatures else None

    def summary(self) -> str:
        """The one line the timeline and the model's page show."""
        if self.verdict == Verdict.VALID:
            when = (
                self.signed_at.astimezone(_tz()).strftime("%H:%M %d/%m/%Y")
                if self.signed_at
                else "—"
            )
            return _("chữ ký số hợp lệ: %(signer)s, %(when)s") % {
                "signer": self.signer,
                "when": when,
            }
        label = str(Verdict.LABELS[self.verdict])
        return f"{label}: {self.reason}" if self.reason else label

    def as_data(self) -> dict:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "signatures": [
                {
                    "field": s.field,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "signer": s.signer,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "covers_whole_file": s.covers_whole_file,
                    "problem": s.problem,
                }
                for s in self.signatures
            ],
        }


def _tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def trust_roots(directory: str | Path | None = None) -> list:
    """The configured roots (asn1crypto certificates); unreadable files are logged and
    skipped."""
    from pyhanko.keys import load_cert_from_pemder

    directory = Path(directory or settings.DOCUMENT_TRUST_ROOTS_DIR or "")
    if not str(directory) or not directory.is_dir():
        return []
    roots = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in CERT_SUFFIXES or not path.is_file():
            continue
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except Exception:  # noqa: BLE001 - one bad file must not hide the others
            logger.warning("trust root %s is not a certificate", path)
    return roots


def _signer_name(cert) -> str:
    subject = cert.subject.native
    name = subject.get("common_name") or cert.subject.human_friendly
    organisation = subject.get("organization_name")
    if isinstance(name, list):
        name = name[0]
    if isinstance(organisation, list):
        organisation = organisation[0]
    return f"{name} ({organisation})" if organisation and organisation != name else str(name)


def verify_pdf(data: bytes, *, roots: list | None = None) -> Verification:
    """Check every digital signature of a PDF (see _verify). pyHanko's synchronous validation
    starts an event loop of its own: where one already runs in this thread (an async caller),
    it runs in a worker thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _verify(data, roots)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_verify, data, roots).result()


def _verify(data: bytes, roots: list | None) -> Verification:
    """Check every digital signature of a PDF. The verdict is the worst of its signatures:
    ALTERED when any signed byte changed or the file was changed after signing in a way the
    signature does not allow; UNTRUSTED when a signer does not chain to a configured root."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        return Verification(Verdict.UNREADABLE, reason=_("tệp không phải PDF"))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        logger.info("unreadable PDF: %s", exc)
        return Verification(Verdict.UNREADABLE, reason=_("cấu trúc PDF bị hỏng"))
    if not embedded:
        return Verification(Verdict.UNSIGNED)
    roots = trust_roots() if roots is None else roots
    checks: list[SignatureCheck] = []
    for signature in embedded:
        # An explicit list, even empty: None would mean the operating system's web roots.
        context = ValidationContext(
            trust_roots=list(roots),
            allow_fetching=bool(settings.DOCUMENT_SIGNATURE_FETCH_REVOCATION),
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as exc:  # noqa: BLE001 - a malformed signature is an altered file
            logger.info("signature %s could not be validated: %s", signature.field_name, exc)
            checks.append(
                SignatureCheck(
                    field=signature.field_name or "",
                    intact=False,
                    valid=False,
                    trusted=False,
                    signer="",
                    signed_at=None,
                    covers_whole_file=False,
                    problem=_("chữ ký không đọc được"),
                    changed_after=True,
                )
            )
            continue
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        # Revisions after the signature are allowed only where pyHanko's difference analysis
        # finds them permitted (another signature, a timestamp), never other changes.
        changed_after = not whole and not status.docmdp_ok
        problem = ""
        if not status.intact:
            problem = _("nội dung đã bị thay đổi sau khi ký")
        elif not status.valid:
            problem = _("chữ ký không khớp với nội dung")
        elif changed_after:
            problem = _("tệp đã bị sửa đổi sau khi ký")
        elif not status.trusted:
            problem = _("chứng thư của người ký không thuộc tổ chức chứng thực được tin cậy")
        signed_at = status.signer_reported_dt
        if status.timestamp_validity is not None:
            signed_at = status.timestamp_validity.timestamp
        checks.append(
            SignatureCheck(
                field=signature.field_name or "",
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                signer=_signer_name(status.signing_cert),
                signed_at=signed_at,
                covers_whole_file=whole,
                problem=problem,
                changed_after=changed_after,
            )
        )
    altered = [c for c in checks if c.altered]
    if altered:
        return Verification(Verdict.ALTERED, checks, reason=altered[0].problem)
    untrusted = [c for c in checks if not c.trusted]
    if untrusted:
        return Verification(Verdict.UNTRUSTED, checks, reason=untrusted[0].problem)
    return Verification(Verdict.VALID, checks)
