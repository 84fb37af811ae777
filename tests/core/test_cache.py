"""The process cache of derived figures (core.cache): a change made here clears it at once, a change made by
another app server shows after CACHE_SECONDS, and 0 turns it off."""

import sqlalchemy as sa

from circles.core import cache
from circles.core.db import db
from circles.groups.models import Circle

cache.watch("test_circle_count", "circles")


def _circle_count(calls: list) -> int:
    def compute():
        calls.append(1)
        return db.session.scalar(sa.select(sa.func.count()).select_from(Circle))
    return cache.cached("test_circle_count", "all", compute)


def test_a_value_is_reused_until_this_process_changes_a_table_it_comes_from(app, create_circle):
    calls = []
    assert _circle_count(calls) == 0 and _circle_count(calls) == 0
    assert len(calls) == 1
    circle = create_circle("Nieuw")
    assert _circle_count(calls) == 1 and len(calls) == 2
    # a bulk statement through the session clears it too
    db.session.execute(sa.delete(Circle).where(Circle.id == circle.id))
    db.session.commit()
    assert _circle_count(calls) == 0 and len(calls) == 3


def test_a_change_by_another_server_shows_once_the_value_has_expired(app, create_circle, monkeypatch):
    calls, clock = [], [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    create_circle("Eerste")
    assert _circle_count(calls) == 1
    with db.engine.begin() as other_server:  # not through this process's session: the cache cannot know
        other_server.execute(sa.text(
            "INSERT INTO circles (name, slug, description, goals, visibility, join_policy, status, created_at, "
            "updated_at) SELECT name, slug || '-2', description, goals, visibility, join_policy, status, "
            "created_at, updated_at FROM circles"))
    assert _circle_count(calls) == 1  # still the stored value
    clock[0] += app.config["CACHE_SECONDS"] - 1
    assert _circle_count(calls) == 1 and len(calls) == 1
    clock[0] += 2
    assert _circle_count(calls) == 2 and len(calls) == 2


def test_zero_seconds_turns_the_cache_off(app):
    app.config["CACHE_SECONDS"] = 0
    calls = []
    _circle_count(calls), _circle_count(calls)
    assert len(calls) == 2
