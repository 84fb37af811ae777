"""Several app servers on one database (issue 8, item 3): two gunicorn servers, two workers each, share one
database (a database of its own on the run's PostgreSQL; in the SQLite run a WAL file in tmp_path, also one
database shared by processes). A mixed workload over both at once loses no write and gets no 5xx; a session
made on one server works on the other (signed cookies); an upload through one downloads through the other
(the configured storage, not a process's memory). The workload is bench/loadmix.py, shared with
``python -m bench.stress``."""

import os
import uuid

import pytest
import sqlalchemy as sa

from bench import loadmix
from tests.conftest import PG_URL
from tests.sample_files import pdf

SECONDS = 8
USERS = 8


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("two_servers")


@pytest.fixture(scope="module")
def database_url(tmp):
    """One database for both servers, nobody else's: its own database on the run's PostgreSQL server (never a
    per-worker test database, which the fixtures truncate), or a SQLite file in WAL mode."""
    if not PG_URL:
        yield f"sqlite:///{tmp / 'shared.db'}"
        return
    admin = sa.create_engine(os.environ.get("CIRCLES_PG_ADMIN_URL") or PG_URL.rsplit("/", 1)[0] + "/postgres",
                             isolation_level="AUTOCOMMIT")
    name = f"two_servers_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def shared(database_url, tmp):
    """The database migrated with ``flask db upgrade`` and seeded; the environment both servers get."""
    env = loadmix.app_env(database_url, UPLOAD_FOLDER=str(tmp / "uploads"))
    done = loadmix.flask(env, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    app = loadmix.seeding_app(database_url)
    with app.app_context():
        world = loadmix.seed_world(app, USERS, circles=4)
    loadmix.db_dispose(app)
    if database_url.startswith("sqlite"):
        with sa.create_engine(database_url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    yield app, env, world
    loadmix.db_dispose(app)


@pytest.fixture(scope="module")
def servers(shared, tmp):
    """Two gunicorn servers (two workers each) on their own loopback ports; stopped however the test ends."""
    _app, env, _world = shared
    started = []
    try:
        for n in (1, 2):
            started.append(loadmix.Gunicorn(env, workers=2, threads=2, log=tmp / f"gunicorn{n}.log"))
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def test_a_mixed_workload_over_two_servers_loses_no_write_and_gets_no_5xx(shared, servers):
    app, _env, world = shared
    stats, ledger, failures = loadmix.run_users(world, [s.url for s in servers], SECONDS, users=USERS)

    assert stats.server_errors == 0, stats.errors[:5]
    assert failures == []
    # Every kind of write happened, on both servers, and each one that got a success answer is stored.
    assert ledger.rsvp_count and ledger.joins and ledger.edits and ledger.minutes, ledger
    assert loadmix.lost_writes(app, ledger) == []


def test_a_session_made_on_one_server_works_on_the_other(shared, servers):
    _app, _env, world = shared
    first, second = servers
    browser = loadmix.Browser(first.url)
    assert browser.login(world.people[0].email).status == 302

    browser.base = second.url
    profile = browser.get("/account/profiel")
    assert profile.status == 200
    assert "Gebruiker 1" in profile.body


def test_an_upload_through_one_server_downloads_through_the_other(shared, servers):
    _app, _env, world = shared
    first, second = servers
    person = world.people[0]
    browser = loadmix.Browser(first.url)
    assert browser.login(person.email).status == 302
    data = pdf()

    stored = loadmix.upload(browser, person.packages[0], "functieomschrijving.pdf", data)
    assert stored.status == 302, stored.body[:500]

    reader = loadmix.Browser(second.url)  # anonymous: the package is public
    link = loadmix.download_link(reader, person.packages[0], "functieomschrijving.pdf")
    assert link is not None
    download = reader.get(link)
    assert download.status == 200
    assert download.data == data
