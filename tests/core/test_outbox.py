"""The outbox for mailings (the newsletter): bulk queuing, exactly-once delivery by any number of sender
processes, a sender killed mid-send, temporary and permanent refusals, placeholders, expiry and repair.

Every test counts what the real local SMTP server received, per recipient."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.core import mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail

ROOT = Path(__file__).resolve().parents[2]
BATCH = "newsletter:1"


def _body():
    return mail.new_body(
        "Nieuwsbrief 1",
        "Hallo [[name]],\n\nAfmelden: [[unsubscribe_url]]\n",
        '<p>Hallo [[name]],</p><p><a href="[[unsubscribe_url]]">Afmelden</a></p>',
    )


def _address(i: int) -> str:
    return f"lezer{i}@example.org"


def _rows(n: int, batch: str = BATCH, start: int = 0):
    for i in range(start, start + n):
        url = f"https://leercirkels.example/nieuwsbrief/afmelden/{i}?t=a&b"
        yield {
            "to": _address(i),
            "dedupe_key": f"{batch}:{i}",
            "headers": {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            "fields": {"name": f"Lezer <{i}>", "unsubscribe_url": url},
        }


def _queue(n: int, batch: str = BATCH, **kwargs) -> int:
    count = mail.queue_many(_rows(n, batch), body=_body(), batch=batch, **kwargs)
    db.session.commit()
    return count


def _statuses(batch: str = BATCH) -> dict[str, int]:
    db.session.commit()  # a fresh look at what the senders wrote
    return mail.batch_counts(batch)


def _row(address: str, batch: str = BATCH) -> OutgoingMail:
    return db.session.scalar(
        sa.select(OutgoingMail).where(OutgoingMail.to_address == address, OutgoingMail.batch == batch))


def _sender(app, smtp_server) -> subprocess.Popen:
    """``flask --app circles mail send`` in its own process, against the test database and SMTP server."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "MAIL_BACKEND": "smtp",
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "BASE_URL": "http://127.0.0.1:5000",
    }
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen([str(flask), "--app", "circles", "mail", "send", "--batch", "newsletter:"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


# --- queuing ----------------------------------------------------------------------------------------

def test_queue_many_adds_each_dedupe_key_once(app, mailbox):
    assert _queue(2000) == 2000
    body = _body()
    # the same mailing again: nobody is added twice; 100 new readers are
    assert mail.queue_many(_rows(2000), body=body, batch=BATCH) == 0
    assert mail.queue_many(_rows(2100), body=body, batch=BATCH) == 100
    db.session.commit()
    assert _statuses() == {"pending": 2100}
    message_ids = db.session.scalars(sa.select(OutgoingMail.message_id)).all()
    assert len(set(message_ids)) == 2100


def test_queue_many_writes_rows_in_bulk_not_a_statement_per_row(app, count_queries):
    """20,000 recipients go in with a few multi-row INSERTs (one ORM object or statement per row is what made
    queuing a mailing slow); how fast that is, is measured in bench/newsletter.py, not here."""
    body = _body()
    with count_queries() as queries:
        assert mail.queue_many(_rows(20_000), body=body, batch=BATCH) == 20_000
    db.session.commit()
    assert len(queries) <= 100, len(queries)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 20_000


# --- exactly once -----------------------------------------------------------------------------------

def test_two_sender_processes_at_once_deliver_one_message_to_each_reader(app, smtp_server, mailbox):
    _queue(2000)
    mailbox.parse = False  # count the envelope recipients only: thousands of messages
    # The first message is not answered before both senders have a message in flight: they really overlap.
    mailbox.hold = lambda: len(mailbox.peers) >= 2
    senders = [_sender(app, smtp_server) for _ in range(2)]
    for proc in senders:
        _finish(proc)
    assert mailbox.per_recipient() == {_address(i): 1 for i in range(2000)}
    assert _statuses() == {"sent": 2000}
    claimants = db.session.scalars(sa.select(OutgoingMail.claimed_by).distinct()).all()
    assert len(claimants) == 2  # both senders sent part of it


def test_a_sender_killed_mid_send_leaves_one_unknown_and_a_new_sender_sends_the_rest_once(app, smtp_server, mailbox):
    _queue(2000)
    mailbox.parse = False
    first = _sender(app, smtp_server)

    def kill_before_answering(count, msg, server):
        if count == 1000:  # the server has message 1000, the sender never hears so
            os.kill(first.pid, signal.SIGKILL)

    mailbox.on_data = kill_before_answering
    first.communicate(timeout=120)
    assert first.returncode == -signal.SIGKILL
    mailbox.on_data = None
    in_flight = mailbox.recipients[999]
    assert _statuses() == {"sent": 999, "sending": 1, "pending": 1000}

    _finish(_sender(app, smtp_server))
    assert mailbox.per_recipient() == {_address(i): 1 for i in range(2000)}
    assert _statuses() == {"sent": 1999, "unknown": 1}
    row = _row(in_flight)
    assert row.status == "unknown" and row.sent_at is None


def test_connection_lost_after_the_data_is_unknown_and_the_next_message_uses_a_new_connection(app, mailbox):
    _queue(3)

    def drop_second(count, msg, server):
        if count == 2:
            server.transport.close()

    mailbox.on_data = drop_second
    assert mail.deliver() == {"sent": 2, "retry": 0, "failed": 0, "unknown": 1, "expired": 0}
    assert mailbox.per_recipient() == {_address(0): 1, _address(1): 1, _address(2): 1}
    assert len(mailbox.peers) == 2
    assert _row(_address(1)).status == "unknown"
    # never resent silently
    assert mail.deliver()["sent"] == 0
    assert len(mailbox.messages) == 3


def test_a_connection_the_server_closed_between_messages_is_reopened(app, mailbox):
    _queue(2)
    app.config["MAIL_RATE_PER_SECOND"] = 5  # the sender waits a moment between the two messages

    def close_after_answering(count, msg, server):
        if count == 1:
            asyncio.get_running_loop().call_later(0.05, server.transport.close)

    mailbox.on_data = close_after_answering
    assert mail.deliver()["sent"] == 2
    assert mailbox.per_recipient() == {_address(0): 1, _address(1): 1}
    assert len(mailbox.peers) == 2


def test_a_row_that_cannot_be_built_fails_and_the_rest_goes_out(app, mailbox):
    db.session.add(OutgoingMail(to_address="kapot@example.org", subject="Kapot", body_text=None,
                                message_id="<kapot@leercirkels.example>", batch=BATCH))
    db.session.commit()
    _queue(1)
    assert mail.deliver()["sent"] == 1
    row = _row("kapot@example.org")
    assert row.status == "failed" and row.last_error.startswith("message could not be built")
    assert mailbox.per_recipient() == {_address(0): 1}


def test_one_connection_per_run(app, mailbox):
    _queue(20)
    assert mail.deliver()["sent"] == 20
    assert len(mailbox.peers) == 1


# --- refusals ---------------------------------------------------------------------------------------

def test_temporary_refusals_are_retried_and_permanent_ones_fail_and_are_reported(app, mailbox):
    app.config["MAIL_BACKOFF_SECONDS"] = (0, 0, 0, 0)
    _queue(200)
    later = {_address(i) for i in range(0, 200, 10)}
    never = {_address(i) for i in range(5, 200, 10)}
    for address in later:
        mailbox.script[address] = ["451 4.2.2 mailbox full, try later"]
    for address in never:
        mailbox.refuse[address] = "550 5.1.1 no such user"
    # the bouncing address is also waiting in the next issue: the newsletter stops that too
    mail.queue_many(_rows(200, batch="newsletter:2"), body=_body(), batch="newsletter:2")
    db.session.commit()
    reported = []

    def bouncing(sender, *, address, batch, error):
        reported.append((address, batch, error))
        mail.cancel_pending(address, "newsletter:")

    progress = []
    with mail.mail_failed.connected_to(bouncing):
        first = mail.deliver(batch_prefix=BATCH, on_progress=progress.append)
        second = mail.deliver(batch_prefix=BATCH)
        third = mail.deliver(batch_prefix=BATCH)

    assert first == {"sent": 160, "retry": 20, "failed": 20, "unknown": 0, "expired": 0}
    assert sorted(progress) == sorted(["sent"] * 160 + ["retry"] * 20 + ["failed"] * 20)
    assert second["sent"] == 20 and third["sent"] == 0
    assert mailbox.per_recipient() == {_address(i): 1 for i in range(200) if _address(i) not in never}
    assert _statuses() == {"sent": 180, "failed": 20}
    for address in never:
        row = _row(address)
        assert row.status == "failed" and row.last_error == "550 5.1.1 no such user"
    assert sorted(reported) == sorted((a, BATCH, "550 5.1.1 no such user") for a in never)
    assert _statuses("newsletter:2") == {"pending": 180, "cancelled": 20}
    assert {r.to_address for r in mail.batch_rows("newsletter:2", ["cancelled"])} == never


def test_refused_after_the_data_marks_bouncing_only_when_the_answer_is_about_the_address(app, mailbox):
    _queue(3)
    mailbox.refuse_data[_address(0)] = "550 5.1.1 user unknown"
    mailbox.refuse_data[_address(1)] = "554 5.7.1 message looks like spam"
    reported = []
    with mail.mail_failed.connected_to(lambda sender, **kw: reported.append(kw["address"])):
        assert mail.deliver() == {"sent": 1, "retry": 0, "failed": 2, "unknown": 0, "expired": 0}
    assert reported == [_address(0)]
    assert _row(_address(1)).last_error == "554 5.7.1 message looks like spam"
    assert mailbox.per_recipient() == {_address(2): 1}


def test_an_unreachable_server_stops_the_run_and_keeps_the_rest_untouched(app, mailbox):
    _queue(3)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    assert mail.deliver() == {"sent": 0, "retry": 1, "failed": 0, "unknown": 0, "expired": 0}
    assert sorted(r.attempts for r in mail.batch_rows(BATCH, ["pending"])) == [0, 0, 1]
    app.config["MAIL_PORT"] = port
    assert mail.deliver()["sent"] == 2  # the one that was tried waits for its back-off
    assert len(mailbox.messages) == 2


def test_a_temporary_refusal_after_the_last_retry_fails(app, mailbox):
    app.config["MAIL_BACKOFF_SECONDS"] = (0, 0)
    _queue(1)
    mailbox.script[_address(0)] = ["451 try later"] * 3
    assert [mail.deliver()["retry"] for _ in range(2)] == [1, 1]
    assert mail.deliver()["failed"] == 1
    row = _row(_address(0))
    assert row.status == "failed" and row.attempts == 3 and row.last_error == "451 try later"
    assert mailbox.messages == []


def test_backoff_waits_the_configured_time(app, mailbox):
    app.config["MAIL_BACKOFF_SECONDS"] = (300,)
    _queue(1)
    mailbox.script[_address(0)] = ["451 try later"]
    before = utcnow()
    assert mail.deliver()["retry"] == 1
    row = _row(_address(0))
    assert row.status == "pending"
    assert timedelta(seconds=299) < row.next_attempt_at - before < timedelta(seconds=310)
    assert mail.deliver()["sent"] == 0  # not yet due


def test_retry_failed_sends_the_failed_ones_again(app, mailbox):
    _queue(3)
    mailbox.refuse[_address(1)] = "550 5.2.1 mailbox disabled"
    mail.deliver()
    assert _statuses() == {"sent": 2, "failed": 1}
    assert [r.last_error for r in mail.batch_rows(BATCH, ["failed"])] == ["550 5.2.1 mailbox disabled"]
    mailbox.refuse.clear()
    assert mail.requeue_failed(BATCH) == 1
    db.session.commit()
    assert _statuses() == {"sent": 2, "pending": 1}
    assert mail.deliver()["sent"] == 1
    assert mailbox.per_recipient() == {_address(0): 1, _address(1): 1, _address(2): 1}
    assert mail.requeue_failed(BATCH) == 0


# --- the message ------------------------------------------------------------------------------------

def test_placeholders_headers_and_a_fixed_message_id_per_reader(app, mailbox, count_queries):
    _queue(5)
    with count_queries() as queries:
        assert mail.deliver()["sent"] == 5
    assert sum("FROM mail_bodies" in q for q in queries.statements) == 1  # the shared body is read once
    ids = set()
    for i in range(5):
        [msg] = mailbox.to(_address(i))
        url = f"https://leercirkels.example/nieuwsbrief/afmelden/{i}?t=a&b"
        assert msg["Subject"] == "Nieuwsbrief 1"
        assert f"Hallo Lezer <{i}>," in mailbox.text(msg)
        assert f"Afmelden: {url}" in mailbox.text(msg)
        html = mailbox.html(msg)
        assert f"Hallo Lezer &lt;{i}&gt;," in html
        assert f'href="{url.replace("&", "&amp;")}"' in html
        assert msg["List-Unsubscribe"] == f"<{url}>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["Message-ID"].strip() == _row(_address(i)).message_id
        ids.add(msg["Message-ID"])
    assert len(ids) == 5


def test_rate_limit_spaces_the_messages(app, mailbox):
    app.config["MAIL_RATE_PER_SECOND"] = 20
    _queue(5)
    started = time.monotonic()
    assert mail.deliver()["sent"] == 5
    assert time.monotonic() - started >= 0.19  # four gaps of 1/20 s


# --- which rows a run takes -------------------------------------------------------------------------

def test_expired_rows_are_never_sent(app, mailbox):
    _queue(3, batch="newsletter:1", expires_at=utcnow() - timedelta(minutes=1))
    _queue(2, batch="newsletter:2", expires_at=utcnow() + timedelta(hours=1))
    assert mail.deliver() == {"sent": 2, "retry": 0, "failed": 0, "unknown": 0, "expired": 3}
    assert _statuses("newsletter:1") == {"expired": 3}
    assert _statuses("newsletter:2") == {"sent": 2}
    assert len(mailbox.messages) == 2


def test_batch_prefix_and_ids_limit_what_is_sent(app, mailbox):
    _queue(2, batch="newsletter:1")
    _queue(2, batch="other:1")
    assert mail.deliver(batch_prefix="newsletter:")["sent"] == 2
    assert _statuses("other:1") == {"pending": 2}
    [other_id, _] = db.session.scalars(
        sa.select(OutgoingMail.id).where(OutgoingMail.batch == "other:1").order_by(OutgoingMail.id)).all()
    assert mail.deliver(ids=[other_id])["sent"] == 1
    assert _statuses("other:1") == {"sent": 1, "pending": 1}
    assert mail.deliver(limit=0)["sent"] == 0


def test_cancel_pending_stops_one_address_in_matching_batches(app, mailbox):
    _queue(2, batch="newsletter:1")
    _queue(2, batch="newsletter:2")
    _queue(2, batch="other:1")
    assert mail.cancel_pending(_address(0), "newsletter:") == 2
    db.session.commit()
    mail.deliver()
    assert mailbox.per_recipient() == {_address(0): 1, _address(1): 3}  # only the "other" mailing
    assert _statuses("newsletter:1") == {"sent": 1, "cancelled": 1}
    assert mail.cancel_pending(_address(1), "newsletter:") == 0  # already sent: nothing to cancel


def test_claims_of_dead_senders_become_unknown(app, mailbox):
    _queue(4)
    dead_pid = _dead_pid()
    host = mail._sender_name().rpartition(":")[0]
    claims = {
        _address(0): (f"{host}:{dead_pid}", utcnow()),  # this host, process gone: unknown at once
        _address(1): (f"{host}:{os.getpid()}", utcnow()),  # this host, still running: its claim stands
        _address(2): ("elders:123", utcnow() - timedelta(minutes=1)),  # another host, recent: wait
        _address(3): ("elders:123", utcnow() - timedelta(hours=1)),  # another host, long ago: unknown
    }
    for address, (claimed_by, claimed_at) in claims.items():
        row = _row(address)
        row.status, row.claimed_by, row.claimed_at = "sending", claimed_by, claimed_at
    db.session.commit()
    mail.deliver()
    assert [_row(_address(i)).status for i in range(4)] == ["unknown", "sending", "sending", "unknown"]
    assert mailbox.messages == []


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_rendered_message_goes_out_as_it_is(app, mailbox):
    row = mail.queue_rendered("redacteur@example.org", "[TEST] Nieuwsbrief", "Tekst [[name]]", "<p>HTML</p>",
                              batch="newsletter-test:1")
    db.session.commit()
    assert mail.deliver(batch_prefix="newsletter-test:")["sent"] == 1
    [msg] = mailbox.messages
    assert msg["Subject"] == "[TEST] Nieuwsbrief"
    assert mailbox.text(msg).strip() == "Tekst [[name]]"  # no fields: nothing is filled in
    assert "<p>HTML</p>" in mailbox.html(msg)
    assert msg["Message-ID"].strip() == row.message_id
