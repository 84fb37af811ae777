"""Sending an issue to 2,000 confirmed subscribers with the newsletter's own worker, two copies at once
(as two cron jobs on two servers would): everyone gets exactly one message, counted on the SMTP server.
The outbox underneath is tested on its own (a sender killed half-way, refusals) in tests/core/test_outbox.py."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.newsletter import sending, services
from circles.newsletter.models import CONSENT_VERSION, Issue, IssueStatus, Subscriber

ROOT = Path(__file__).resolve().parents[2]
READERS = 2000


def _worker(app, smtp_server) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_server.port), "MAIL_BACKEND": "smtp", "SECRET_KEY": app.config["SECRET_KEY"],
           "BASE_URL": "http://127.0.0.1:5000"}
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen([str(flask), "--app", "circles", "newsletter", "send", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_at_once_send_each_of_2000_subscribers_one_message(app, smtp_server, mailbox, create_user,
                                                                        make_package):
    make_package(title="Assistent-conciërge")
    db.session.execute(sa.insert(Subscriber), [
        {"email": f"abonnee{i}@voorbeeld.nl", "status": "confirmed", "language": "en" if i % 5 == 0 else "nl",
         "sectors": [], "regions": [], "consent_version": CONSENT_VERSION, "confirmed_at": utcnow()}
        for i in range(READERS)])
    editor = create_user(role=Role.EDITOR)
    issue = services.new_issue(editor, utcnow())
    services.freeze(issue, editor, utcnow())
    assert sending.start(issue, editor, utcnow()) == READERS
    db.session.commit()

    mailbox.parse = False  # count envelope recipients: thousands of messages
    mailbox.hold = lambda: len(mailbox.peers) >= 2  # the workers really overlap
    workers = [_worker(app, smtp_server) for _ in range(2)]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    assert mailbox.per_recipient() == {f"abonnee{i}@voorbeeld.nl": 1 for i in range(READERS)}
    db.session.expire_all()
    issue = db.session.get(Issue, issue.id)
    assert issue.status == IssueStatus.SENT
    assert sending.report(issue)["counts"]["sent"] == READERS
