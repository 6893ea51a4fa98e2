"""A test certification authority and a signer, made fresh for the tests (never a real CA),
and PDFs signed with pyHanko as a Vietnamese committee's signing tool would."""

from __future__ import annotations

import datetime
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Authority:
    root_pem: bytes
    signer_cert_pem: bytes
    signer_key_pem: bytes

    def write_root(self, directory: Path, name: str = "root.pem") -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        path.write_bytes(self.root_pem)
        return path


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_authority(*, root_name: str = "Test Root CA", signer: str = "Nguyễn Văn Ánh") -> Authority:
    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_subject = _name(root_name, "Test CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_subject)
        .issuer_name(root_subject)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer, "Ban Dân vận Tỉnh ủy A"))
        .issuer_name(root_subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    return Authority(
        root_pem=root.public_bytes(serialization.Encoding.PEM),
        signer_cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        signer_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def sign_pdf(data: bytes, authority: Authority, *, field: str = "Signature1") -> bytes:
    """pyHanko's synchronous signer runs its own event loop: in a thread of its own, so that
    it also works beside Playwright's loop in the browser tests."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign_pdf, data, authority, field).result()


def _sign_pdf(data: bytes, authority: Authority, field: str) -> bytes:
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    (root,) = load_certs_from_pemder_data(authority.root_pem)
    (cert,) = load_certs_from_pemder_data(authority.signer_cert_pem)
    key = load_private_key_from_pemder_data(authority.signer_key_pem, passphrase=None)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([root, cert]),
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name=field), signer=signer, output=out
    )
    return out.getvalue()


def alter_one_byte(data: bytes, marker: bytes = b"/Title") -> bytes:
    """The same file with one byte changed inside the signed content (a letter of the
    document's metadata, so the file still parses)."""
    at = data.index(marker) + 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
