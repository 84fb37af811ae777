"""The mail outbox against a real local SMTP server: text + HTML, sent once, retried, failures kept."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from circles.core import mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail


def _queue(n: int, prefix: str = "ontvanger") -> list[int]:
    ids = [mail.queue_mail(f"{prefix}{i}@example.org", "Onderwerp", "accounts/email/reset_password",
                           user=type("U", (), {"name": f"Persoon {i}"})(), token="abc").id for i in range(n)]
    db.session.commit()
    return ids


def test_message_has_text_and_html_parts_and_a_fixed_message_id(app, mailbox):
    [mail_id] = _queue(1)
    assert mail.deliver()["sent"] == 1
    [msg] = mailbox.messages
    assert msg["To"] == "ontvanger0@example.org"
    assert "Persoon 0" in mailbox.text(msg)
    assert '<html lang="nl">' in mailbox.html(msg)
    assert msg["Message-ID"].strip() == db.session.get(OutgoingMail, mail_id).message_id


def test_delivering_twice_sends_each_message_once(app, mailbox):
    _queue(3)
    mail.deliver()
    mail.deliver()
    assert sorted(m["To"] for m in mailbox.messages) == [f"ontvanger{i}@example.org" for i in range(3)]


def test_concurrent_senders_never_send_one_message_twice(app, mailbox):
    _queue(30)
    errors = []

    def worker():
        try:
            with app.app_context():
                mail.deliver()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    recipients = [m["To"] for m in mailbox.messages]
    assert len(recipients) == 30
    assert len(set(recipients)) == 30


def test_smtp_server_down_keeps_the_message_for_a_retry(app, mailbox):
    [mail_id] = _queue(1)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    assert mail.deliver()["retry"] == 1
    row = db.session.get(OutgoingMail, mail_id)
    assert row.status == "pending" and row.attempts == 1
    # back up; once the back-off has passed it goes out, once
    app.config["MAIL_PORT"] = port
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail.deliver()["sent"] == 1
    assert mail.deliver()["sent"] == 0
    assert len(mailbox.messages) == 1


def test_permanent_refusal_is_marked_failed_and_not_retried(app, mailbox):
    mailbox.refuse["weg@example.org"] = "550 5.1.1 no such user"
    mail.queue_mail("weg@example.org", "Onderwerp", "accounts/email/reset_password",
                    user=type("U", (), {"name": "X"})(), token="t")
    db.session.commit()
    assert mail.deliver()["failed"] == 1
    row = db.session.scalar(sa.select(OutgoingMail))
    assert row.status == "failed" and row.last_error.startswith("550")
    assert mail.deliver() == {"sent": 0, "retry": 0, "failed": 0, "unknown": 0, "expired": 0}


def test_temporary_refusal_is_retried_later(app, mailbox):
    mailbox.refuse["vol@example.org"] = "451 4.2.2 mailbox full, try later"
    mail.queue_mail("vol@example.org", "Onderwerp", "accounts/email/reset_password",
                    user=type("U", (), {"name": "X"})(), token="t")
    db.session.commit()
    assert mail.deliver()["retry"] == 1
    row = db.session.scalar(sa.select(OutgoingMail))
    assert row.status == "pending" and row.next_attempt_at > utcnow()
    mailbox.refuse.clear()
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail.deliver()["sent"] == 1
    assert [m["To"] for m in mailbox.messages] == ["vol@example.org"]


def test_a_sender_that_died_mid_send_leaves_an_unknown_not_a_duplicate(app, mailbox):
    [mail_id] = _queue(1)
    row = db.session.get(OutgoingMail, mail_id)
    row.status = "sending"
    row.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    mail.deliver()
    assert db.session.get(OutgoingMail, mail_id).status == "unknown"
    assert mailbox.messages == []


def test_cli_sends_the_outbox(app, runner, mailbox):
    _queue(2)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent: 2" in result.output
    assert len(mailbox.messages) == 2


def test_attachments_arrive(app, mailbox):
    mail.queue_mail("bijlage@example.org", "Met bijlage", "accounts/email/reset_password",
                    user=type("U", (), {"name": "X"})(), token="t",
                    attachments=[("bijeenkomst.ics", "text/calendar; method=REQUEST",
                                  b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    db.session.commit()
    mail.deliver()
    [msg] = mailbox.messages
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "bijeenkomst.ics"
    assert part.get_content_type() == "text/calendar"
    assert b"BEGIN:VCALENDAR" in part.get_payload(decode=True)
