"""What is new on the platform, asked once for every reader of it (the newsletter composer first).

Each feature registers a ``Source`` for its public content (packages, cases, meeting summaries,
upcoming regional meetings, news). A source answers two questions: what became public or changed
in a period (``recent``), and what a set of its items looks like now (``lookup``; an item missing
from the answer is no longer public). The ``fingerprint`` of an item changes whenever what a reader
was told about it changes, so a caller can tell "already told" from "changed since".
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, has_request_context, url_for


@dataclass(frozen=True)
class Item:
    kind: str
    object_id: int
    title: str
    teaser: str
    #: Absolute, built on BASE_URL (the public address), never on the host of the current request.
    url: str
    fingerprint: str
    #: When it was published or last changed (meetings: when they were scheduled or last changed).
    happened_at: datetime
    language: str = "nl"
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    starts_at: datetime | None = None
    location: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    #: Items that became public or changed in (since, until]; for ``upcoming`` sources: items that
    #: take place in (since, until] (e.g. the next six weeks).
    recent: Callable[[datetime | None, datetime], list[Item]]
    #: The current public state of some items by id; missing ids are no longer public.
    lookup: Callable[[Iterable[int]], dict[int, Item]]
    upcoming: bool = False
    #: Lower comes first when a caller lists kinds (packages before news).
    order: int = 50
    extra: dict = field(default_factory=dict)


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    if source.kind in _sources and _sources[source.kind] != source:
        raise RuntimeError(f"activity source {source.kind!r} registered twice")
    _sources[source.kind] = source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.order)


def source(kind: str) -> Source:
    return _sources[kind]


def lookup(kind: str, ids: Iterable[int]) -> dict[int, Item]:
    ids = list(ids)
    return _sources[kind].lookup(ids) if ids and kind in _sources else {}


def fingerprint(*parts) -> str:
    """A short stable hash of what a reader is told about an item."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def public_url(endpoint: str, **values) -> str:
    """An absolute link on the configured public address (BASE_URL), also outside a request."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base):
        return base + url_for(endpoint, **values)
