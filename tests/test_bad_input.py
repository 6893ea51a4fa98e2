"""Typed or forged numbers and search text never turn a page into a server error.

`str.isdigit()` accepts "²" (U+00B2), which `int()` refuses, and PostgreSQL refuses text with
a NUL byte; every page reads such input through core.parsing."""

from __future__ import annotations

import pytest
from django.test import Client

from core.parsing import clean_text, parse_int, parse_ints
from tests.workflows.conftest import advance, build_world, draft

SUP2 = "%C2%B2"  # "²"

# (who, method, url, POST data); None = anonymous
CASES = [
    (None, "get", f"/cong-khai/?year={SUP2}", None),
    (None, "get", f"/cong-khai/?unit={SUP2}", None),
    (None, "get", "/cong-khai/?q=%00", None),
    (None, "get", f"/cong-khai/?q=a%00b&year={SUP2}&unit={SUP2}", None),
    ("leader", "get", f"/bao-cao/?committee={SUP2}", None),
    ("leader", "get", f"/bao-cao/in/?committee={SUP2}", None),
    ("leader", "post", "/bao-cao/xuat/", {"committee": "²", "type": "xlsx"}),
    ("leader", "post", "/bieu-mau/ban-dan-van/", {"year": "²"}),
    ("leader", "get", f"/bieu-mau/?year={SUP2}", None),
    ("staff", "get", f"/bieu-mau/?year={SUP2}", None),
    ("staff", "get", f"/mo-hinh/?year={SUP2}", None),
    ("staff", "get", f"/don-vi/?year={SUP2}", None),
    ("reviewer", "post", "/nhiem-vu/hang-loat/", {"operation": "claim", "task": ["²", "1"]}),
    ("staff", "post", "/thong-bao/da-doc/", {"id": ["²", "1"]}),
    ("auditor", "get", "/nhat-ky/?actor=%00", None),
    ("auditor", "get", "/nhat-ky/?actor=%C2%B2", None),
    ("auditor", "get", "/api/v1/audit?actor=%00", None),
    ("auditor", "get", "/api/v1/audit?actor=%C2%B2", None),
    ("staff", "get", "/api/v1/initiatives?search=%00", None),
]


@pytest.mark.parametrize("who,method,url,data", CASES)
@pytest.mark.django_db
def test_non_ascii_digits_and_nul_bytes_never_give_a_server_error(who, method, url, data):
    world = build_world()
    advance(world, draft(world), "recognized")
    client = Client(raise_request_exception=False)
    if who:
        client.force_login(getattr(world, who))
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


@pytest.mark.parametrize(
    "value,expected",
    [("12", 12), (" 7 ", 7), ("²", None), ("١٢", None), ("-1", None), ("", None), (None, None)],
)
def test_parse_int_takes_only_plain_ascii_numbers(value, expected):
    assert parse_int(value) == expected


def test_parse_int_bounds_and_lists():
    assert parse_int("5", 1, low=10) == 1
    assert parse_int("99999999999", high=9999) is None
    assert parse_ints(["1", "²", "x", "0", "3"]) == [1, 3]
    assert clean_text(" a\x00b ") == "ab"
