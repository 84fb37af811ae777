"""Derived figures kept in the process for a short while: totals and counts that many readers ask for and that
change only when certain tables change.

A namespace names the tables its values are derived from (``watch``). Any change to those tables through the
ORM session of this process (objects flushed, or INSERT/UPDATE/DELETE statements executed through the session)
clears the namespace at once, and again after the commit (a reader in another thread between the flush and the
commit may have stored a value without the change). Changes made by another app server cannot be seen here: a
value is used for at most ``CACHE_SECONDS`` (config; 0 turns the cache off), which bounds how long another
server shows the old figure. Values are per app (``app.extensions``), so every test starts empty.

Callers must not change the values they get back: the same objects go to every reader.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

#: namespace -> names of the tables its values are derived from
_watched: dict[str, set[str]] = {}
#: At most this many values per namespace (the oldest go first).
MAX_ENTRIES = 1000


#: ``watch(namespace, EVERY_TABLE)``: the values may show anything in the database.
EVERY_TABLE = "*"


def watch(namespace: str, *tables: str) -> None:
    """Declare that the values of ``namespace`` are derived from ``tables`` (names, or ``EVERY_TABLE``)."""
    _watched.setdefault(namespace, set()).update(tables)


def _store(namespace: str) -> OrderedDict:
    return current_app.extensions.setdefault("circles_cache", {}).setdefault(namespace, OrderedDict())


def clear(namespace: str | None = None) -> None:
    """Forget the values of ``namespace`` (or of every namespace) in this app."""
    if not has_app_context():
        return
    stores = current_app.extensions.get("circles_cache", {})
    for name in [namespace] if namespace else list(stores):
        stores.get(name, OrderedDict()).clear()


def enabled() -> bool:
    return bool(current_app.config.get("CACHE_SECONDS", 0))


def lookup(namespace: str, key: Hashable):
    """The value stored under ``key`` and not yet too old, or None."""
    hit = _store(namespace).get(key) if enabled() else None
    return hit[1] if hit is not None and hit[0] > time.monotonic() else None


def keep(namespace: str, key: Hashable, value, max_entries: int = MAX_ENTRIES) -> None:
    """Store ``value`` for ``CACHE_SECONDS``; the oldest values go first beyond ``max_entries``."""
    if not enabled():
        return
    store = _store(namespace)
    store[key] = (time.monotonic() + current_app.config["CACHE_SECONDS"], value)
    store.move_to_end(key)
    while len(store) > max_entries:
        store.popitem(last=False)


def cached(namespace: str, key: Hashable, compute: Callable):
    """The value stored under ``key``, or ``compute()`` stored for ``CACHE_SECONDS``."""
    if not enabled():
        return compute()
    value = lookup(namespace, key)
    if value is None:
        value = compute()
        keep(namespace, key, value)
    return value


def _clear_for(session, tables: set[str]) -> None:
    hit = [name for name, watched in _watched.items() if watched & tables or EVERY_TABLE in watched]
    if hit:
        session.info.setdefault("cache_changed", set()).update(hit)
        for name in hit:
            clear(name)


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    tables = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        if table is not None:
            tables.add(table.name)
    if tables:
        _clear_for(session, tables)


@sa.event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            _clear_for(state.session, {name})


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    for name in session.info.pop("cache_changed", ()):
        clear(name)
