"""The one seam for sending e-mail: an outbox row per message, claimed atomically, sent once.

``queue_mail`` writes the row in the caller's transaction; after the request has committed, the
rows it queued are delivered at once. Whatever could not be delivered stays in the outbox for
``flask --app circles mail send`` (run from cron) to retry. ``MAIL_BACKEND=console`` prints
messages instead of sending them (``make run``).
"""

import base64
import smtplib
import sys
import uuid
from contextlib import nullcontext, suppress
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import click
import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail

#: Minutes to wait before retry n (temporary failures): 1, 5, 15, 60, then give up.
BACKOFF_MINUTES = (1, 5, 15, 60)
#: A claim older than this belongs to a sender that died; its outcome is unknown.
STALE_CLAIM = timedelta(minutes=15)


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
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "localhost"
    mail = OutgoingMail(
        to_address=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[{"filename": name, "content_type": ctype, "data": base64.b64encode(data).decode()}
                     for name, ctype, data in (attachments or [])],
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
    )
    db.session.add(mail)
    db.session.flush()
    if has_request_context():
        g.setdefault("queued_mail_ids", []).append(mail.id)
    return mail


def build_message(mail: OutgoingMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = format_datetime(mail.created_at)
    for name, value in (mail.headers or {}).items():
        msg[name] = value
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
    for item in mail.attachments or []:
        maintype, _slash, subtype = item["content_type"].partition("/")
        msg.add_attachment(base64.b64decode(item["data"]), maintype=maintype, subtype=subtype.split(";")[0],
                           filename=item["filename"])
    return msg


class _Transport:
    """One SMTP connection reused for a batch, reopened after a drop."""

    def __init__(self, config):
        self.config = config
        self.conn: smtplib.SMTP | None = None

    def send(self, msg: EmailMessage) -> None:
        if self.config["MAIL_BACKEND"] == "console":
            print(msg.as_string(), file=sys.stdout, flush=True)
            return
        if self.conn is None:
            self.conn = self._connect()
        try:
            self.conn.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self.conn = self._connect()
            self.conn.send_message(msg)

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        conn = cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        if cfg["MAIL_USE_TLS"]:
            conn.starttls()
        if cfg["MAIL_USERNAME"]:
            conn.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        return conn

    def close(self) -> None:
        if self.conn is not None:
            with suppress(smtplib.SMTPException, OSError):
                self.conn.quit()
            self.conn = None


def _claim(mail_id: int) -> bool:
    """Atomically move one due message from pending to sending; False when another sender has it."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == "pending",
            OutgoingMail.next_attempt_at <= now,
        )
        .values(status="sending", claimed_at=now, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _finish(mail_id: int, **values) -> None:
    db.session.execute(
        sa.update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver(ids: list[int] | None = None, limit: int | None = None) -> dict[str, int]:
    """Send due pending messages (only ``ids`` when given). Returns counts per outcome."""
    _expire_stale_claims()
    query = sa.select(OutgoingMail.id).where(
        OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= utcnow()
    ).order_by(OutgoingMail.id)
    if ids is not None:
        query = query.where(OutgoingMail.id.in_(ids))
    if limit is not None:
        query = query.limit(limit)
    candidates = list(db.session.scalars(query))
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0}
    transport = _Transport(current_app.config)
    try:
        for mail_id in candidates:
            if not _claim(mail_id):
                continue
            mail = db.session.get(OutgoingMail, mail_id)
            outcome = _send_one(transport, mail)
            counts[outcome] += 1
    finally:
        transport.close()
    return counts


def _send_one(transport: _Transport, mail: OutgoingMail) -> str:
    try:
        transport.send(build_message(mail))
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        return _failure(mail, code, answer)
    except smtplib.SMTPResponseException as exc:
        return _failure(mail, exc.smtp_code, exc.smtp_error)
    except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
        # The connection broke; the message may or may not have gone out. Do not guess.
        transport.conn = None
        _finish(mail.id, status="unknown", last_error=str(exc)[:500])
        return "unknown"
    except (OSError, smtplib.SMTPException) as exc:
        # Could not connect at all: nothing was sent, so retrying is safe.
        transport.conn = None
        return _retry(mail, str(exc))
    _finish(mail.id, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _failure(mail: OutgoingMail, code: int, answer) -> str:
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    if 400 <= code < 500:
        return _retry(mail, f"{code} {text}")
    _finish(mail.id, status="failed", last_error=f"{code} {text}"[:500])
    return "failed"


def _retry(mail: OutgoingMail, error: str) -> str:
    if mail.attempts > len(BACKOFF_MINUTES):
        _finish(mail.id, status="failed", last_error=error[:500])
        return "failed"
    delay = timedelta(minutes=BACKOFF_MINUTES[mail.attempts - 1])
    _finish(mail.id, status="pending", next_attempt_at=utcnow() + delay, last_error=error[:500])
    return "retry"


def _expire_stale_claims() -> None:
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.status == "sending", OutgoingMail.claimed_at < utcnow() - STALE_CLAIM)
        .values(status="unknown", last_error="sender stopped while sending")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


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
def send_command(limit):
    """Send every due message in the outbox (safe to run from cron, and twice at once)."""
    counts = deliver(limit=limit)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


def init_app(app: Flask) -> None:
    app.after_request(deliver_queued_after_request)
