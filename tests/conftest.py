"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when CIRCLES_TEST_DATABASE_URL is set),
a real local SMTP server, factories and log-in helpers. CSRF stays on: helpers read the token from
the page, as a browser would."""

import asyncio
import collections
import contextlib
import contextvars
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient

from circles import create_app
from circles.accounts import services as account_services
from circles.accounts.models import Organisation, Role, User
from circles.core.db import db
from circles.reference.models import Municipality
from circles.reference.services import load_reference_data

ROOT = Path(__file__).resolve().parents[1]


def _database_for_this_worker(url: str | None) -> str | None:
    """With pytest-xdist each worker gets its own PostgreSQL database (made here, from the admin
    connection scripts/with-postgres.sh exports), so the per-test truncation of one worker never
    empties another's tables. SQLite needs nothing: every test has its own file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _slash, name = url.rpartition("/")
    worker_name = f"{name}_{worker}"
    admin = os.environ.get("CIRCLES_PG_ADMIN_URL") or f"{base}/postgres"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{worker_name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{worker_name}"'))
    engine.dispose()
    return f"{base}/{worker_name}"


PG_URL = _database_for_this_worker(os.environ.get("CIRCLES_TEST_DATABASE_URL"))
PASSWORD = "correct horse battery staple"


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL.rsplit('@', 1)[-1] if PG_URL else 'SQLite (a fresh file per test)'}"


# --- translations ----------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The app reads compiled .mo files; compile them when older than the .po, so `pytest` alone works
    too. One process at a time (pytest-xdist workers), and never while they are up to date, so no
    worker reads a catalogue another one is writing."""
    import fcntl
    import tempfile

    translations = ROOT / "circles" / "translations"
    with open(Path(tempfile.gettempdir()) / "circles-tests-babel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stale = [po for po in translations.glob("*/LC_MESSAGES/messages.po")
                 if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
        if stale:
            subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "compile", "-d",
                            str(translations)], check=True)


# --- mail: a real SMTP server on loopback ---------------------------------------------------------

class MailCapture:
    """aiosmtpd handler that keeps every message it accepts, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        #: Recipient address -> SMTP reply, to simulate refusals (e.g. "550 no such user").
        self.refuse: dict[str, str] = {}
        #: Recipient address -> replies given to its next RCPT commands, one per attempt, then accepted
        #: (e.g. ["451 4.2.2 try later"]: refused the first time only).
        self.script: dict[str, list[str]] = {}
        #: Recipient address -> SMTP reply to the message data (refused after DATA; not kept).
        self.refuse_data: dict[str, str] = {}
        #: Called as ``on_data(count, message, server)`` after message number ``count`` was kept (``message``
        #: is None when ``parse`` is off) and before it is answered: e.g. to kill the sender, or to drop the
        #: connection, at that moment.
        self.on_data = None
        #: When set, DATA is not answered until ``hold()`` is true (at most 30 s), without blocking others.
        self.hold = None
        #: The client addresses (host, port) seen at RCPT: one per SMTP connection.
        self.peers: set = set()
        #: The envelope recipients of every message accepted, in order (also when ``parse`` is off).
        self.recipients: list[str] = []
        #: How many messages were accepted.
        self.accepted = 0
        #: False: keep only ``recipients``, not the parsed messages (thousands of messages, faster).
        self.parse = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.peers.add(session.peer)
        if self.script.get(address):
            return self.script[address].pop(0)
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default) if self.parse else None
        with self.lock:
            if msg is not None:
                self.messages.append(msg)
            self.recipients.extend(envelope.rcpt_tos)
            self.accepted += 1
            count = self.accepted
        if self.on_data is not None:
            self.on_data(count, msg, server)
        if self.hold is not None:
            for _ in range(3000):
                if self.hold():
                    break
                await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def per_recipient(self) -> collections.Counter:
        """How many messages each address received (envelope recipients)."""
        return collections.Counter(self.recipients)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(msg) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(msg) -> str:
        return msg.get_body(preferencelist=("html",)).get_content()

    def links(self, msg) -> list[str]:
        return re.findall(r"https?://\S+", self.text(msg))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    capture = MailCapture()
    controller = Controller(capture, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> MailCapture:
    capture = smtp_server.handler
    capture.messages.clear()
    capture.refuse.clear()
    capture.script.clear()
    capture.refuse_data.clear()
    capture.on_data = capture.hold = None
    capture.peers.clear()
    capture.recipients.clear()
    capture.accepted = 0
    capture.parse = True
    return capture


# --- database --------------------------------------------------------------------------------------

def _config(uri: str, smtp_port: int) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_BACKEND": "smtp",
        "SERVER_NAME": None,
        # Still scrypt, at a cost that keeps hundreds of test accounts fast.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def _reference_tables() -> set[str]:
    return {t.name for t in db.metadata.sorted_tables if t.info.get("reference")}


@pytest.fixture(scope="session")
def template_database(tmp_path_factory, smtp_server):
    """The schema and reference data, built once; each test gets a copy (SQLite) or a truncation (PG)."""
    if PG_URL:
        app = create_app(_config(PG_URL, smtp_server.port))
        with app.app_context():
            db.drop_all()
            db.create_all()
            with db.engine.begin() as conn:
                load_reference_data(conn)
            db.engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(_config(f"sqlite:///{path}", smtp_server.port))
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            load_reference_data(conn)
        db.engine.dispose()
    return path


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context, so it pushes its own app context (as in production)
    instead of sharing the test's ``g`` (cached locale, cached user). The test's own session is
    committed around each request so that both sides see the other's writes."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response


@pytest.fixture
def app(template_database, tmp_path, smtp_server):
    if PG_URL:
        uri = PG_URL
    else:
        path = tmp_path / "circles.db"
        shutil.copyfile(template_database, path)
        uri = f"sqlite:///{path}"
    app = create_app({**_config(uri, smtp_server.port), "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    app.test_client_class = IsolatedClient
    with in_context_then_emptied(app):
        yield app


@contextlib.contextmanager
def in_context_then_emptied(app):
    """The test runs in the app's context; afterwards its PostgreSQL tables are emptied (one database per
    worker, shared by its tests; a SQLite file is thrown away with tmp_path) and its connections closed."""
    with app.app_context():
        yield app
        db.session.remove()
        if PG_URL:
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in _reference_tables()]
            tables.append("search_documents")  # circles.core.search: not a db.metadata table
            with db.engine.begin() as conn:
                # a connection the test left in a transaction holds locks the truncation waits for: fail here
                conn.execute(sa.text("SET LOCAL lock_timeout = '60s'"))
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------------------

@pytest.fixture
def create_org(app):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, sector: str = "gemeenten", municipality: str = "Rotterdam") -> Organisation:
        mid = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == municipality))
        org = account_services.create_organisation(name or f"Organisatie {next(counter)}", sector, mid)
        db.session.commit()
        return org

    return make


@pytest.fixture
def create_user(app, create_org):
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, *, name: str | None = None, role: Role = Role.MEMBER,
             org: Organisation | None = None, password: str = PASSWORD, locale: str = "nl") -> User:
        n = next(counter)
        user = account_services.register_user(
            name=name or f"Lid {n}", email=email or f"lid{n}@example.org", password=password,
            function="projectleider", organisation=org or create_org(), locale=locale,
        )
        user.role = role
        db.session.commit()
        return user

    return make


# --- HTTP helpers ----------------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """POST like a browser: fetch the page with the form (``page``, default ``url``) for its token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **extra):
        return post_form(self.client, "/account/inloggen", {"email": email, "password": password, **extra})

    def logout(self):
        return post_form(self.client, "/account/uitloggen", {}, page="/")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client, auth, create_user):
    """Create a user with ``role`` and log the test client in as them."""

    def make(role: Role = Role.MEMBER, **kwargs) -> User:
        user = create_user(role=role, **kwargs)
        response = auth.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return make


# --- counting SQL queries ------------------------------------------------------------------------

class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: client.get(...)`` then ``len(q)``: statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


def statements_before_and_after(client, count_queries, url: str, grow) -> tuple[int, int]:
    """The statements a GET of ``url`` sends, with little data (``grow(1)``) and with more (``grow(8)``): a page
    whose work does not grow with the data gives the same two numbers. ``url`` is made before counting (an
    expired object's attribute in it would be a statement of the test's own)."""
    counts = []
    for n in (1, 8):
        grow(n)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(len(counted))
    return counts[0], counts[1]
