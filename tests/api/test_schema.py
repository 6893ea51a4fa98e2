"""The OpenAPI schema: valid, checked in, and documented with its interactive page."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from workflows.lifecycle.actions import ACTIONS

CHECKED_IN = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --lang vi --validate --file docs/api/openapi.yaml"
)


def test_the_checked_in_schema_is_the_generated_one(tmp_path, on_postgres):
    # Integer bounds come from the database backend's column ranges, so the checked-in file
    # describes the PostgreSQL deployment (and is generated with DATABASE_URL set to one).
    fresh = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--lang", "vi", "--validate", "--fail-on-warn", "--file", str(fresh)
    )
    assert CHECKED_IN.exists(), f"docs/api/openapi.yaml is missing; generate it with: {REGENERATE}"
    assert fresh.read_text() == CHECKED_IN.read_text(), (
        f"docs/api/openapi.yaml is out of date with the code; regenerate it with: {REGENERATE}"
    )


def test_every_operation_documents_its_errors(tmp_path):
    import yaml

    schema = yaml.safe_load(CHECKED_IN.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in ("post", "patch"):
                assert "409" in codes, (method, path)
            for code in ("400", "403", "404"):
                ref = operation["responses"][code]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/Error"}


def test_the_schema_and_its_documentation_pages_are_served(db, client):
    # With DEBUG off (as under pytest) they are for signed-in people (tests/test_signin.py).
    client.force_login(User.objects.create_user(username="dev", password="x"))
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    # Every action of the registry has its own operation and body.
    for name in ACTIONS:
        assert f"/api/v1/initiatives/{{id}}/actions/{name}:".encode() in schema.content, name
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI's script comes from the sidecar package (served locally), not from a CDN.
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content
    assert b"cdn.jsdelivr" not in docs.content
    # Its start-up script is a request of its own (no inline script under the CSP).
    assert b"<script>" not in docs.content
    start = client.get("/api/v1/docs/", {"script": ""})
    assert start.status_code == 200 and b"SwaggerUIBundle" in start.content
    assert client.get("/api/v1/redoc/").status_code == 200
