"""Sending an approved issue through the one outbox (circles.core.mail).

"Send" fixes the recipient list: one outbox row per confirmed subscriber, unique per issue and
subscriber, pointing at the frozen rendering for the reader's language and interests. The worker
(``flask newsletter send``, safe from cron and twice at once) claims rows one at a time. A permanent
refusal marks the address as bouncing, and nothing more is sent to it.
"""

from collections import defaultdict
from contextlib import nullcontext
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l

from circles.accounts.models import User
from circles.core import audit, mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.newsletter import services
from circles.newsletter.models import Issue, IssueRendering, IssueStatus, Subscriber, SubscriberStatus
from circles.newsletter.services import ComposeError
from circles.newsletter.subscriptions import services as subscriptions

BATCH_PREFIX = "newsletter:"
#: Outcomes still on their way; an issue is sent when none of its rows is in one of these.
OPEN_STATUSES = ("pending", "sending")


def start(issue: Issue, editor: User, now: datetime) -> int:
    """Fix the recipients and queue one message each. Refused when a meeting moved or content went
    away since approval (reopen, fix, approve again). Returns the number of recipients."""
    services._require_status(issue, IssueStatus.APPROVED)
    blocking = [f for f in services.content_findings(issue, now) if f.blocks]
    if blocking:
        raise ComposeError(_l("Er is iets veranderd sinds de goedkeuring: {problem} Zet de editie terug naar "
                              "concept en keur haar opnieuw goed.").format(problem=blocking[0].message))
    bodies = {(r.language, r.variant): r.body for r in db.session.scalars(
        sa.select(IssueRendering).where(IssueRendering.issue_id == issue.id))}
    recipients = list(db.session.scalars(
        sa.select(Subscriber).where(Subscriber.status == SubscriberStatus.CONFIRMED).order_by(Subscriber.id)))
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    list_id = f"<nieuwsbrief.{current_app.config['MAIL_DEFAULT_SENDER'].rsplit('@', 1)[-1].strip('>')}>"
    # One request context for all the links (outside a request, each link would make its own).
    context = (nullcontext() if has_request_context()
               else current_app.test_request_context(base_url=current_app.config["BASE_URL"]))
    with context:
        for subscriber in recipients:
            language = subscriber.language if subscriber.language in services.LANGUAGES else "nl"
            variant = services.sections_for(issue.snapshot, subscriber.sectors, subscriber.regions)
            headers, fields = subscriptions.recipient_links(subscriber)
            groups[(language, variant)].append({
                "to": subscriber.email, "dedupe_key": f"{BATCH_PREFIX}{issue.id}:{subscriber.id}",
                "headers": {**headers, "List-Id": list_id}, "fields": fields,
            })
    issue.send_started_at = now
    issue.send_deadline = now + services.send_window()
    queued = 0
    for key, rows in groups.items():
        queued += mail.queue_many(rows, body=bodies[key], batch=issue.batch, expires_at=issue.send_deadline)
    issue.status = IssueStatus.SENDING
    issue.recipient_count = len(recipients)
    db.session.flush()
    audit.record("newsletter.send_started", actor=editor, obj_type="newsletter_issue", obj_id=issue.id,
                 recipients=len(recipients), queued=queued)
    return len(recipients)


def finish(now: datetime | None = None) -> list[Issue]:
    """Mark issues sent once none of their rows is pending or being sent (expired rows count as done)."""
    now = now or utcnow()
    done = []
    for issue in db.session.scalars(sa.select(Issue).where(Issue.status == IssueStatus.SENDING)):
        counts = mail.batch_counts(issue.batch)
        if not any(counts.get(status) for status in OPEN_STATUSES):
            issue.status, issue.sent_at = IssueStatus.SENT, now
            audit.record("newsletter.sent", obj_type="newsletter_issue", obj_id=issue.id, **counts)
            done.append(issue)
    db.session.flush()
    return done


def pending_count() -> int:
    """Rows of any issue still waiting for the worker."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.batch.like(f"{BATCH_PREFIX}%"), OutgoingMail.status == "pending")) or 0


def retry_failed(issue: Issue, editor: User) -> int:
    """Queue the failed rows again, with a new send window; their addresses are no longer treated as bouncing."""
    services._require_status(issue, IssueStatus.SENDING, IssueStatus.SENT)
    failed = [row.to_address for row in mail.batch_rows(issue.batch, ["failed"])]
    if failed:
        db.session.execute(sa.update(Subscriber).where(
            Subscriber.email.in_(failed), Subscriber.status == SubscriberStatus.BOUNCING)
            .values(status=SubscriberStatus.CONFIRMED, bounced_at=None, bounce_reason=""))
    count = mail.requeue_failed(issue.batch)
    if count:
        issue.status, issue.sent_at = IssueStatus.SENDING, None
        issue.send_deadline = max(issue.send_deadline or utcnow(), utcnow() + services.send_window())
        # The rows keep the deadline they were queued with: without this, a retry after the first window
        # would expire at once instead of being sent.
        db.session.execute(sa.update(OutgoingMail).where(
            OutgoingMail.batch == issue.batch, OutgoingMail.status == "pending").values(expires_at=issue.send_deadline))
        db.session.flush()
    audit.record("newsletter.retry_failed", actor=editor, obj_type="newsletter_issue", obj_id=issue.id,
                 count=count)
    return count


def test_send(issue: Issue, editor: User) -> None:
    """The complete issue (every section) to the editor's own address, in the editor's language."""
    language = editor.locale if editor.locale in services.LANGUAGES else "nl"
    data = issue.snapshot if issue.status != IssueStatus.DRAFT else services.snapshot(issue)
    rendered = services.render(data, language, "*",
                               unsubscribe_url=services.activity.public_url("newsletter.unsubscribe_request"),
                               preferences_url=services.activity.public_url("newsletter.subscribe"))
    mail.queue_rendered(editor.email, "[TEST] " + rendered.subject, rendered.text, rendered.html,
                        batch=f"newsletter-test:{issue.id}")


def report(issue: Issue) -> dict:
    counts = mail.batch_counts(issue.batch)
    return {
        "counts": {status: counts.get(status, 0)
                   for status in ("sent", "pending", "sending", "failed", "unknown", "expired", "cancelled")},
        "failed": mail.batch_rows(issue.batch, ["failed"]),
        "unknown": mail.batch_rows(issue.batch, ["unknown"]),
    }


def _on_mail_failed(_sender=None, *, address: str, batch: str | None, error: str, **_extra) -> None:
    """A permanent refusal of a newsletter: the address bounces; its other queued issues are cancelled."""
    if not batch or not batch.startswith(BATCH_PREFIX):
        return
    db.session.execute(sa.update(Subscriber).where(
        Subscriber.email == address, Subscriber.status == SubscriberStatus.CONFIRMED)
        .values(status=SubscriberStatus.BOUNCING, bounced_at=utcnow(), bounce_reason=error[:500]))
    mail.cancel_pending(address, BATCH_PREFIX)
    db.session.commit()


mail.mail_failed.connect(_on_mail_failed)
