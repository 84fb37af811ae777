"""An issue as e-mail: HTML and plain text rendered from one structured snapshot, so they never drift.

The snapshot is the JSON-able dict the composer builds and approval stores (``Issue.snapshot``)::

    {"number": 12, "issue_date": "2026-11-26", "subject": "...", "intro": "Markdown",
     "language": "nl",   # optional: the language the editor wrote subject, intro and own titles in
     "sections": [{"id": 5, "kind": "packages", "title": "", "sectors": [], "regions": [],
                   "items": [{"kind": "package", "object_id": 3, "title": "...", "teaser": "...",
                              "url": "https://...", "starts_at": "2026-03-29T08:00:00+00:00" | None,
                              "location": "", "language": "nl", "changed": False}]}]}

The HTML is built for mail clients: one 600 px column of ``role="presentation"`` tables, inline styles
only (no ``<style>``, classes, scripts or images), system fonts. ``circles.newsletter.checks`` verifies
the result before sending.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from html.parser import HTMLParser

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from circles.core.markdown import render_markdown
from circles.core.timefmt import DATE_FORMAT, date_filter, datetime_filter

SECTION_TITLES = {
    "packages": _l("Nieuwe werkpakketten"),
    "cases": _l("Goede voorbeelden"),
    "summaries": _l("Verslagen van bijeenkomsten"),
    "meetings": _l("Regionale bijeenkomsten in de komende weken"),
    "news": _l("Nieuws en initiatieven"),
    "custom": _l("Meer"),
}

#: The colours, each text colour with the background it stands on (all at least 4.5:1, tested).
COLOURS = {
    "text": "#1a1a1a",
    "muted": "#4a4a4a",
    "link": "#0b4f5c",
    "page": "#f3f5f6",
    "paper": "#ffffff",
    "brand": "#0b4f5c",
    "on_brand": "#ffffff",
    "label_text": "#6b3500",
    "label_bg": "#fff4e5",
    "rule": "#d0d7da",
}
#: (foreground, background) pairs that occur in the rendered issue.
COLOUR_PAIRS = (
    ("text", "paper"), ("muted", "paper"), ("link", "paper"), ("on_brand", "brand"),
    ("label_text", "label_bg"), ("text", "page"), ("muted", "page"), ("link", "page"),
)

FONT = "-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif"
_C = COLOURS
_FONT = f"font-family:{FONT};"
_BASE = f"{_FONT}color:{_C['text']};"
_MUTED = f"{_FONT}color:{_C['muted']};"

#: Inline styles per element; templates use ``s.<name>`` and the intro gets ``INTRO_STYLES``.
STYLES = {
    "body": f"margin:0;padding:0;background-color:{_C['page']};",
    "outer": f"width:100%;background-color:{_C['page']};",
    "outer_cell": "padding:16px 8px;",
    "container": f"width:100%;max-width:600px;background-color:{_C['paper']};border:1px solid {_C['rule']};",
    "browser_cell": f"padding:12px 24px;background-color:{_C['page']};",
    "browser_p": f"{_MUTED}margin:0;font-size:14px;line-height:20px;text-align:center;",
    "header_cell": f"padding:24px;background-color:{_C['brand']};",
    "sender": f"{_FONT}margin:0 0 8px 0;font-size:14px;line-height:20px;font-weight:bold;"
              f"color:{_C['on_brand']};",
    "h1": f"{_FONT}margin:0;font-size:26px;line-height:32px;font-weight:bold;color:{_C['on_brand']};",
    "issue_date": f"{_FONT}margin:8px 0 0 0;font-size:15px;line-height:22px;color:{_C['on_brand']};",
    "cell": "padding:24px 24px 8px 24px;",
    "h2": f"{_BASE}margin:0 0 16px 0;padding:0 0 8px 0;font-size:21px;line-height:28px;font-weight:bold;"
          f"border-bottom:2px solid {_C['brand']};",
    "item": "padding:0 0 20px 0;",
    "h3": f"{_BASE}margin:0 0 6px 0;font-size:18px;line-height:25px;font-weight:bold;",
    "item_link": f"color:{_C['link']};text-decoration:underline;",
    "label": f"{_FONT}display:inline-block;margin:0 0 0 6px;padding:0 6px;font-size:13px;"
             f"line-height:20px;font-weight:bold;color:{_C['label_text']};background-color:{_C['label_bg']};"
             f"border:1px solid {_C['label_text']};border-radius:3px;vertical-align:middle;",
    "teaser": f"{_BASE}margin:0 0 6px 0;font-size:16px;line-height:24px;",
    "meta": f"{_MUTED}margin:0 0 6px 0;font-size:15px;line-height:22px;",
    "footer_cell": f"padding:20px 24px 24px 24px;background-color:{_C['page']};border-top:1px solid {_C['rule']};",
    "footer_p": f"{_MUTED}margin:0 0 10px 0;font-size:14px;line-height:21px;",
    "footer_sender": f"{_BASE}margin:0 0 10px 0;font-size:14px;line-height:21px;font-weight:bold;",
    "link": f"color:{_C['link']};text-decoration:underline;",
}

#: Styles for the tags the Markdown sanitiser can produce in the introduction.
INTRO_STYLES = {
    "p": f"{_BASE}margin:0 0 16px 0;font-size:16px;line-height:24px;",
    "a": STYLES["link"],
    "ul": f"{_BASE}margin:0 0 16px 0;padding:0 0 0 24px;font-size:16px;line-height:24px;",
    "ol": f"{_BASE}margin:0 0 16px 0;padding:0 0 0 24px;font-size:16px;line-height:24px;",
    "li": f"{_BASE}margin:0 0 4px 0;",
    "strong": "font-weight:bold;",
    "em": "font-style:italic;",
    "h2": f"{_BASE}margin:0 0 12px 0;font-size:21px;line-height:28px;font-weight:bold;",
    "h3": f"{_BASE}margin:0 0 10px 0;font-size:18px;line-height:25px;font-weight:bold;",
    "h4": f"{_BASE}margin:0 0 8px 0;font-size:16px;line-height:24px;font-weight:bold;",
    "h5": f"{_BASE}margin:0 0 8px 0;font-size:16px;line-height:24px;font-weight:bold;",
    "h6": f"{_BASE}margin:0 0 8px 0;font-size:16px;line-height:24px;font-weight:bold;",
    "blockquote": f"{_BASE}margin:0 0 16px 0;padding:0 0 0 12px;border-left:3px solid {_C['rule']};",
    "code": "font-family:Consolas,Menlo,monospace;font-size:15px;",
    "pre": f"margin:0 0 16px 0;padding:8px;background-color:{_C['page']};white-space:pre-wrap;",
    "hr": f"border:0;border-top:1px solid {_C['rule']};margin:16px 0;",
    "table": "border-collapse:collapse;margin:0 0 16px 0;",
    "th": f"{_BASE}padding:4px 8px;border:1px solid {_C['rule']};text-align:left;",
    "td": f"{_BASE}padding:4px 8px;border:1px solid {_C['rule']};",
}

#: Text lines are wrapped at this width (URLs are never broken).
TEXT_WIDTH = 72


def default_section_title(kind: str):
    """The title a section of this kind gets when the editor leaves it empty (lazy, Dutch source)."""
    return SECTION_TITLES.get(kind, SECTION_TITLES["custom"])


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class ItemView:
    kind: str
    title: str
    teaser: str
    url: str
    #: The content's language when it differs from the rendering language (for a ``lang`` attribute).
    lang: str | None
    changed: bool
    #: The meeting's start in Amsterdam time, in the rendering language ("" when not a meeting).
    when: str
    location: str


@dataclass(frozen=True)
class SectionView:
    id: int | None
    kind: str
    title: str
    #: The title's language when the editor's own title differs from the rendering language.
    lang: str | None
    targeted: bool
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class IssueView:
    """What an issue shows in one language for one set of sections; both renderings (and the archive
    page, if it likes) are made from it."""

    language: str
    number: int | None
    subject: str
    #: The subject's language when the editor's text differs from the rendering language.
    subject_lang: str | None
    issue_date: str
    intro_html: Markup
    intro_text: str
    intro_lang: str | None
    sections: tuple[SectionView, ...]


def _parse_start(value) -> datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _other(content_language: str | None, language: str) -> str | None:
    return content_language if content_language and content_language != language else None


def prepare_issue(snapshot: dict, language: str, section_ids=None) -> IssueView:
    """The snapshot as shown in ``language``: default titles translated, dates in Amsterdam time,
    only the sections in ``section_ids`` (None: all), and no empty sections."""
    wanted = None if section_ids is None else set(section_ids)
    source_language = snapshot.get("language") or "nl"
    with force_locale(language):
        sections = []
        for section in snapshot.get("sections") or []:
            if wanted is not None and section.get("id") not in wanted:
                continue
            items = tuple(
                ItemView(
                    kind=item.get("kind", ""),
                    title=(item.get("title") or "").strip() or item.get("url", ""),
                    teaser=(item.get("teaser") or "").strip(),
                    url=item.get("url", ""),
                    lang=_other(item.get("language"), language),
                    changed=bool(item.get("changed")),
                    when=datetime_filter(_parse_start(item.get("starts_at"))),
                    location=(item.get("location") or "").strip(),
                )
                for item in section.get("items") or []
            )
            if not items:
                continue
            own_title = (section.get("title") or "").strip()
            sections.append(SectionView(
                id=section.get("id"),
                kind=section.get("kind", "custom"),
                title=own_title or str(default_section_title(section.get("kind", "custom"))),
                lang=_other(source_language, language) if own_title else None,
                targeted=bool(section.get("sectors") or section.get("regions")),
                items=items,
            ))
        own_subject = (snapshot.get("subject") or "").strip()
        number = snapshot.get("number")
        intro = (snapshot.get("intro") or "").strip()
        return IssueView(
            language=language,
            number=number,
            subject=own_subject or _("Nieuwsbrief %(number)s", number=number),
            subject_lang=_other(source_language, language) if own_subject else None,
            issue_date=date_filter(_parse_date(snapshot.get("issue_date")), DATE_FORMAT),
            intro_html=style_intro(render_markdown(intro)),
            intro_text=intro,
            intro_lang=_other(source_language, language) if intro else None,
            sections=tuple(sections),
        )


def render_issue(snapshot: dict, language: str, *, section_ids=None, web_url: str, unsubscribe_url: str,
                 preferences_url: str) -> Rendered:
    """The issue as e-mail in ``language``. ``section_ids``: the sections this recipient gets (None:
    all). The links may be placeholders such as ``[[unsubscribe_url]]``: they come out unchanged in
    both parts, to be filled in per recipient."""
    view = prepare_issue(snapshot, language, section_ids)
    context = {"issue": view, "s": {k: Markup(v) for k, v in STYLES.items()}, "web_url": web_url,
               "unsubscribe_url": unsubscribe_url, "preferences_url": preferences_url,
               "text_width": TEXT_WIDTH}
    with force_locale(language):
        html = render_template("newsletter/email/issue.html", **context)
        text = render_template("newsletter/email/issue.txt", **context)
    return Rendered(subject=view.subject, html=html, text=_tidy_text(text))


def _tidy_text(text: str) -> str:
    """No trailing spaces, at most one empty line in a row, one final newline."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


class _IntroStyler(HTMLParser):
    """Copies sanitised HTML, adding inline styles and moving headings so they follow the h1 of the
    issue without skipping a level (a "####" right after the subject becomes an h2)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.previous_level = 1
        self.open_headings: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self._start(tag, attrs, closed=False))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._start(tag, attrs, closed=True))

    def _start(self, tag, attrs, *, closed: bool) -> str:
        if re.fullmatch(r"h[1-6]", tag):
            level = max(2, min(int(tag[1]), self.previous_level + 1))
            self.previous_level = level
            tag = f"h{level}"
            self.open_headings.append(tag)
        attrs = [(name, value) for name, value in attrs if name not in ("style", "class")]
        if tag in INTRO_STYLES:
            attrs.append(("style", INTRO_STYLES[tag]))
        rendered = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        return f"<{tag}{rendered}{' /' if closed else ''}>"

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self.open_headings:
            tag = self.open_headings.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


def style_intro(html: str) -> Markup:
    """Inline styles on sanitised intro HTML (the output of ``render_markdown``), headings from h2."""
    if not html:
        return Markup("")
    styler = _IntroStyler()
    styler.feed(str(html))
    styler.close()
    return Markup("".join(styler.out))
