"""Sending an issue with the newsletter's own worker (``flask newsletter send``), counted per recipient on a
real local SMTP server: 2,000 confirmed subscribers and two copies of the worker at once (as two cron jobs on
two servers would), or a worker killed half-way (SIGKILL) and started again; and a server that refuses some
addresses for now (451) and others for good (550). Everyone gets exactly one message, or is marked bouncing.
The outbox underneath is tested on its own in tests/core/test_outbox.py."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from circles.accounts.models import Role, User
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.newsletter import sending, services
from circles.newsletter.models import CONSENT_VERSION, Issue, IssueStatus, Subscriber, SubscriberStatus

ROOT = Path(__file__).resolve().parents[2]
READERS = 2000


def _reader(i: int) -> str:
    return f"abonnee{i}@voorbeeld.nl"


def _sending(readers: int, create_user, make_package) -> Issue:
    """An issue with one package, approved and being sent to ``readers`` confirmed subscribers (committed)."""
    make_package(title="Assistent-conciërge")
    db.session.execute(sa.insert(Subscriber), [
        {"email": _reader(i), "status": "confirmed", "language": "en" if i % 5 == 0 else "nl",
         "sectors": [], "regions": [], "consent_version": CONSENT_VERSION, "confirmed_at": utcnow()}
        for i in range(readers)])
    editor = create_user(role=Role.EDITOR)
    issue = services.new_issue(editor, utcnow())
    services.freeze(issue, editor, utcnow())
    assert sending.start(issue, editor, utcnow()) == readers
    db.session.commit()
    return issue


def _fresh(issue: Issue) -> Issue:
    """The issue as the worker left it (a new transaction sees what the other processes committed)."""
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Issue, issue.id)


def _worker(app, smtp_server) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_server.port), "MAIL_BACKEND": "smtp", "SECRET_KEY": app.config["SECRET_KEY"],
           "BASE_URL": "http://127.0.0.1:5000"}
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen([str(flask), "--app", "circles", "newsletter", "send", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_at_once_send_each_of_2000_subscribers_one_message(app, smtp_server, mailbox, create_user,
                                                                        make_package):
    issue = _sending(READERS, create_user, make_package)
    mailbox.parse = False  # count envelope recipients: thousands of messages
    mailbox.hold = lambda: len(mailbox.peers) >= 2  # the workers really overlap
    workers = [_worker(app, smtp_server) for _ in range(2)]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    assert mailbox.per_recipient() == {_reader(i): 1 for i in range(READERS)}
    issue = _fresh(issue)
    assert issue.status == IssueStatus.SENT
    assert sending.report(issue)["counts"]["sent"] == READERS


def test_a_worker_killed_half_way_and_started_again_sends_each_of_2000_subscribers_one_message(
        app, smtp_server, mailbox, create_user, make_package):
    issue = _sending(READERS, create_user, make_package)
    mailbox.parse = False
    killed: list[subprocess.Popen] = []

    def kill_before_answering(count, msg, server):
        if count == READERS // 2:  # the server has this message; the worker never hears so
            os.kill(killed[0].pid, signal.SIGKILL)

    mailbox.on_data = kill_before_answering
    killed.append(_worker(app, smtp_server))
    killed[0].communicate(timeout=300)
    assert killed[0].returncode == -signal.SIGKILL
    mailbox.on_data = None
    in_flight = mailbox.recipients[READERS // 2 - 1]
    assert _fresh(issue).status == IssueStatus.SENDING

    again = _worker(app, smtp_server)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert mailbox.per_recipient() == {_reader(i): 1 for i in range(READERS)}
    issue = _fresh(issue)
    assert issue.status == IssueStatus.SENT
    # The message in flight when the worker died is reported as "unknown", never sent a second time.
    report = sending.report(issue)
    assert (report["counts"]["sent"], report["counts"]["unknown"], report["counts"]["pending"]) == (READERS - 1, 1, 0)
    assert [row.to_address for row in report["unknown"]] == [in_flight]


def test_451s_are_delivered_after_retry_and_550s_bounce_nobody_lost_nobody_twice(app, runner, mailbox, create_user,
                                                                                  make_package):
    app.config["MAIL_BACKOFF_SECONDS"] = (0, 0, 0, 0)  # the next run may retry at once
    readers = 60
    issue = _sending(readers, create_user, make_package)
    later = {_reader(i) for i in range(0, readers, 10)}
    never = {_reader(i) for i in range(5, readers, 10)}
    for address in later:
        mailbox.script[address] = ["451 4.2.2 mailbox full, try later"]
    for address in never:
        mailbox.refuse[address] = "550 5.1.1 no such user"

    first = runner.invoke(args=["newsletter", "send"])  # by hand: with its progress bar
    assert first.exit_code == 0, first.output
    assert "Nieuwsbrief versturen" in first.output
    assert "failed: 6, retry: 6, sent: 48" in first.output
    assert _fresh(issue).status == IssueStatus.SENDING  # the 451s wait for the next run
    second = runner.invoke(args=["newsletter", "send", "--quiet"])
    assert second.exit_code == 0, second.output
    assert f"issue {issue.number}: sent" in second.output

    assert mailbox.per_recipient() == {_reader(i): 1 for i in range(readers) if _reader(i) not in never}
    issue = _fresh(issue)
    report = sending.report(issue)
    assert (report["counts"]["sent"], report["counts"]["failed"], report["counts"]["pending"]) == (54, 6, 0)
    assert {row.to_address: row.last_error for row in report["failed"]} == {
        address: "550 5.1.1 no such user" for address in never}
    statuses = dict(db.session.execute(sa.select(Subscriber.email, Subscriber.status)).all())
    assert {address for address, status in statuses.items() if status == SubscriberStatus.BOUNCING} == never
    assert all(statuses[address] == SubscriberStatus.CONFIRMED for address in later)



def test_retry_failed_after_the_send_window_gives_the_retried_messages_a_new_window(app, runner, mailbox,
                                                                                    create_user, make_package):
    issue = _sending(3, create_user, make_package)
    mailbox.refuse[_reader(1)] = "550 5.2.1 mailbox disabled"
    assert runner.invoke(args=["newsletter", "send", "--quiet"]).exit_code == 0
    issue = _fresh(issue)
    assert issue.status == IssueStatus.SENT and sending.report(issue)["counts"]["failed"] == 1
    # Days later, after the send window, the reader's mailbox works again and the editor presses "retry failed".
    over = utcnow() - timedelta(hours=1)
    issue.send_deadline = over
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.batch == issue.batch).values(expires_at=over))
    db.session.commit()
    mailbox.refuse.clear()
    assert sending.retry_failed(issue, db.session.get(User, issue.created_by_id)) == 1
    db.session.commit()
    assert runner.invoke(args=["newsletter", "send", "--quiet"]).exit_code == 0
    assert mailbox.per_recipient() == {_reader(i): 1 for i in range(3)}
    issue = _fresh(issue)
    assert issue.status == IssueStatus.SENT
    counts = sending.report(issue)["counts"]
    assert (counts["sent"], counts["failed"], counts["expired"]) == (3, 0, 0)
