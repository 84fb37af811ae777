"""Dutch is the source language and English is complete: checked against the message catalogs."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "circles" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_message_has_an_english_translation():
    untranslated = [m.id for m in _catalog() if m.id and (not all(_strings(m)) or m.fuzzy)]
    assert untranslated == []


def test_placeholders_survive_translation():
    wrong = []
    for m in _catalog():
        if not m.id:
            continue
        expected = sorted(PLACEHOLDER.findall(_ids(m)[0]))
        for s in _strings(m):
            if sorted(PLACEHOLDER.findall(s)) != expected:
                wrong.append((m.id, s))
    assert wrong == []


def test_catalog_matches_the_source(tmp_path):
    """A string added to a template or module without `pybabel extract/update` fails here, as does a
    stale entry that no longer appears in the source."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as fh:
        source = {m.id for m in read_po(fh) if m.id}
    catalog = {m.id for m in _catalog() if m.id}
    assert sorted(source - catalog, key=str) == [], "strings missing from the English catalog"
    assert sorted(catalog - source, key=str) == [], "catalog entries no longer in the source"


def test_every_template_string_is_in_the_catalog_whatever_its_folder():
    """pybabel skips folders whose name starts with '_' or '.'; this walks every template file itself,
    so a string can never hide from the catalog that way."""
    from jinja2.ext import babel_extract

    catalog = {m.id for m in _catalog() if m.id}
    missing = []
    for path in sorted((ROOT / "circles" / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        with path.open("rb") as fh:
            for _line, _func, message, _comments in babel_extract(fh, ("_", "gettext", "ngettext"), [], {}):
                if isinstance(message, tuple | list):  # (singular, plural, None) or (text, None)
                    parts = tuple(m for m in message if m is not None)
                    key = parts[0] if len(parts) == 1 else parts
                else:
                    key = message
                if key not in catalog:
                    missing.append((str(path.relative_to(ROOT)), key))
    assert missing == []
