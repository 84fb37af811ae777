"""The one seam for sending e-mail: an outbox row per message, claimed atomically, sent once.

``queue_mail`` writes the row in the caller's transaction; after the request has committed, the
rows it queued are delivered at once. Whatever could not be delivered stays in the outbox for
``flask --app circles mail send`` (run from cron) to retry. ``MAIL_BACKEND=console`` prints
messages instead of sending them (``make run``).

Mailings to many readers (the newsletter) share one ``MailBody`` and put per-recipient values in
the row's ``fields``: ``new_body`` + ``queue_many`` (one row per recipient, at most one per
``dedupe_key``), then ``deliver(batch_prefix=...)`` from any number of sender processes at once.

How "exactly once" holds: a sender claims the next due row (pending -> sending, committed) right
before it talks to the SMTP server, and records the outcome right after. A row left in "sending"
belongs to a sender that died mid-send: it may or may not have gone out, so it becomes "unknown"
and is never resent silently. Only a failure before the message data was handed over (cannot
connect, 4xx answer) is retried, with back-off (``MAIL_BACKOFF_SECONDS``).
"""

import base64
import email.policy
import functools
import os
import re
import smtplib
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext, suppress
from datetime import datetime, timedelta
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import islice

import click
import sqlalchemy as sa
from blinker import Namespace
from flask import Flask, current_app, g, has_request_context, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from markupsafe import escape

from circles.core import dialect
from circles.core.db import db, utcnow
from circles.core.models import MailBody, OutgoingMail

#: A claim older than this belongs to a sender that died; its outcome is unknown.
STALE_CLAIM = timedelta(minutes=15)
#: Rows per INSERT statement in ``queue_many``.
QUEUE_CHUNK = 1000
#: The counters ``deliver`` returns, one per outcome.
OUTCOMES = ("sent", "retry", "failed", "unknown", "expired")

_signals = Namespace()
#: Sent when the receiving server refused a message for good because of its address (5xx to RCPT, or
#: 5.1.x/5.2.x after the data), once the row is marked "failed" and committed:
#: ``mail_failed.send(app, address=..., batch=..., error=...)``. Receivers may change the session (mark
#: the address as bouncing, ``cancel_pending``); the sender commits after them.
mail_failed = _signals.signal("mail-failed")

_outbox = OutgoingMail.__table__
_PLACEHOLDER = re.compile(r"\[\[([A-Za-z0-9_]+)\]\]")


def _sender_name() -> str:
    """Who claims a row: "host:pid", so a restarted sender on this host can tell a dead claim at once."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def _message_id() -> str:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "localhost"
    return make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)


# --- queuing ----------------------------------------------------------------------------------------

def queue_mail(to: str, subject: str, template: str, *, locale: str = "nl", headers=None,
               attachments: list[tuple[str, str, bytes]] | None = None, **context):
    """Render ``template``.txt and .html (and a lazy ``subject``) in the recipient's ``locale`` and put
    the message in the outbox. ``attachments``: (filename, content type, bytes) triples."""
    # Outside a request (cron, CLI) links are built against the configured public address.
    request_ctx = (nullcontext() if has_request_context()
                   else current_app.test_request_context(base_url=current_app.config["BASE_URL"]))
    with request_ctx, force_locale(locale):
        subject = str(subject)  # a lazy string, rendered in the recipient's language
        text = render_template(f"{template}.txt", **context)
        html = render_template(f"{template}.html", subject=subject, lang=locale, **context)
    return queue_rendered(
        to, subject, text, html, headers=headers,
        attachments=[{"filename": name, "content_type": ctype, "data": base64.b64encode(data).decode()}
                     for name, ctype, data in (attachments or [])],
    )


def recently_mailed(address: str, batch: str, within: timedelta, now: datetime | None = None) -> bool:
    """Whether a message of ``batch`` was queued for ``address`` in the last ``within``: for mails that anyone
    can trigger for any address (a reset link, "you are already subscribed"), so nobody can flood an inbox."""
    since = (now or utcnow()) - within
    return db.session.scalar(sa.select(sa.exists().where(
        OutgoingMail.to_address == address, OutgoingMail.batch == batch, OutgoingMail.created_at > since))) or False


def queue_rendered(to: str, subject: str, text: str, html: str | None = None, *, headers: dict | None = None,
                   batch: str | None = None, attachments: list[dict] | None = None) -> OutgoingMail:
    """Put an already rendered message in the outbox (in the caller's transaction); like ``queue_mail``,
    it goes out right after the request. ``attachments``: [{"filename", "content_type", "data" (base64)}]."""
    mail = OutgoingMail(to_address=to, subject=subject, body_text=text, body_html=html, headers=headers or {},
                        attachments=attachments or [], batch=batch, message_id=_message_id())
    db.session.add(mail)
    db.session.flush()
    if has_request_context():
        g.setdefault("queued_mail_ids", []).append(mail.id)
    return mail


def new_body(subject: str, text: str, html: str | None) -> MailBody:
    """Store a body that many outbox rows share; ``[[name]]`` in it is filled from each row's ``fields``."""
    body = MailBody(subject=subject, body_text=text, body_html=html)
    db.session.add(body)
    db.session.flush()
    return body


def queue_many(to_rows: Iterable[dict], *, body: MailBody, batch: str,
               expires_at: datetime | None = None) -> int:
    """Queue one row per recipient of a shared ``body`` in bulk; returns how many rows were added.

    ``to_rows``: dicts with "to", "dedupe_key" and optionally "headers" and "fields". A row whose
    ``dedupe_key`` is already in the outbox is skipped, so queuing a mailing again adds nobody twice.
    Written in the caller's transaction (the caller commits)."""
    now = utcnow()
    fixed = {"created_at": now, "subject": body.subject, "body_id": body.id, "batch": batch,
             "expires_at": expires_at, "status": "pending", "attempts": 0, "next_attempt_at": now,
             "attachments": []}
    inserted = 0
    for chunk in _chunks(iter(to_rows), QUEUE_CHUNK):
        rows = [{"to_address": row["to"], "dedupe_key": row.get("dedupe_key"), "headers": row.get("headers") or {},
                 "fields": row.get("fields") or {}, "message_id": _message_id()} for row in chunk]
        inserted += _insert_new(rows, fixed)
    return inserted


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _insert_new(rows: list[dict], fixed: dict) -> int:
    """Insert outbox ``rows`` (each with ``fixed`` values too), skipping any whose dedupe_key is already
    there; returns how many were inserted."""
    return dialect.insert_ignoring_duplicates(_outbox, rows, fixed, "dedupe_key", json_columns=("headers", "fields"))


# --- building a message -----------------------------------------------------------------------------

class _HeaderRegistry(HeaderRegistry):
    """The standard header classes, made once per name: the stock registry builds a new class for every
    header it sets, a fifth of the time it takes to build a message."""

    @functools.cache  # noqa: B019 - one registry for the life of the process
    def __getitem__(self, name):
        return super().__getitem__(name)


#: Python's modern e-mail policy (as ``EmailMessage()`` uses), with the faster registry.
_POLICY = email.policy.default.clone(header_factory=_HeaderRegistry())


def build_message(mail, bodies: dict | None = None) -> EmailMessage:
    """The message for an outbox row (an ``OutgoingMail`` or a row with its columns). A shared body is
    looked up once per ``bodies`` cache, and its ``[[name]]`` placeholders are filled from ``fields``."""
    subject, text, html = mail.subject, mail.body_text, mail.body_html
    if mail.body_id is not None:
        subject, text, html = _shared_body(mail.body_id, {} if bodies is None else bodies)
    fields = mail.fields or {}
    if fields:
        subject = _fill(subject, fields, html=False)
        text = _fill(text, fields, html=False)
        html = _fill(html, fields, html=True) if html else html
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to_address
    msg["Subject"] = subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = format_datetime(mail.created_at)
    for name, value in (mail.headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for item in mail.attachments or []:
        maintype, _slash, subtype = item["content_type"].partition("/")
        msg.add_attachment(base64.b64decode(item["data"]), maintype=maintype, subtype=subtype.split(";")[0],
                           filename=item["filename"])
    return msg


def _shared_body(body_id: int, cache: dict) -> tuple[str, str, str | None]:
    # Plain values, not ORM objects: those would be expired (and reloaded) after every commit.
    if body_id not in cache:
        row = db.session.execute(
            sa.select(MailBody.subject, MailBody.body_text, MailBody.body_html).where(MailBody.id == body_id)
        ).one()
        cache[body_id] = tuple(row)
    return cache[body_id]


def _fill(template: str, fields: dict, *, html: bool) -> str:
    """Replace ``[[name]]`` by ``fields[name]`` (escaped in HTML); unknown names stay visible."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in fields:
            return match.group(0)
        return str(escape(fields[name])) if html else str(fields[name])

    return _PLACEHOLDER.sub(value, template)


# --- the SMTP connection ----------------------------------------------------------------------------

class _DataTracking:
    """Remembers whether the message data was handed over: after that a lost connection is ambiguous."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _SMTP(_DataTracking, smtplib.SMTP):
    pass


class _SMTPSSL(_DataTracking, smtplib.SMTP_SSL):
    pass


class _ConnectFailed(Exception):
    """The SMTP server could not be reached or refused us (log-in, greeting): nothing was sent."""


class _Transport:
    """One SMTP connection reused for a worker run, reopened after a drop."""

    def __init__(self, config):
        self.config = config
        self.conn: _SMTP | None = None
        #: Set when connecting failed: the run stops instead of trying every row against a dead server.
        self.unreachable = False

    @property
    def data_started(self) -> bool:
        """True when the last ``send`` got as far as the message data (its outcome may be unknown)."""
        return self.conn is not None and self.conn.data_started

    def send(self, msg: EmailMessage) -> None:
        if self.config["MAIL_BACKEND"] == "console":
            print(msg.as_string(), file=sys.stdout, flush=True)
            return
        if self.conn is None:
            self.conn = self._connect()
        self.conn.data_started = False
        try:
            self.conn.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            if self.conn.data_started:
                raise  # the server may have the message: the caller records "unknown"
            # The reused connection had gone (idle timeout): nothing was sent, so try once more.
            self.drop()
            self.conn = self._connect()
            self.conn.send_message(msg)

    def _connect(self) -> _SMTP:
        cfg = self.config
        cls = _SMTPSSL if cfg["MAIL_USE_SSL"] else _SMTP
        try:
            conn = cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
            if cfg["MAIL_USE_TLS"]:
                conn.starttls()
            if cfg["MAIL_USERNAME"]:
                conn.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        except OSError as exc:  # smtplib's errors (log-in refused too) are OSErrors
            self.unreachable = True
            raise _ConnectFailed(str(exc) or type(exc).__name__) from exc
        return conn

    def drop(self) -> None:
        """Forget a broken connection (closing it quietly)."""
        if self.conn is not None:
            with suppress(OSError):
                self.conn.close()
            self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            with suppress(smtplib.SMTPException, OSError):
                self.conn.quit()
            self.conn = None


# --- claiming ---------------------------------------------------------------------------------------

def _claim_statement(ids: list[int] | None, batch_prefix: str | None) -> sa.Update:
    """The statement that atomically moves the next due row from pending to sending and returns it.

    The only database-specific code of the worker. PostgreSQL: the candidate is locked with
    ``FOR UPDATE SKIP LOCKED``, so concurrent senders pass each other instead of waiting. SQLite: one
    writer at a time, so the conditional UPDATE with its sub-select is atomic by itself.
    Built once per run (parameters: ``now``, ``run_started``, ``sender``; ``ids`` when given): a row
    already tried in this run (claimed since ``run_started``) waits for the next run."""
    candidate = _outbox.alias("candidate")
    now = sa.bindparam("now", type_=_outbox.c.claimed_at.type)
    select = (
        sa.select(candidate.c.id)
        .where(
            candidate.c.status == "pending",
            candidate.c.next_attempt_at <= now,
            sa.or_(candidate.c.expires_at.is_(None), candidate.c.expires_at > now),
            sa.or_(candidate.c.claimed_at.is_(None),
                   candidate.c.claimed_at < sa.bindparam("run_started", type_=_outbox.c.claimed_at.type)),
        )
        # ix_outgoing_mails_due (status, next_attempt_at) finds it without sorting every pending row
        .order_by(candidate.c.next_attempt_at)
        .limit(1)
    )
    if ids is not None:
        select = select.where(candidate.c.id.in_(sa.bindparam("ids", expanding=True)))
    if batch_prefix is not None:
        select = select.where(candidate.c.batch.startswith(batch_prefix, autoescape=True))
    select = dialect.skip_locked(select)
    return (
        sa.update(_outbox)
        .where(_outbox.c.id == select.scalar_subquery(), _outbox.c.status == "pending")
        .values(status="sending", claimed_at=now, claimed_by=sa.bindparam("sender"),
                attempts=_outbox.c.attempts + 1)
        .returning(*_outbox.c)
    )


def _claim_next(statement: sa.Update, run_started: datetime, ids: list[int] | None):
    """Claim the next due row with ``statement`` (committed at once); its columns, or None."""
    params = {"now": utcnow(), "run_started": run_started, "sender": _sender_name()}
    if ids is not None:
        params["ids"] = ids
    row = db.session.execute(statement, params).first()
    db.session.commit()
    return row


def _finish(mail_id: int, **values) -> None:
    db.session.execute(sa.update(_outbox).where(_outbox.c.id == mail_id).values(**values))
    db.session.commit()


# --- the worker -------------------------------------------------------------------------------------

def deliver(ids: list[int] | None = None, limit: int | None = None, batch_prefix: str | None = None,
            on_progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Send due pending messages, one claim at a time; returns counts per outcome (see ``OUTCOMES``).

    ``ids``: only these rows (mail a request queued); ``batch_prefix``: only batches starting with it;
    ``limit``: at most this many messages; ``on_progress(outcome)`` is called after each message.
    Safe to run in any number of processes at once."""
    _release_dead_claims()
    counts = dict.fromkeys(OUTCOMES, 0)
    counts["expired"] += _expire_overdue(ids, batch_prefix)
    config = current_app.config
    rate = float(config.get("MAIL_RATE_PER_SECOND") or 0)
    interval = 1 / rate if rate > 0 else 0.0
    next_slot = time.monotonic()
    run_started = utcnow()
    claim = _claim_statement(ids, batch_prefix)
    bodies: dict = {}
    transport = _Transport(config)
    try:
        while limit is None or sum(counts[k] for k in ("sent", "retry", "failed", "unknown")) < limit:
            if interval:
                # Wait before claiming, so a claimed row is never held while sleeping.
                time.sleep(max(0.0, next_slot - time.monotonic()))
                next_slot = max(next_slot, time.monotonic()) + interval
            row = _claim_next(claim, run_started, ids)
            if row is None:
                break
            outcome = _send_one(transport, row, bodies)
            counts[outcome] += 1
            if on_progress is not None:
                on_progress(outcome)
            if transport.unreachable:
                break  # the rest waits for the next run (cron) instead of each failing to connect
    finally:
        transport.close()
    counts["expired"] += _expire_overdue(ids, batch_prefix)  # the deadline may have passed meanwhile
    return counts


def _send_one(transport: _Transport, row, bodies: dict) -> str:
    try:
        msg = build_message(row, bodies)
    except Exception as exc:  # a broken row must not stop the run; nothing was sent
        current_app.logger.exception("could not build outbox message %s", row.id)
        _finish(row.id, status="failed", last_error=f"message could not be built: {exc}"[:500])
        return "failed"
    try:
        transport.send(msg)
    except _ConnectFailed as exc:
        return _retry(row, str(exc))  # the server is down or refuses us: later, not this run
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        return _failure(row, code, answer, bounce=True)
    except smtplib.SMTPDataError as exc:
        # Refused after the data: about the address only with a 5.1.x/5.2.x status (not e.g. 5.7.1 spam).
        return _failure(row, exc.smtp_code, exc.smtp_error, bounce=_about_address(exc.smtp_error))
    except smtplib.SMTPResponseException as exc:  # the sender address or greeting refused: not the reader's fault
        return _failure(row, exc.smtp_code, exc.smtp_error, bounce=False)
    except Exception as exc:  # connection trouble (OSError, which smtplib's errors are too), or worse
        ambiguous = transport.data_started
        transport.drop()
        error = (str(exc) or type(exc).__name__)[:500]
        if ambiguous:
            # The connection broke after the message data went out: it may have been delivered. Do not guess.
            _finish(row.id, status="unknown", last_error=error)
            return "unknown"
        if isinstance(exc, OSError):
            # Lost the connection before the data: nothing was sent, retrying is safe.
            return _retry(row, error)
        current_app.logger.exception("could not send outbox message %s", row.id)
        _finish(row.id, status="failed", last_error=error)
        return "failed"
    _finish(row.id, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _about_address(answer) -> bool:
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    return re.match(r"5\.[12]\.\d", text.strip()) is not None


def _failure(row, code: int, answer, *, bounce: bool) -> str:
    """A refusal: 4xx is retried later; 5xx fails, and when it is about the address, ``mail_failed`` fires."""
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    error = f"{code} {text}"[:500]
    if 400 <= code < 500:
        return _retry(row, error)
    _finish(row.id, status="failed", last_error=error)
    if bounce:
        _notify_failed(row, error)
    return "failed"


def _notify_failed(row, error: str) -> None:
    """Tell the rest of the app (the newsletter marks the address as bouncing); the worker goes on."""
    app = current_app._get_current_object()
    try:
        mail_failed.send(app, address=row.to_address, batch=row.batch, error=error)
        db.session.commit()
    except Exception:
        app.logger.exception("a mail_failed receiver failed for outbox row %s", row.id)
        db.session.rollback()


def _retry(row, error: str) -> str:
    backoff = tuple(current_app.config["MAIL_BACKOFF_SECONDS"])
    if row.attempts > len(backoff):
        _finish(row.id, status="failed", last_error=error[:500])
        return "failed"
    delay = timedelta(seconds=backoff[row.attempts - 1])
    _finish(row.id, status="pending", next_attempt_at=utcnow() + delay, last_error=error[:500])
    return "retry"


def _release_dead_claims() -> None:
    """Rows left in "sending" by a sender that is gone become "unknown" (they may have gone out).

    A claim by a process on this host is checked at once (is that pid still alive?); a claim from
    another host (or without a name) only after ``STALE_CLAIM``."""
    host_prefix = f"{socket.gethostname()[:80]}:"
    claimants = db.session.scalars(
        sa.select(_outbox.c.claimed_by).distinct()
        .where(_outbox.c.status == "sending", _outbox.c.claimed_by.startswith(host_prefix, autoescape=True))
    ).all()
    dead = [name for name in claimants if not _pid_alive(name.rpartition(":")[2])]
    gone = _outbox.c.claimed_at < utcnow() - STALE_CLAIM
    if dead:
        gone = sa.or_(gone, _outbox.c.claimed_by.in_(dead))
    db.session.execute(
        sa.update(_outbox).where(_outbox.c.status == "sending", gone)
        .values(status="unknown", last_error="sender stopped while sending")
    )
    db.session.commit()


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError, OSError):
        return True  # not ours to judge (or not a pid at all): wait for STALE_CLAIM
    return True


def _expire_overdue(ids: list[int] | None, batch_prefix: str | None) -> int:
    """Pending rows whose send deadline passed become "expired" (a newsletter is not sent days late)."""
    stmt = sa.update(_outbox).where(_outbox.c.status == "pending", _outbox.c.expires_at <= utcnow())
    if ids is not None:
        stmt = stmt.where(_outbox.c.id.in_(ids))
    if batch_prefix is not None:
        stmt = stmt.where(_outbox.c.batch.startswith(batch_prefix, autoescape=True))
    count = db.session.execute(stmt.values(status="expired")).rowcount
    db.session.commit()
    return count


# --- mailings: report and repair (in the caller's transaction) -------------------------------------

def refresh_statistics() -> None:
    """After a mailing was queued: let PostgreSQL's planner see the new rows, or every claim sorts all
    pending rows until autovacuum gets round to it (bench/RESULTS.md). SQLite needs nothing."""
    dialect.analyze("outgoing_mails")
    db.session.commit()


def batch_counts(batch: str) -> dict[str, int]:
    """How many rows of ``batch`` are in each status, e.g. {"sent": 1990, "failed": 8, "unknown": 2}."""
    rows = db.session.execute(
        sa.select(_outbox.c.status, sa.func.count()).where(_outbox.c.batch == batch).group_by(_outbox.c.status)
    )
    return {status: count for status, count in rows}


def batch_rows(batch: str, statuses: Iterable[str]) -> list[OutgoingMail]:
    """The rows of ``batch`` in ``statuses`` (e.g. the failed ones with their SMTP answers), by address."""
    return list(db.session.scalars(
        sa.select(OutgoingMail)
        .where(OutgoingMail.batch == batch, OutgoingMail.status.in_(list(statuses)))
        .order_by(OutgoingMail.to_address, OutgoingMail.id)
    ))


def requeue_failed(batch: str) -> int:
    """Put the failed rows of ``batch`` back in the queue ("retry failed"); returns how many."""
    return db.session.execute(
        sa.update(_outbox).where(_outbox.c.batch == batch, _outbox.c.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow(), claimed_at=None, claimed_by=None)
    ).rowcount


def cancel_pending(address: str, batch_prefix: str) -> int:
    """Stop sending to ``address`` (it bounces): its pending rows in batches starting with
    ``batch_prefix`` become "cancelled"; returns how many."""
    return db.session.execute(
        sa.update(_outbox)
        .where(_outbox.c.to_address == address, _outbox.c.status == "pending",
               _outbox.c.batch.startswith(batch_prefix, autoescape=True))
        .values(status="cancelled")
    ).rowcount


# --- after a request, and from cron -----------------------------------------------------------------

def deliver_queued_after_request(response):
    """Send what this request queued, once its transaction has committed."""
    ids = g.pop("queued_mail_ids", None)
    if ids and response.status_code < 500:
        try:
            deliver(ids=ids)
        except Exception:  # the outbox keeps the message; cron retries it
            current_app.logger.exception("mail delivery after request failed")
            db.session.rollback()
    return response


mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("send")
@click.option("--limit", type=int, default=None, help="Send at most this many messages.")
@click.option("--batch", "batch_prefix", default=None, help="Only mailings whose batch starts with this.")
def send_command(limit, batch_prefix):
    """Send every due message in the outbox (safe to run from cron, and twice at once)."""
    counts = deliver(limit=limit, batch_prefix=batch_prefix)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


def init_app(app: Flask) -> None:
    app.after_request(deliver_queued_after_request)
