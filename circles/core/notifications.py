"""Kinds of e-mail notification a person can switch off in their profile.

Features register their kinds; the profile page lists them; senders ask ``wants`` before queueing.
"""

from flask_babel import LazyString

KINDS: dict[str, LazyString] = {}


def register(kind: str, label: LazyString) -> None:
    KINDS[kind] = label


def wants(user, kind: str) -> bool:
    """True unless the person switched this kind of e-mail off."""
    return kind not in (user.muted_notifications or [])
