"""Atom 1.0 feeds (feedgen): one place for what every feed of the platform has in common, so the
package feed and the newsletter archive feed cannot drift apart (ids, links, language, XML-safe text)."""

import re
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

#: Characters XML 1.0 does not allow; feedgen (lxml) refuses text that holds one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text) -> str:
    return _NOT_XML.sub("", str(text or ""))


@dataclass(frozen=True)
class Entry:
    #: The entry's id is a tag URI built from this and ``created``: it stays the same when the title (and so
    #: the page address) changes.
    tag: str
    created: datetime
    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str | None = None
    author: str | None = None


def atom_response(*, feed_endpoint: str, page_endpoint: str, title: str, subtitle: str,
                  entries: list[Entry], headers: dict | None = None) -> Response:
    """The feed at ``url_for(feed_endpoint)`` for the page ``url_for(page_endpoint)``; ``entries`` newest first."""
    site = _("Leercirkels banenafspraak")
    host = request.host.split(":")[0] or "localhost"
    fg = FeedGenerator()
    fg.id(url_for(feed_endpoint, _external=True))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.author({"name": site})
    fg.link(href=url_for(feed_endpoint, _external=True), rel="self", type="application/atom+xml")
    fg.link(href=url_for(page_endpoint, _external=True), rel="alternate", type="text/html")
    fg.generator(site)
    fg.language(str(get_locale() or "nl"))
    if entries:
        fg.updated(max(entry.updated for entry in entries))
    for item in reversed(entries):  # feedgen puts the entry added last on top
        entry = fg.add_entry()
        entry.id(f"tag:{host},{item.created:%Y-%m-%d}:{item.tag}")
        entry.title(xml_text(item.title))
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.published)
        entry.updated(item.updated)
        if item.summary:
            entry.summary(xml_text(item.summary))
        if item.author:
            entry.author({"name": xml_text(item.author)})
    response = Response(fg.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")
    response.headers.update(headers or {})
    response.vary.add("Accept-Language")
    return response
