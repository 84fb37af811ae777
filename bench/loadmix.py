"""The workload shared by the load test (``bench.stress``) and the two-server test
(tests/production/test_two_servers.py): a seeded world, a browser-like HTTP client, simulated users
doing a realistic mix, a ledger of every write that got a success response, and the check that each of
those writes is in the database afterwards.

Only the standard library and lxml (a test dependency) are used, so the same code runs from pytest and
from ``python -m bench.stress``. Everything talks to loopback only.
"""

import http.cookiejar
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "belasting-proef-2026"
#: Cheap but real scrypt: fifty log-ins must not dominate a sixty-second run.
CHEAP_HASH = "scrypt:1024:8:1"
SEARCH_WORDS = ("post", "archief", "conciërge", "facilitair", "werkpakket", "groen", "catering", "zzz-niets")
#: A tiny but valid PDF: what attachments accept (the app checks the content, not the name).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# --- processes -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict:
    """The environment a production server gets: config only through environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIRCLES_", "PYTEST_"))}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": "stress-secret-key-shared-by-all-servers",
                "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "9", "FLASK_APP": "circles",
                "BASE_URL": "http://127.0.0.1:5000"})
    env.update(extra)
    return env


def flask(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a ``flask --app circles ...`` command as cron or an operator would."""
    command = [str(Path(sys.executable).parent / "flask"), "--app", "circles", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


class Gunicorn:
    """One gunicorn server on loopback, started as production would (``gunicorn 'wsgi:app'``)."""

    def __init__(self, env: dict, *, workers: int = 2, threads: int = 1, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "--threads", str(threads),
                   "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"]
        self.log = open(log or os.devnull, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_ready(self, seconds: float = 30) -> None:
        """Until /healthz answers (the database is reachable from the workers)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not become ready")

    def stop(self) -> None:
        """Stop the server and its workers (its own process group only)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


# --- the world -------------------------------------------------------------------------------------

@dataclass
class Person:
    user_id: int
    email: str
    circle_slug: str
    own_meeting: int  # a meeting whose minutes this person writes
    packages: list[int]  # packages of this person's organisation (they may edit them)


@dataclass
class World:
    people: list[Person]
    circles: dict[str, int]  # slug -> id
    meetings: list[int]  # upcoming meetings (RSVP); each person answers those of circles they are in
    meeting_circle: dict[int, str]
    packages: list[int]
    open_circles: set[str] = field(default_factory=set)


def seed_world(app, users: int, circles: int = 8) -> World:
    """A small national network: ``users`` people in pairs per organisation, ``circles`` public circles
    (half open, half on request), three upcoming meetings per circle, a minutes meeting per person and two
    published packages per organisation. Called inside ``app.app_context()`` on a migrated database."""
    import sqlalchemy as sa

    from circles.accounts import services as accounts
    from circles.accounts.models import Role
    from circles.core.db import db, utcnow
    from circles.groups import services as circle_services
    from circles.groups.models import Membership, MembershipState
    from circles.meetings.models import Meeting
    from circles.reference.models import Municipality
    from circles.workpackages import services as package_services
    from circles.workpackages.models import Status

    mid = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Utrecht"))
    tag = secrets.token_hex(3)  # several worlds may live in one database (repeated runs)
    boss_org = accounts.create_organisation(f"Landelijk bureau {tag}", "rijk", mid)
    boss = accounts.register_user(name="Coördinator Belasting", email=f"coordinator.{tag}@example.org",
                                  password=PASSWORD, function="coördinator", organisation=boss_org, locale="nl")
    boss.role = Role.COORDINATOR
    made = []
    for n in range(circles):
        made.append(circle_services.create_circle(
            boss, name=f"Leercirkel {tag} {n + 1}", description="Werkgevers delen **werkpakketten**.", goals="",
            sector_codes=["gemeenten"], region_codes=[], visibility="public",
            join_policy="open" if n % 2 == 0 else "request"))
    db.session.flush()
    start = (utcnow() + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)
    meetings: dict[int, list[Meeting]] = {}
    for n, circle in enumerate(made):
        meetings[circle.id] = []
        for k in range(3):
            when = start + timedelta(days=7 * k + n)
            meeting = Meeting(title=f"Bijeenkomst {n + 1}.{k + 1}", circle=circle, starts_at=when,
                              ends_at=when + timedelta(hours=2), location_name="Stadhuis", capacity=12,
                              created_by_id=boss.id)
            db.session.add(meeting)
            meetings[circle.id].append(meeting)
    content = {"summary": "Post sorteren en archief digitaliseren.", "setting": "post_archief",
               "hours_min": 12.0, "hours_max": 20.0, "sectors": ["gemeenten"], "instruments": ["loonkostensubsidie"],
               "licence": "CC-BY-4.0", "language": "nl",
               "tasks": [{"description": "Post sorteren", "frequency": "dagelijks", "hours_per_week": 8.0}]}
    people, org, org_packages = [], None, []
    for i in range(users):
        circle = made[i % circles]
        if i % 2 == 0:
            org = accounts.create_organisation(f"Gemeente Proef {tag} {i // 2 + 1}", "gemeenten", mid)
        user = accounts.register_user(name=f"Gebruiker {i + 1}", email=f"gebruiker{i + 1}.{tag}@example.org",
                                      password=PASSWORD, function="projectleider", organisation=org, locale="nl")
        db.session.add(Membership(circle=circle, user=user, state=MembershipState.ACTIVE, joined_at=utcnow()))
        db.session.flush()
        if i % 2 == 0:
            org_packages = []
            for title in ("Medewerker post en archief", "Assistent-conciërge"):
                package = package_services.create_package(user, {**content, "title": f"{title} {i // 2 + 1}"},
                                                          circle=circle)
                package.status, package.visibility, package.published_at = (Status.PUBLISHED, "public",
                                                                            package.created_at)
                org_packages.append(package)
            db.session.flush()
        own = Meeting(title=f"Terugblik {i + 1}", circle=circle, starts_at=start + timedelta(days=3),
                      ends_at=start + timedelta(days=3, hours=1), created_by_id=boss.id, minutes_editor_id=user.id)
        db.session.add(own)
        db.session.flush()
        people.append(Person(user.id, user.email, circle.slug, own.id, [p.id for p in org_packages]))
    db.session.commit()
    return World(people=people, circles={c.slug: c.id for c in made},
                 meetings=[m.id for ms in meetings.values() for m in ms],
                 meeting_circle={m.id: c.slug for c in made for m in meetings[c.id]},
                 packages=sorted({p for person in people for p in person.packages}),
                 open_circles={c.slug for c in made if c.join_policy == "open"})


def db_dispose(app) -> None:
    """Close the seeding app's connections (a database is dropped, or a file removed, afterwards)."""
    from circles.core.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def seeding_app(database_url: str):
    """An app on ``database_url`` for seeding and checking, with the cheap password hash."""
    from circles import create_app
    from circles.config import normalise_database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, "SECRET_KEY": "seeding",
                       "PASSWORD_HASH_METHOD": CHEAP_HASH, "MAIL_BACKEND": "console"})


# --- a browser without a browser ------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 302 after a POST is the success signal: look at it instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    data: bytes
    location: str = ""
    seconds: float = 0.0
    started: float = 0.0  # time.monotonic() when it was sent
    retry_after: str = ""  # the Retry-After header of an error answer

    @property
    def body(self) -> str:
        return self.data.decode("utf-8", "replace")


class Stats:
    """Every request's status and latency, from all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []  # 5xx and transport errors: method, url, status, start of the body
        #: (sent at, status, body of a 5xx, Retry-After): to tell what happened during a fault from after it.
        self.timeline: list[tuple[float, int, str, str]] = []

    def add(self, method: str, url: str, reply: Reply) -> None:
        with self.lock:
            self.statuses[reply.status] += 1
            self.latencies.append(reply.seconds)
            self.timeline.append((reply.started, reply.status, reply.body if reply.status >= 500 else "",
                                  reply.retry_after))
            if reply.status >= 500 or reply.status == 0:
                self.errors.append(f"{method} {url} -> {reply.status}: {reply.body[:300]!r}")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile ``p`` (0-100)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


class Browser:
    """One person's cookie session against one or more servers (``base`` can change between calls)."""

    def __init__(self, base: str, stats: Stats | None = None, timeout: float = 30):
        self.base = base
        self.stats = stats
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Reply:
        url = self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        started, sent_at = time.perf_counter(), time.monotonic()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                reply = Reply(response.status, response.read())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read(), error.headers.get("Location", ""),
                          retry_after=error.headers.get("Retry-After", ""))
        except OSError as error:  # refused, reset, timed out: counted as a failure like a 5xx
            reply = Reply(0, f"{type(error).__name__}: {error}".encode())
        reply.seconds, reply.started = time.perf_counter() - started, sent_at
        if self.stats is not None:
            self.stats.add(method, url, reply)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def submit(self, page: str, action: str, changes: dict | None = None, files: dict | None = None,
               reply: Reply | None = None) -> Reply:
        """Fill in the form whose action ends with ``action`` on ``page`` like a browser (its current
        values, its CSRF token), apply ``changes`` and post it. A page that is not 200 is returned as is."""
        reply = reply or self.get(page)
        if reply.status != 200:
            return reply
        document = lxml.html.fromstring(reply.body)
        forms = [f for f in document.forms if (f.get("action") or page).split("#")[0].endswith(action)]
        if not forms:
            return Reply(-1, f"no form for {action} on {page}".encode())
        values = [(k, v) for k, v in forms[0].form_values() if k not in (changes or {})]
        values += list((changes or {}).items())
        if files:
            body, content_type = _multipart(values, files)
        else:
            body, content_type = urllib.parse.urlencode(values).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", forms[0].get("action") or page, body, {"Content-Type": content_type})

    def login(self, email: str, password: str = PASSWORD) -> Reply:
        return self.submit("/account/inloggen", "/account/inloggen", {"email": email, "password": password})


def _multipart(values: list[tuple[str, str]], files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in values:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, mimetype) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {mimetype}\r\n\r\n")
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the ledger and the check afterwards ------------------------------------------------------------

@dataclass
class Ledger:
    """Every write that got a success response, to look for in the database afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    rsvps: dict = field(default_factory=dict)  # (user id, meeting id) -> the last answer that succeeded
    joins: set = field(default_factory=set)  # (user id, circle id)
    edits: list = field(default_factory=list)  # (package id, marker)
    minutes: list = field(default_factory=list)  # (meeting id, marker)
    uploads: list = field(default_factory=list)  # (package id, file name)
    refused: Counter = field(default_factory=Counter)  # writes answered with a clean 4xx (conflicts, full...)

    @property
    def writes(self) -> int:
        """Successful writes (each RSVP success counts, also when a later one replaced it)."""
        return self.rsvp_count + len(self.joins) + len(self.edits) + len(self.minutes) + len(self.uploads)

    rsvp_count: int = 0

    def record(self, kind: str, key, value=None) -> None:
        with self.lock:
            if kind == "rsvp":
                self.rsvps[key] = value
                self.rsvp_count += 1
            elif kind == "join":
                self.joins.add(key)
            else:
                getattr(self, kind).append(key)


def lost_writes(app, ledger: Ledger) -> list[str]:
    """Each write in the ledger that the database does not show; empty when nothing was lost."""
    import sqlalchemy as sa

    from circles.core.db import db
    from circles.core.revisions import Revision
    from circles.groups.models import Membership
    from circles.meetings.models import Minutes, Rsvp
    from circles.workpackages.models import Attachment

    lost = []
    with app.app_context():
        answers = {(r.user_id, r.meeting_id): r.answer for r in db.session.execute(
            sa.select(Rsvp.user_id, Rsvp.meeting_id, Rsvp.answer))}
        lost += [f"rsvp {key}: {want}, found {answers.get(key)}" for key, want in ledger.rsvps.items()
                 if answers.get(key) != want]
        members = set(db.session.execute(sa.select(Membership.user_id, Membership.circle_id)).all())
        lost += [f"join {key}" for key in ledger.joins if key not in members]
        texts: dict = {}
        for kind, object_id, content in db.session.execute(
                sa.select(Revision.object_type, Revision.object_id, Revision.content)
                .where(Revision.object_type.in_(["package", "minutes"]))):
            texts.setdefault((kind, object_id), []).append(str(content))
        lost += [f"package edit {pid} {marker}" for pid, marker in ledger.edits
                 if not any(marker in t for t in texts.get(("package", pid), []))]
        minutes_of = dict(db.session.execute(sa.select(Minutes.meeting_id, Minutes.id)).all())
        lost += [f"minutes {mid} {marker}" for mid, marker in ledger.minutes
                 if not any(marker in t for t in texts.get(("minutes", minutes_of.get(mid)), []))]
        files = set(db.session.execute(sa.select(Attachment.package_id, Attachment.filename)).all())
        lost += [f"upload {key}" for key in ledger.uploads if key not in files]
        db.session.remove()
    return lost


# --- simulated users ---------------------------------------------------------------------------------

class User:
    """One simulated person: logs in once, then does the mix until told to stop. ``servers``: the base
    URLs to spread requests over (two servers: each request may go to either)."""

    #: (action, weight): mostly reading, as people do.
    MIX = (("browse", 40), ("search", 20), ("rsvp", 15), ("join", 5), ("edit", 10), ("minutes", 10))

    def __init__(self, person: Person, world: World, servers: list[str], stats: Stats, ledger: Ledger, seed: int):
        self.person, self.world, self.servers = person, world, servers
        self.ledger, self.rng = ledger, random.Random(seed)
        self.browser = Browser(servers[0], stats)
        self.my_circles = {person.circle_slug}
        self.joinable = [s for s in world.circles if s != person.circle_slug]
        self.rng.shuffle(self.joinable)
        self.failures: list[str] = []  # unexpected answers (not 5xx: those are in Stats)

    def run(self, stop: threading.Event) -> None:
        self.browser.base = self.rng.choice(self.servers)
        reply = self.browser.login(self.person.email)
        if reply.status != 302:
            self.failures.append(f"log-in {self.person.email}: {reply.status}")
            return
        actions, weights = zip(*self.MIX, strict=True)
        while not stop.is_set():
            self.browser.base = self.rng.choice(self.servers)
            getattr(self, self.rng.choices(actions, weights)[0])()

    def _expect(self, what: str, reply: Reply, ok=(200,)) -> bool:
        if reply.status in ok:
            return True
        if 400 <= reply.status < 500 and reply.status not in (400, 403, 404):
            self.ledger.refused[f"{what} {reply.status}"] += 1  # a clean refusal: conflict, full, validation
            return False
        if reply.status < 500 and reply.status != 0:
            self.failures.append(f"{what}: unexpected {reply.status}")
        return False

    def browse(self) -> None:
        w = self.world
        page = self.rng.choice([
            "/", "/leercirkels", "/bijeenkomsten", "/werkpakketten", f"/leercirkels/{self.person.circle_slug}",
            f"/bijeenkomsten/{self.rng.choice(w.meetings)}", f"/werkpakketten/{self.rng.choice(w.packages)}",
            "/account/agenda", "/voortgang", "/nieuwsbrief/archief",
        ])
        self._expect(f"GET {page}", self.browser.get(page), ok=(200, 301, 302))

    def search(self) -> None:
        query = urllib.parse.urlencode({"q": self.rng.choice(SEARCH_WORDS)})
        self._expect("search", self.browser.get(f"/werkpakketten?{query}"))

    def rsvp(self) -> None:
        mine = [m for m in self.world.meetings if self.world.meeting_circle[m] in self.my_circles]
        meeting = self.rng.choice(mine)
        answer = self.rng.choice(["yes", "yes", "maybe", "no"])
        reply = self.browser.submit(f"/bijeenkomsten/{meeting}", f"/bijeenkomsten/{meeting}/aanmelden",
                                    {"answer": answer})
        if self._expect("rsvp", reply, ok=(302,)):
            self.ledger.record("rsvp", (self.person.user_id, meeting), answer)

    def join(self) -> None:
        if not self.joinable:
            return self.browse()
        slug = self.joinable.pop()
        reply = self.browser.submit(f"/leercirkels/{slug}/meedoen", f"/leercirkels/{slug}/meedoen",
                                    {"motivation": "Wij willen graag leren van andere werkgevers."})
        if self._expect("join", reply, ok=(302,)):
            self.ledger.record("join", (self.person.user_id, self.world.circles[slug]))
            if slug in self.world.open_circles:  # a member now; on request: pending (no answering there)
                self.my_circles.add(slug)

    def edit(self) -> None:
        package = self.rng.choice(self.person.packages)
        marker = f"m{secrets.token_hex(6)}"
        page = f"/werkpakketten/{package}/bewerken"
        reply = self.browser.submit(page, page, {"summary": f"Post sorteren en archief digitaliseren ({marker})."})
        if self._expect("edit", reply, ok=(302,)):
            self.ledger.record("edits", (package, marker))

    def minutes(self) -> None:
        meeting = self.person.own_meeting
        marker = f"n{secrets.token_hex(6)}"
        page = f"/bijeenkomsten/{meeting}/verslag"
        reply = self.browser.submit(page, page, {"body": f"## Besproken\nWerkpakketten en jobcarving ({marker})."})
        if self._expect("minutes", reply, ok=(302,)):
            self.ledger.record("minutes", (meeting, marker))


def run_users(world: World, servers: list[str], seconds: float, users: int | None = None,
              stats: Stats | None = None, ledger: Ledger | None = None) -> tuple[Stats, Ledger, list[str]]:
    """``users`` simulated people (default: everyone in the world) for ``seconds``, each in a thread."""
    stats, ledger = stats or Stats(), ledger or Ledger()
    people = world.people[: users or len(world.people)]
    crowd = [User(p, world, servers, stats, ledger, seed=n) for n, p in enumerate(people)]
    stop = threading.Event()
    threads = [threading.Thread(target=u.run, args=(stop,), daemon=True) for u in crowd]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    return stats, ledger, [f for u in crowd for f in u.failures]


def summary(stats: Stats) -> str:
    lat = stats.latencies
    return (f"{stats.requests} requests, 5xx {stats.server_errors}, p50 {stats.percentile(50):.0f} ms, "
            f"p99 {stats.percentile(99):.0f} ms, mean {1000 * statistics.fmean(lat) if lat else 0:.0f} ms")


# --- uploads -----------------------------------------------------------------------------------------

def upload(browser: Browser, package_id: int, filename: str, data: bytes = PDF) -> Reply:
    """Add ``data`` as an attachment to a package through its form, as an editor would."""
    page = f"/werkpakketten/{package_id}/bijlagen"
    return browser.submit(page, page, {"description": "Functieomschrijving"},
                          files={"file": (filename, data, "application/pdf")})


def download_link(browser: Browser, package_id: int, filename: str) -> str | None:
    """The download address of ``filename`` as the package page links it (None: not on the page)."""
    reply = browser.get(f"/werkpakketten/{package_id}")
    if reply.status in (301, 302):
        reply = browser.get(urllib.parse.urlsplit(reply.location).path)
    document = lxml.html.fromstring(reply.body)
    links = [a.get("href") for a in document.iter("a") if (a.get("href") or "").endswith("/" + filename)]
    return links[0] if links else None
