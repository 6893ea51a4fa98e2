"""The English catalog stays complete, and new pages and API errors come out in English.

Vietnamese is the source language (the msgids); locale/en/LC_MESSAGES/django.po must give
every msgid a reviewed English msgstr. After adding strings, run
``manage.py makemessages -l en --no-wrap --ignore=.venv --ignore=node_modules
--ignore=artifacts --ignore=bench``, translate the new and fuzzy entries, then
``manage.py compilemessages -l en --ignore=.venv`` and commit both the .po and the .mo.
"""

import ast
import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Letters that only Vietnamese uses among the site's two languages (lower case; the
# check lower-cases the text first).
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)


PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _parse_po(text: str) -> list[dict]:
    """A small .po reader: one dict per entry (entries are separated by blank lines), with
    its flags, msgid, msgid_plural and msgstr / msgstr[N]. Obsolete ``#~`` lines are skipped:
    they are not used at run time."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                assert key is not None, f"unreadable line in {PO_PATH.name}: {line!r}"
                entry[key] += ast.literal_eval(line)
            else:
                match = PO_LINE.match(line)
                assert match, f"unreadable line in {PO_PATH.name}: {line!r}"
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _msgstrs(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [v for k, v in sorted(entry.items()) if k.startswith("msgstr[")]
    return [entry.get("msgstr", "")]


def _catalog() -> list[dict]:
    entries = _parse_po(PO_PATH.read_text(encoding="utf-8"))
    assert entries and entries[0]["msgid"] == "", "the header entry is missing"
    return entries[1:]


def test_parser_reads_plural_fuzzy_and_multiline_entries():
    sample = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\n#| msgid "cũ"\nmsgid "Xin %(n)s"\nmsgstr "Hi"\n\n'
        '#: b.py:2\nmsgid "một"\nmsgid_plural "nhiều"\nmsgstr[0] "one"\nmsgstr[1] ""\n\n'
        'msgid ""\n"dài "\n"quá"\nmsgstr ""\n"too "\n"long"\n\n'
        '#~ msgid "bỏ"\n#~ msgstr "gone"\n'
    )
    header, fuzzy, plural, multi = _parse_po(sample)
    assert header["msgid"] == "" and header["msgstr"] == "Language: en\n"
    assert "fuzzy" in fuzzy["flags"] and fuzzy["msgid"] == "Xin %(n)s"
    assert _msgstrs(plural) == ["one", ""]
    assert multi["msgid"] == "dài quá" and multi["msgstr"] == "too long"


def test_english_catalog_has_no_untranslated_or_fuzzy_entry():
    entries = _catalog()
    assert len(entries) > 800, "the catalog looks truncated"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in _msgstrs(e))]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {PO_PATH}: {fuzzy[:10]}"
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated[:10]}"


def test_english_translations_keep_placeholders_and_are_english():
    placeholder = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")
    problems = []
    for e in _catalog():
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for i, text in enumerate(_msgstrs(e)):
            source = sources[min(i, 1)]
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                problems.append(f"placeholders differ: {source!r} → {text!r}")
            # Quoted Vietnamese (what the user types or sees on the printed form) may stay.
            vietnamese = VIETNAMESE_LETTERS.search(text.lower().replace("dân vận khéo", ""))
            if vietnamese and "“" not in text and "có/không" not in text:
                problems.append(f"still Vietnamese: {source!r} → {text!r}")
    assert not problems, "\n".join(problems)


# The names makemessages (xgettext) extracts from Python: its defaults and Django's keywords.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "ngettext",
    "gettext_lazy",
    "ngettext_lazy",
    "gettext_noop",
    "pgettext",
    "npgettext",
    "pgettext_lazy",
    "npgettext_lazy",
}
APPS = (
    "config",
    "core",
    "accounts",
    "units",
    "documents",
    "workflows",
    "notifications",
    "reports",
    "awards",
)


def test_translation_functions_keep_names_makemessages_extracts():
    """`gettext_lazy as _lazy` hides every string marked with it from makemessages: the next
    run drops their translations from the catalog."""
    hidden = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    for alias in node.names:
                        if (alias.asname or alias.name) not in EXTRACTED_NAMES and alias.name in (
                            EXTRACTED_NAMES
                        ):
                            hidden.append(f"{path.name}: {alias.name} as {alias.asname}")
    assert not hidden, hidden


def _key(entry: dict) -> str:
    # A msgid with a context (pgettext) is stored in the .mo as "context\x04msgid".
    if "msgctxt" in entry:
        return f"{entry['msgctxt']}\x04{entry['msgid']}"
    return entry["msgid"]


def test_compiled_catalog_matches_the_po():
    """The committed .mo is what Django reads: it must hold every .po translation as is."""
    with MO_PATH.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    stale = []
    for e in _catalog():
        if "msgid_plural" in e:
            for i, text in enumerate(_msgstrs(e)):
                if compiled.get((e["msgid"], i)) != text:
                    stale.append(e["msgid"])
        elif compiled.get(_key(e)) != e["msgstr"]:
            stale.append(e["msgid"])
    assert not stale, f"django.mo is stale (run compilemessages -l en): {stale[:10]}"


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _assert_no_vietnamese(html: str):
    text = _visible_text(html).replace("Dân vận khéo", "")
    leftovers = [w for w in text.split() if VIETNAMESE_LETTERS.search(w.lower())]
    assert not leftovers, f"Vietnamese words on an English page: {leftovers[:20]}"


@pytest.mark.django_db
def test_public_list_in_english_for_anonymous_visitor(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/cong-khai/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Recognised and awarded “Dân vận khéo” models and exemplars" in body
    assert ">Search<" in body
    assert "No model matches." in body
    _assert_no_vietnamese(body)


@pytest.mark.django_db
def test_public_list_stays_vietnamese_by_default(client):
    body = client.get("/cong-khai/").content.decode()
    assert "Mô hình, điển hình “Dân vận khéo” được công nhận, khen thưởng" in body


@pytest.mark.django_db
def test_login_page_in_english_has_no_vietnamese_left(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Recognised models" in body
    _assert_no_vietnamese(body)


@pytest.mark.django_db
def test_api_error_in_english_with_accept_language(client):
    response = client.get("/api/v1/initiatives", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (401, 403)
    text = response.content.decode()
    assert "You must log in or send an access token." in text
    assert "Cần đăng nhập" not in text


@pytest.mark.django_db
def test_api_error_in_vietnamese_by_default(client):
    response = client.get("/api/v1/initiatives")
    assert response.status_code in (401, 403)
    assert "Cần đăng nhập hoặc gửi mã truy cập (token)." in response.content.decode()
