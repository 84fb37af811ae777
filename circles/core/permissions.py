"""One place answers "may this user do this to this object".

Each feature registers one predicate per action (``@rule("circle.view")``); views call ``require``
and templates call ``can``: both ask the same predicate. Administrators may do everything, and a
child object (a meeting, a note, a package) answers by asking its circle's rule.
"""

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

Predicate = Callable[[Any, Any], bool]
_rules: dict[str, Predicate] = {}


def rule(action: str) -> Callable[[Predicate], Predicate]:
    """Register the predicate for ``action``; a second registration is a programming error."""

    def register(fn: Predicate) -> Predicate:
        if action in _rules and _rules[action] is not fn:
            raise RuntimeError(f"permission rule {action!r} registered twice")
        _rules[action] = fn
        return fn

    return register


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_administrator)


def can(user, action: str, obj: Any = None) -> bool:
    """True when ``user`` may do ``action`` (to ``obj``). Unknown actions are refused."""
    predicate = _rules.get(action)
    if predicate is None:
        raise KeyError(f"no permission rule for {action!r}")
    if is_admin(user):
        return True
    return bool(predicate(user, obj))


def require(action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may: 401 for anonymous users, else 403 (or 404 with ``hide``,
    for objects whose existence is itself private)."""
    if can(current_user, action, obj):
        return
    if hide:
        abort(404)
    if not current_user.is_authenticated:
        abort(401)
    abort(403)


def known_actions() -> list[str]:
    return sorted(_rules)


def template_can(action: str, obj: Any = None) -> bool:
    """``can(...)`` in templates, for the logged-in (or anonymous) reader."""
    return can(current_user, action, obj)
