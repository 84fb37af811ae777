"""Fixtures for the fuzzers: an app without rate limits, and the route inventory's world in it.

``fuzz_app`` is the ``app`` of tests/conftest.py (a fresh database per test) with ``RATELIMIT_ENABLED=False``:
the fuzzers post hundreds of forms a minute to the log-in, registration and password-reset pages, and every
input must reach the form instead of a 429 page. (Other tests here keep the rate-limited ``app``.)

``fuzz_world`` is ``make_world()`` (tests/routes.py) in that database. On SQLite the world is built once per
test process and each test gets a copy of that database file and its uploads, which saves building it a hundred
times; on PostgreSQL (one database, emptied after each test) it is built per test."""

import dataclasses
import os
import shutil

import pytest
import sqlalchemy as sa
from hypothesis import settings

from circles import create_app
from circles.accounts.models import User
from circles.core.db import db
from tests.conftest import PG_URL, IsolatedClient, _config, in_context_then_emptied
from tests.routes import World, make_world

# The same inputs on every run (`make test`, CI): a failure can be replayed, and a run does not pass or fail
# by chance. `HYPOTHESIS_PROFILE=explore` draws new inputs each run, to look further (see the README).
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def _app(uri: str, smtp_port: int, uploads: str):
    app = create_app({**_config(uri, smtp_port), "UPLOAD_FOLDER": uploads, "RATELIMIT_ENABLED": False})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def world_database(template_database, tmp_path_factory, smtp_server):
    """SQLite: (database file, upload folder, how to find the world's objects again); None on PostgreSQL."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp("world")
    shutil.copyfile(template_database, folder / "world.db")
    app = _app(f"sqlite:///{folder / 'world.db'}", smtp_server.port, str(folder / "uploads"))
    with app.app_context():
        recipe = _recipe(make_world())
        db.session.remove()
        db.engine.dispose()
    return folder / "world.db", folder / "uploads", recipe


@pytest.fixture
def fuzz_app(template_database, world_database, tmp_path, smtp_server):
    """As ``app`` in tests/conftest.py, without rate limits (on SQLite: with the world already in it)."""
    uploads = tmp_path / "uploads"
    if PG_URL:
        uri = PG_URL
    else:
        database, world_uploads, _recipe = world_database
        shutil.copyfile(database, tmp_path / "circles.db")
        if world_uploads.exists():
            shutil.copytree(world_uploads, uploads)
        uri = f"sqlite:///{tmp_path / 'circles.db'}"
    app = _app(uri, smtp_server.port, str(uploads))
    with in_context_then_emptied(app):
        yield app


@pytest.fixture
def fuzz_world(fuzz_app, world_database) -> World:
    """The route inventory's world, in ``fuzz_app``'s database."""
    if world_database is None:
        return make_world()
    return _rebuild(world_database[2])


def _recipe(world: World) -> dict:
    """The world's fields, with each database object as its class and primary key."""
    recipe = {}
    for f in dataclasses.fields(world):
        value = getattr(world, f.name)
        if f.name == "_accounts":
            recipe[f.name] = ("accounts", {role: user.id for role, user in value.items()})
        elif hasattr(value, "__mapper__"):
            recipe[f.name] = ("row", (type(value), sa.inspect(value).identity))
        else:
            recipe[f.name] = ("value", value)
    return recipe


def _rebuild(recipe: dict) -> World:
    values = {}
    for name, (kind, value) in recipe.items():
        if kind == "accounts":
            values[name] = {role: db.session.get(User, user_id) for role, user_id in value.items()}
        elif kind == "row":
            values[name] = db.session.get(*value)
        else:
            values[name] = value
    return World(**values)
