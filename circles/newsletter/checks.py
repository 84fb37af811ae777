"""Checks on a rendered issue before it is sent: size (Gmail clips large messages), links and images
that work outside the website (absolute), and accessibility (language, alt texts, link texts,
heading order). Checks that need the database (still published, meetings unchanged) live with the
composer; these look only at the HTML and the text."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

BLOCK = "block"
WARN = "warn"

#: Gmail clips a message larger than about 102 KB; stay below 100 KB (html + text, in bytes).
MAX_BYTES = 100 * 1024
WARN_BYTES = 80 * 1024

#: Link texts that say nothing about where the link goes, compared without case and punctuation.
GENERIC_LINK_TEXTS = frozenset({
    "klik hier", "hier", "lees meer", "meer", "lees verder", "verder", "link", "deze link",
    "click here", "here", "read more", "more", "this link",
})

#: Placeholders the outbox fills in per recipient, such as ``[[unsubscribe_url]]``.
PLACEHOLDER = re.compile(r"\[\[[a-z_]+\]\]")


@dataclass(frozen=True)
class Finding:
    #: "block": the issue cannot be sent; "warn": the editor should look.
    level: str
    #: Short and stable, for code and tests: "too_large", "large", "not_absolute", "no_lang",
    #: "no_alt", "link_text", "heading_skip", "h1_count".
    code: str
    #: What is wrong and where, for the editor (a lazy Dutch string).
    message: object


def _absolute(url: str) -> bool:
    url = url.strip()
    if PLACEHOLDER.fullmatch(url):
        return True
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme.lower() == "mailto" and bool(parts.path)


def _normalised(text: str) -> str:
    """Lower case, single spaces, no punctuation or arrows around it: "Lees meer »" -> "lees meer"."""
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.strip(" .:;,!?…»«›‹→←>-–—()[]\"'")


class _Collector(HTMLParser):
    """Collects what the checks need in one pass: the html lang, links with their text, images and
    headings in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.seen_html = False
        self.links: list[dict] = []  # {"href", "text", "label"}
        self.images: list[dict] = []  # {"src", "alt"}
        self.headings: list[tuple[int, str]] = []
        self._open_links: list[dict] = []
        self._heading: list | None = None  # [level, text parts]
        self._skip = 0  # inside <script>/<style>/<title>: no visible text

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html" and not self.seen_html:
            self.seen_html = True
            self.html_lang = (values.get("lang") or "").strip()
        elif tag == "a" and "href" in values:
            link = {"href": values.get("href") or "", "text": [], "label": (values.get("aria-label") or "").strip()}
            self.links.append(link)
            self._open_links.append(link)
        elif tag == "img":
            self.images.append({"src": values.get("src"), "alt": values.get("alt")})
            if values.get("alt"):
                self._text(values["alt"])
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), []]
        elif tag in ("script", "style", "title"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            self._open_links.pop()
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            level, parts = self._heading
            self.headings.append((level, re.sub(r"\s+", " ", "".join(parts)).strip()))
            self._heading = None
        elif tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text(data)

    def _text(self, data: str) -> None:
        for link in self._open_links:
            link["text"].append(data)
        if self._heading is not None:
            self._heading[1].append(data)


def _size_findings(html: str, text: str) -> list[Finding]:
    size = len(html.encode()) + len(text.encode())
    kb = f"{size / 1024:.0f}"
    if size >= MAX_BYTES:
        return [Finding(BLOCK, "too_large", _l(
            "De nieuwsbrief is %(size)s KB (HTML en tekst samen); boven 100 KB knipt Gmail hem af. "
            "Laat onderdelen weg of maak teksten korter.", size=kb))]
    if size > WARN_BYTES:
        return [Finding(WARN, "large", _l(
            "De nieuwsbrief is %(size)s KB (HTML en tekst samen); boven 100 KB knipt Gmail hem af.", size=kb))]
    return []


def _link_findings(page: _Collector) -> list[Finding]:
    findings = []
    for link in page.links:
        href = link["href"]
        text = re.sub(r"\s+", " ", "".join(link["text"])).strip()
        if not _absolute(href):
            findings.append(Finding(BLOCK, "not_absolute", _l(
                "De link “%(text)s” gaat naar “%(href)s”: een link in een e-mail moet volledig zijn "
                "(beginnen met https://, http:// of mailto:).", text=text, href=href)))
        name = link["label"] or text
        if not name:
            findings.append(Finding(BLOCK, "link_text", _l(
                "De link naar %(href)s heeft geen tekst; een schermlezer kan niet zeggen waar hij heen gaat.",
                href=href)))
        elif _normalised(name) in GENERIC_LINK_TEXTS:
            findings.append(Finding(BLOCK, "link_text", _l(
                "De link naar %(href)s heeft alleen de tekst “%(text)s”; zeg in de linktekst waar de link "
                "heen gaat.", href=href, text=name)))
    for image in page.images:
        src = image["src"] or ""
        if not _absolute(src):
            findings.append(Finding(BLOCK, "not_absolute", _l(
                "De afbeelding “%(src)s” heeft geen volledig adres (https://...).", src=src)))
        if image["alt"] is None:
            findings.append(Finding(BLOCK, "no_alt", _l(
                "De afbeelding %(src)s heeft geen alt-tekst (een lege alt-tekst mag voor een versiering).",
                src=src)))
    return findings


def _heading_findings(page: _Collector) -> list[Finding]:
    findings = []
    h1s = sum(1 for level, _text in page.headings if level == 1)
    if h1s != 1:
        findings.append(Finding(BLOCK, "h1_count", _l(
            "De nieuwsbrief heeft %(count)s koppen van niveau 1; er moet precies één zijn.", count=h1s)))
    previous = None
    for level, text in page.headings:
        if previous is not None and level > previous + 1:
            findings.append(Finding(BLOCK, "heading_skip", _l(
                "De kop “%(text)s” (niveau %(level)s) volgt op een kop van niveau %(previous)s: sla geen "
                "niveau over.", text=text, level=level, previous=previous)))
        previous = level
    return findings


def check_html(html: str, text: str) -> list[Finding]:
    """Everything wrong with a rendered issue, blocking findings first."""
    page = _Collector()
    page.feed(html)
    page.close()
    findings = _size_findings(html, text)
    if not page.html_lang:
        findings.append(Finding(BLOCK, "no_lang", _l(
            "Het <html>-element heeft geen lang-attribuut; schermlezers weten dan niet welke taal ze spreken.")))
    findings += _link_findings(page)
    findings += _heading_findings(page)
    return sorted(findings, key=lambda f: f.level != BLOCK)


def blocking(findings: list[Finding]) -> bool:
    return any(f.level == BLOCK for f in findings)


def nearly_empty(snapshot: dict) -> bool:
    """Fewer than three items in the whole issue: worth a warning in the composer."""
    return sum(len(section.get("items") or []) for section in snapshot.get("sections") or []) < 3
