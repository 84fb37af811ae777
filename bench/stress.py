"""``python -m bench.stress``: load with nothing lost, and faults survived (issue 9, items 6 to 8).

(a) Load: gunicorn (``--workers`` x ``--threads``) on SQLite and on PostgreSQL, ``--users`` simulated people for
``--seconds`` doing the mix of bench/loadmix.py; zero 5xx and zero lost writes are required.
(b) Faults: PostgreSQL restarted during load (a clean 503, then recovery without restarting the app); the SMTP
server down during a newsletter send and during a reminder run (each message delivered exactly once when it is
back); upload storage that cannot be written (a clear error page, no record without its file).
(c) Writes bench/RELIABILITY.md and exits non-zero when any requirement fails.

Bounded and loopback only: every server it starts listens on 127.0.0.1 and is stopped at the end. Without
DATABASE_URL (a PostgreSQL URL) it starts a throw-away PostgreSQL itself, as scripts/with-postgres.sh does
(as root on these machines).
"""

import argparse
import ast
import asyncio
import collections
import email
import email.policy
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench import loadmix

ROOT = loadmix.ROOT
REPORT = ROOT / "bench" / "RELIABILITY.md"
FUZZ_FILE = ROOT / "tests" / "hostile" / "test_fuzz_forms.py"


# --- PostgreSQL, throw-away ----------------------------------------------------------------------------

class Postgres:
    """A PostgreSQL cluster in a temporary folder, run as the postgres user; stopped and removed at the end.
    ``restart`` is the fault: a real server stop and start under load."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bins[-1].parent
        self.port = loadmix.free_port()
        self.data = Path(tempfile.mkdtemp(prefix="circles-stress-pg."))
        self.runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.runas:
            shutil.chown(self.data, "postgres", "postgres")
        self.data.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.start()
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "circles"], check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/circles"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.runas, str(self.bin / tool), *args], check=True, capture_output=True)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "60", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c max_connections=200", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.data, ignore_errors=True)


# --- an SMTP sink that can go down ------------------------------------------------------------------------

class Sink:
    """A real SMTP server on loopback counting messages per recipient, per recipient and Message-ID (an outbox
    row delivered twice arrives twice with its one Message-ID) and per recipient and subject. ``fail_after``:
    after that many messages it answers 421 (closing) and goes down, like a server shut down in the middle of a
    run."""

    def __init__(self):
        self.port = loadmix.free_port()
        self.received: collections.Counter = collections.Counter()
        self.by_id: collections.Counter = collections.Counter()
        self.by_subject: collections.Counter = collections.Counter()
        self.accepted = 0
        self.fail_after: int | None = None
        self.controller: Controller | None = None
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fail_after is not None and self.accepted >= self.fail_after:
            threading.Thread(target=self.down, daemon=True).start()
            return "421 4.3.2 Service shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            self.by_id.update((rcpt, message["Message-ID"]) for rcpt in envelope.rcpt_tos)
            self.by_subject.update((rcpt, str(message["Subject"])) for rcpt in envelope.rcpt_tos)
            self.accepted += 1
        await asyncio.sleep(0)
        return "250 Message accepted for delivery"

    def up(self) -> None:
        self.fail_after = None
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def down(self) -> None:
        with self.lock:
            controller, self.controller = self.controller, None
        if controller is not None:
            controller.stop()


# --- (a) load ----------------------------------------------------------------------------------------------

def prepare(database_url: str, users: int, tmp: Path, **env_extra: str):
    """Migrate with ``flask db upgrade`` (as a deployment does), seed the world; the servers' environment."""
    env = loadmix.app_env(database_url, UPLOAD_FOLDER=str(tmp / "uploads"), **env_extra)
    done = loadmix.flask(env, "db", "upgrade")
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr}")
    app = loadmix.seeding_app(database_url)
    with app.app_context():
        world = loadmix.seed_world(app, users)
    loadmix.db_dispose(app)
    return app, env, world


def load_run(name: str, database_url: str, args, tmp: Path) -> dict:
    """Users for seconds against one gunicorn; the figures and the writes lost."""
    app, env, world = prepare(database_url, args.users, tmp)
    server = loadmix.Gunicorn(env, workers=args.workers, threads=args.threads, log=tmp / f"gunicorn-{name}.log")
    try:
        server.wait_ready()
        print(f"[{name}] {args.users} users for {args.seconds} s on {server.url}", flush=True)
        stats, ledger, failures = loadmix.run_users(world, [server.url], args.seconds)
    finally:
        server.stop()
    lost = loadmix.lost_writes(app, ledger)
    loadmix.db_dispose(app)
    result = {"database": name, "users": args.users, "seconds": args.seconds, "requests": stats.requests,
              "5xx": stats.server_errors, "writes": ledger.writes, "lost": len(lost), "p50": stats.percentile(50),
              "p99": stats.percentile(99), "refused": dict(ledger.refused), "failures": failures[:5],
              "errors": stats.errors[:5], "lost_examples": lost[:5],
              "kinds": {"rsvp": ledger.rsvp_count, "join": len(ledger.joins), "edit": len(ledger.edits),
                        "minutes": len(ledger.minutes)}}
    result["ok"] = result["5xx"] == 0 and result["lost"] == 0 and not failures and result["writes"] > 0
    print(f"[{name}] {loadmix.summary(stats)}; writes {ledger.writes}, lost {len(lost)}", flush=True)
    return result


# --- (b) faults ------------------------------------------------------------------------------------------

def fault_database_restart(pg: Postgres, args, tmp: Path) -> dict:
    """PostgreSQL stops in the middle of the load and starts again: during the outage only 503 pages (no
    500, no traceback), afterwards every request succeeds again without touching the app servers."""
    users, seconds, outage = min(args.users, 20), 25.0, 4.0
    app, env, world = prepare(pg.url, users, tmp)
    server = loadmix.Gunicorn(env, workers=args.workers, threads=args.threads, log=tmp / "gunicorn-restart.log")
    marks = {}

    def restart():
        time.sleep(6)
        marks["down"] = time.monotonic()
        pg.stop()
        time.sleep(outage)
        pg.start()
        marks["up"] = time.monotonic()

    try:
        server.wait_ready()
        print(f"[fault] PostgreSQL restart during load: {users} users, {seconds:.0f} s", flush=True)
        restarter = threading.Thread(target=restart)
        restarter.start()
        stats, ledger, failures = loadmix.run_users(world, [server.url], seconds)
        restarter.join()
        server_pid_same = server.process.poll() is None
    finally:
        server.stop()
    lost = loadmix.lost_writes(app, ledger)
    loadmix.db_dispose(app)
    during = collections.Counter(s for t, s, *_ in stats.timeline if marks["down"] <= t < marks["up"])
    grace = marks["up"] + 3  # a request that started while down may finish just after
    after = collections.Counter(s for t, s, *_ in stats.timeline if t >= grace)
    bad = [body for _t, s, body, _r in stats.timeline if s >= 500 and (s != 503 or "Traceback" in body)]
    unavailable = [(body, retry) for _t, s, body, retry in stats.timeline if s == 503]
    dutch = all("Tijdelijk niet beschikbaar" in body for body, _r in unavailable)
    retry_after = collections.Counter(retry or "missing" for _b, retry in unavailable)
    traceback = app_frames(tmp / "gunicorn-restart.log")
    recovered = bool(after) and not any(s >= 500 or s == 0 for s in after)
    ok = (not bad and recovered and dutch and not lost and server_pid_same and during.get(503, 0) > 0
          and "missing" not in retry_after)
    return {"fault": "PostgreSQL restarted during load", "ok": ok,
            "done": f"`pg_ctl stop -m fast` 6 s into a {seconds:.0f} s run of {users} users, down {outage:.0f} s, "
                    "then `pg_ctl start`; the gunicorn server was not touched",
            "during": dict(sorted(during.items())), "after": dict(sorted(after.items())),
            "recovered": recovered, "other_5xx": len(bad), "bad_example": bad[0][:400] if bad else "",
            "dutch_503": dutch, "retry_after_on_503": dict(retry_after), "writes": ledger.writes, "lost": len(lost),
            "failures": failures[:3], "server_traceback": f"\n\n```\n{traceback}\n```" if traceback else "none"}


def app_frames(log_path: Path) -> str:
    """The last traceback in a server log, reduced to the app's own frames and the error itself."""
    lines = log_path.read_text(errors="replace").splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
    if not starts:
        return ""
    block = []
    for line in lines[starts[-1]:]:
        if block and not line.startswith((" ", "Traceback", "The above", "During handling")) and line.strip():
            block.append(line)
            break
        block.append(line)
    keep = [n for n, line in enumerate(block) if "/circles/" in line and "/site-packages/" not in line]
    picked = [block[0]] + [x for n in keep for x in block[n:n + 2]] + [block[-1]]
    return "\n".join(picked)


def _fast_forward(app) -> None:
    """Pretend the back-off wait passed (60 s and more): the messages to retry are due now."""
    from circles.core.db import db, utcnow
    from circles.core.models import OutgoingMail

    with app.app_context():
        db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.status == "pending")
                           .values(next_attempt_at=utcnow()))
        db.session.commit()


def _outbox(app, batch_prefix: str) -> dict:
    from circles.core.db import db
    from circles.core.models import OutgoingMail

    with app.app_context():
        rows = db.session.execute(sa.select(OutgoingMail.status, sa.func.count())
                                  .where(OutgoingMail.batch.startswith(batch_prefix))
                                  .group_by(OutgoingMail.status)).all()
        db.session.remove()
    return dict(rows)


def _newsletter_world(app, subscribers: int) -> list[str]:
    """Confirmed subscribers and an issue being sent to them (as the editor's "send" button does)."""
    from circles.accounts.models import Role
    from circles.core.db import db, utcnow
    from circles.newsletter import sending, services
    from circles.newsletter.models import CONSENT_VERSION, Subscriber

    emails = [f"lezer{i}@voorbeeld.nl" for i in range(subscribers)]
    with app.test_request_context():
        db.session.execute(sa.insert(Subscriber), [
            {"email": e, "status": "confirmed", "language": "nl", "sectors": [], "regions": [],
             "consent_version": CONSENT_VERSION, "confirmed_at": utcnow()} for e in emails])
        from circles.accounts import services as accounts
        from circles.accounts.models import Organisation

        org = db.session.scalars(sa.select(Organisation)).first()
        editor = accounts.register_user(name="Redacteur Proef", email="redacteur.proef@example.org",
                                        password=loadmix.PASSWORD, function="redacteur", organisation=org)
        editor.role = Role.EDITOR
        issue = services.new_issue(editor, utcnow())
        services.freeze(issue, editor, utcnow())
        sending.start(issue, editor, utcnow())
        db.session.commit()
        db.session.remove()
    return emails


def _mail_outcome(sink: Sink, expected: list[str], subject: str | None = None) -> dict:
    """Who got the message and who got it more than once (with ``subject``: the messages with that subject, so
    other mail the world's setup queued for the same people, welcome and membership notices, is not counted);
    and any message (one Message-ID) that arrived twice at one of them: an outbox row sent twice."""
    got = collections.Counter()
    for (rcpt, title), n in sink.by_subject.items():
        if subject is None or subject in title:
            got[rcpt] += n
    delivered = sum(1 for e in expected if got[e] >= 1)
    people = set(expected)
    return {"expected": len(expected), "delivered": delivered,
            "duplicates": sum(max(0, got[e] - 1) for e in expected),
            "same_message_twice": sum(n - 1 for (rcpt, _id), n in sink.by_id.items() if rcpt in people and n > 1),
            "lost": len(expected) - delivered}


def fault_smtp_newsletter(database_url: str, tmp: Path, subscribers: int = 120) -> dict:
    """The SMTP server goes down in the middle of `flask newsletter send`, stays down for the next run, and comes
    back: every subscriber gets the issue exactly once."""
    sink = Sink()
    app, env, _world = prepare(database_url, 2, tmp, MAIL_PORT=str(sink.port))
    emails = _newsletter_world(app, subscribers)
    runs = []
    sink.up()
    sink.fail_after = subscribers // 3
    runs.append(("server goes down after a third", loadmix.flask(env, "newsletter", "send", "--quiet")))
    sink.down()
    _fast_forward(app)
    runs.append(("server down", loadmix.flask(env, "newsletter", "send", "--quiet")))
    after_outage = sink.accepted
    sink.up()
    for _ in range(4):
        _fast_forward(app)
        runs.append(("server back", loadmix.flask(env, "newsletter", "send", "--quiet")))
        if not _outbox(app, "newsletter:").get("pending"):
            break
    sink.down()
    outcome = _mail_outcome(sink, emails)
    outbox = _outbox(app, "newsletter:")
    loadmix.db_dispose(app)
    ok = (outcome["lost"] == outcome["duplicates"] == outcome["same_message_twice"] == 0
          and all(r.returncode == 0 for _n, r in runs))
    return {"fault": "SMTP server down during a newsletter send", "ok": ok, **outcome,
            "done": f"{subscribers} subscribers; the SMTP server answered 421 and stopped after "
                    f"{subscribers // 3} messages, stayed down for the next `flask newsletter send`, then came back "
                    "(the retry wait was fast-forwarded in the outbox instead of waited)",
            "before_back": after_outage, "runs": [f"{n}: {r.stdout.strip() or r.stderr.strip()[-200:]}"
                                                  for n, r in runs], "outbox": outbox}


def _reminder_world(app, attendees: int) -> list[str]:
    """A meeting tomorrow (inside the reminder period) with ``attendees`` people who said yes."""
    from datetime import timedelta

    from circles.accounts.models import User
    from circles.core.db import db, utcnow
    from circles.meetings.models import Meeting
    from circles.meetings.rsvp import services as rsvp

    with app.app_context():
        people = db.session.scalars(sa.select(User).where(User.email.like("gebruiker%")).limit(attendees)).all()
        start = utcnow() + timedelta(hours=30)
        meeting = Meeting(title="Bijeenkomst morgen", circle_id=None, starts_at=start,
                          ends_at=start + timedelta(hours=2), created_by_id=people[0].id, capacity=None)
        from circles.groups.models import Circle

        meeting.circle = db.session.scalars(sa.select(Circle)).first()
        db.session.add(meeting)
        db.session.flush()
        for person in people:
            from circles.groups.models import Membership

            if db.session.scalar(sa.select(Membership).where(Membership.user_id == person.id,
                                                             Membership.circle_id == meeting.circle_id)) is None:
                db.session.add(Membership(circle_id=meeting.circle_id, user_id=person.id, state="active"))
            rsvp.set_answer(person, meeting, "yes")
        db.session.commit()
        emails = [p.email for p in people]
        db.session.remove()
    return emails


def fault_smtp_reminders(database_url: str, tmp: Path, attendees: int = 30) -> dict:
    """The SMTP server is down during `flask meetings send-reminders`; after it is back, the next run delivers each
    reminder exactly once (none lost, none twice)."""
    sink = Sink()
    app, env, _world = prepare(database_url, attendees, tmp, MAIL_PORT=str(sink.port))
    emails = _reminder_world(app, attendees)
    runs = [("server down", loadmix.flask(env, "meetings", "send-reminders"))]
    sink.up()
    for _ in range(3):
        _fast_forward(app)
        runs.append(("server back", loadmix.flask(env, "meetings", "send-reminders")))
        if not _outbox(app, "").get("pending"):
            break
    runs.append(("once more (nothing new)", loadmix.flask(env, "meetings", "send-reminders")))
    sink.down()
    outcome = _mail_outcome(sink, emails, subject="Herinnering: Bijeenkomst morgen")
    loadmix.db_dispose(app)
    ok = (outcome["lost"] == outcome["duplicates"] == outcome["same_message_twice"] == 0
          and all(r.returncode == 0 for _n, r in runs))
    return {"fault": "SMTP server down during a reminder run", "ok": ok, **outcome,
            "done": f"a meeting tomorrow with {attendees} attendees; `flask meetings send-reminders` with the SMTP "
                    "server down, then it came back and the command ran again (retry wait fast-forwarded), "
                    "then once more",
            "runs": [f"{n}: {r.stdout.strip() or r.stderr.strip()[-300:]}" for n, r in runs]}


def fault_upload_storage(database_url: str, tmp: Path) -> dict:
    """UPLOAD_FOLDER inside a path whose parent is a regular file (fails as root too): the upload gets a clear
    Dutch error page (4xx/503) and no attachment record without its file is left."""
    from circles.core.db import db
    from circles.workpackages.models import Attachment

    blocker = tmp / "not-a-folder"
    blocker.write_text("a file where the upload folder's parent should be\n")
    app, env, world = prepare(database_url, 2, tmp)
    env = {**env, "UPLOAD_FOLDER": str(blocker / "uploads")}
    server = loadmix.Gunicorn(env, workers=1, threads=2, log=tmp / "gunicorn-upload.log")
    try:
        server.wait_ready()
        browser = loadmix.Browser(server.url)
        person = world.people[0]
        login = browser.login(person.email)
        replies = [loadmix.upload(browser, person.packages[0], f"bijlage{n}.pdf") for n in range(3)]
    finally:
        server.stop()
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                                 .where(Attachment.package_id == person.packages[0]))
        db.session.remove()
    loadmix.db_dispose(app)
    statuses = collections.Counter(r.status for r in replies)
    clear = all("Het bestand kon niet worden opgeslagen" in r.body and "Traceback" not in r.body for r in replies)
    ok = login.status == 302 and all(400 <= r.status < 500 or r.status == 503 for r in replies) and clear \
        and rows == 0
    return {"fault": "upload storage unwritable", "ok": ok, "statuses": dict(statuses), "dutch_message": clear,
            "rows": rows, "done": "UPLOAD_FOLDER set to a path below a regular file (mkdir fails with ENOTDIR, "
                                  "also as root); three PDF uploads through the attachment form"}


# --- (c) the report ----------------------------------------------------------------------------------------

def fuzz_inputs() -> tuple[int, int]:
    """(forms, examples per form) of the form fuzzer, read from its source without importing it."""
    tree = ast.parse(FUZZ_FILE.read_text())
    forms = examples = 0
    for node in tree.body:
        target = getattr(node, "target", None) or (node.targets[0] if isinstance(node, ast.Assign) else None)
        name = getattr(target, "id", None)
        if name == "FORMS" and isinstance(node.value, ast.Dict):
            forms = len(node.value.keys)
        elif name == "EXAMPLES" and isinstance(node.value, ast.Constant):
            examples = node.value.value
    return forms, examples


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    return (f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), load average {os.getloadavg()[0]:.1f} at the end, "
            f"Python {platform.python_version()}, {platform.platform()}")


def write_report(loads: list[dict], faults: list[dict], args) -> str:
    forms, examples = fuzz_inputs()
    ok = all(r["ok"] for r in loads + faults)
    lines = [
        "# Reliability: load with nothing lost, and faults survived",
        "",
        f"Generated by `python -m bench.stress` (`make stress`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        f"Servers: gunicorn, {args.workers} workers x {args.threads} threads, loopback only.",
        "",
        f"**Overall: {'PASS' if ok else 'FAIL'}**",
        "",
        "## Load (issue 9, item 6)",
        "",
        "Each simulated person logs in once, then browses (40 %), searches work packages (20 %), answers a meeting "
        "(15 %), joins a circle (5 %), edits a work package (10 %) and writes minutes (10 %). A write counts when it "
        "got its success answer (a redirect); afterwards each one is looked up in the database.",
        "",
        "| database | users | seconds | requests | 5xx | writes ok | writes lost | p50 ms | p99 ms | result |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in loads:
        lines.append(f"| {r['database']} | {r['users']} | {r['seconds']} | {r['requests']} | {r['5xx']} | "
                     f"{r['writes']} | {r['lost']} | {r['p50']:.0f} | {r['p99']:.0f} | "
                     f"{'pass' if r['ok'] else 'FAIL'} |")
    lines.append("")
    for r in loads:
        lines.append(f"- {r['database']}: writes by kind {r['kinds']}; cleanly refused (4xx, e.g. an edit conflict "
                     f"409): {r['refused'] or 'none'}")
        for key in ("errors", "failures", "lost_examples"):
            if r[key]:
                lines.append(f"  - {key}: {r[key]}")
    lines += ["", "## Faults (issue 9, item 7)", ""]
    for f in faults:
        lines.append(f"### {f['fault']}: {'survived' if f['ok'] else 'FAILED'}")
        lines.append("")
        lines.append(f"- What was done: {f['done']}.")
        for key, value in f.items():
            if key not in ("fault", "ok", "done"):
                lines.append(f"- {key.replace('_', ' ')}: {value}")
        lines.append("")
    lines += ["## Inputs tried by the fuzzer (issue 9, item 3)", "",
              f"{forms} forms x {examples} examples = {forms * examples} inputs per `make test` run "
              "(tests/hostile/test_fuzz_forms.py, FORMS x EXAMPLES).", ""]
    REPORT.write_text("\n".join(lines))
    return "PASS" if ok else "FAIL"


# --- main ------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    loads, faults = [], []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="circles-stress.")))
        given = os.environ.get("DATABASE_URL", "")
        if given.startswith("postgres"):
            pg, pg_url = None, given
        else:
            pg = Postgres()
            stack.callback(pg.close)
            pg_url = pg.url
        for name, url in (("SQLite", f"sqlite:///{tmp / 'load.db'}"), ("PostgreSQL", pg_url)):
            (tmp / name).mkdir()
            loads.append(load_run(name, url, args, tmp / name))
        steps = [("restart", lambda d: fault_database_restart(pg, args, d)) if pg else None,
                 ("newsletter", lambda d: fault_smtp_newsletter(pg_url, d)),
                 ("reminders", lambda d: fault_smtp_reminders(pg_url, d)),
                 ("upload", lambda d: fault_upload_storage(f"sqlite:///{d / 'upload.db'}", d))]
        for name, step in filter(None, steps):
            (tmp / name).mkdir()
            try:
                faults.append(step(tmp / name))
            except Exception as error:  # a fault run that crashes is a failed requirement, reported
                faults.append({"fault": name, "ok": False, "done": "crashed", "error": repr(error)[:800]})
            print(f"[fault] {faults[-1]['fault']}: {'survived' if faults[-1]['ok'] else 'FAILED'}", flush=True)
    verdict = write_report(loads, faults, args)
    print(f"{verdict}: see {REPORT.relative_to(ROOT)}", flush=True)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
