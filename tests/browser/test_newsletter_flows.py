"""The newsletter as people use it, in real Chromium: a visitor subscribes and confirms from the e-mail
that reached a real local SMTP server; an editor composes the next issue (the draft already holds the
newest package and the upcoming regional meeting), reorders, previews, test-sends, approves and sends;
the worker runs as cron would; the reader's message has both parts and one-click unsubscribe headers,
and a bare POST to that link unsubscribes. And: the composer's error state is accessible, and so are the
states of the newsletter's pages that the inventory's walk (tests/browser/test_accessibility.py) does not
reach: a fresh confirmation, broken links, "you are unsubscribed", preferences of an ended subscription,
an approved issue waiting to be sent, and a send report with failed and unknown deliveries."""

import hashlib
import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.newsletter import sending, services
from circles.newsletter.models import CONSENT_VERSION, Issue, IssueStatus, Subscriber
from circles.newsletter.subscriptions import services as subscriptions
from tests.browser.conftest import new_context
from tests.browser.test_accessibility import LANGUAGES, check_page, open_in, report
from tests.browser.test_flows import expect_message, log_in
from tests.newsletter.conftest import create_circle, create_meeting, make_package, regional_meeting  # noqa: F401

pytestmark = pytest.mark.browser

VISITOR = "sanne.lezer@voorbeeld.nl"
NEWEST = "Medewerker groenonderhoud Zuidas"
OLDER = "Assistent facilitaire dienst"
MEETING = "Regiobijeenkomst Rijnmond: banen in het groen"
SUBJECT = "Groen werk in de wijk"


def labelled(action: str, title: str) -> re.Pattern:
    """A button "Omhoog" whose hidden text names the item: Chromium reads it as "Omhoog : <title>"."""
    return re.compile(rf"^{action}\s*:\s*{re.escape(title)}$")


def wait_for_mail(mailbox, address: str, what, seconds: float = 10):
    """The first message to ``address`` for which ``what(msg)`` holds, waiting for it to arrive."""
    deadline = time.monotonic() + seconds
    while True:
        found = [m for m in mailbox.to(address) if what(m)]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no such message for {address}: {[m['Subject'] for m in mailbox.messages]}"
        time.sleep(0.05)


def test_subscribe_confirm_compose_preview_approve_send_and_unsubscribe_in_one_click(
        page, browser, live_server, app, create_user, make_package, regional_meeting, mailbox):  # noqa: F811
    # E-mails link to the public address: here, the site the browser uses.
    app.config["BASE_URL"] = live_server.url
    make_package(title=OLDER)
    make_package(title=NEWEST)  # published a minute later: the newest
    regional_meeting(days=10, title=MEETING)

    # A visitor without an account subscribes.
    page.goto(live_server("/nieuwsbrief"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden voor de nieuwsbrief")
    expect(page.get_by_role("main")).to_contain_text("Tweewekelijks")
    page.get_by_label("E-mailadres", exact=True).fill(VISITOR)
    page.get_by_label("Naam (niet verplicht)").fill("Sanne de Lezer")
    page.get_by_role("group", name="Sectoren").get_by_label("Gemeenten").check()
    consent = page.get_by_label(re.compile("Ja, ik wil de nieuwsbrief"))
    expect(consent).not_to_be_checked()
    consent.check()
    page.get_by_role("button", name="Aanmelden voor de nieuwsbrief", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijna klaar: kijk in uw e-mail")

    # The confirmation e-mail arrived at the SMTP server; the visitor follows its link.
    confirmation = wait_for_mail(mailbox, VISITOR, lambda m: "List-Unsubscribe" not in m)
    [link] = [u for u in mailbox.links(confirmation) if "/nieuwsbrief/bevestigen/" in u]
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw aanmelding is bevestigd")
    expect(page.get_by_role("main")).to_contain_text("U ontvangt de nieuwsbrief voortaan elke twee weken")

    # An editor opens "Redactie" from the main menu and drafts the next issue.
    editor = create_user("redacteur@example.org", name="Eva Redacteur", role=Role.EDITOR)
    editing = new_context(browser)
    desk = editing.new_page()
    log_in(desk, live_server, editor.email)
    expect_message(desk, "U bent ingelogd.")
    desk.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Redactie").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Redactie nieuwsbrief")
    desk.get_by_role("button", name="Nieuwe editie opstellen").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Editie 1 opstellen")
    main = desk.get_by_role("main")
    expect(main.get_by_role("link", name=NEWEST)).to_be_visible()
    expect(main.get_by_role("link", name=MEETING)).to_be_visible()

    # Writes an introduction and moves the newest package up to lead (the move saves what was typed).
    desk.get_by_label("Onderwerp (niet verplicht)", exact=True).fill(SUBJECT)
    desk.get_by_label("Inleiding", exact=True).fill("Deze keer veel **groen** werk.")
    packages = main.locator("section.compose-section").filter(has=desk.get_by_role("link", name=NEWEST))
    expect(packages.locator("li.compose-item h3")).to_have_text([OLDER, NEWEST])
    packages.get_by_role("button", name=labelled("Omhoog", NEWEST)).click()
    expect(packages.locator("li.compose-item h3")).to_have_text([NEWEST, OLDER])
    expect(packages.get_by_role("button", name=labelled("Omhoog", NEWEST))).to_be_disabled()
    expect(desk.get_by_label("Inleiding", exact=True)).to_have_value("Deze keer veel **groen** werk.")
    desk.get_by_role("button", name="Editie opslaan").click()
    expect_message(desk, "De editie is opgeslagen.")
    expect(desk.get_by_label("Onderwerp (niet verplicht)", exact=True)).to_have_value(SUBJECT)

    # Preview and checks: wide and narrow frames, the plain text; a test version to the editor.
    desk.get_by_role("link", name="Voorbeeld en controles").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Voorbeeld van editie 1")
    expect(desk.get_by_role("heading", name="Op een computer (600 pixels breed)")).to_be_visible()
    expect(desk.get_by_role("heading", name="Op een telefoon (320 pixels breed)")).to_be_visible()
    wide = desk.frame_locator("iframe.email-frame--wide")
    expect(wide.get_by_role("link", name=NEWEST).first).to_be_visible()
    narrow = desk.frame_locator("iframe.email-frame--narrow")
    expect(narrow.get_by_text("Deze keer veel").first).to_be_visible()
    text = desk.locator("pre.email-text")
    expect(text).to_contain_text(NEWEST)
    expect(text).to_contain_text(MEETING)
    expect(text).to_contain_text("Deze keer veel **groen** werk.")  # Markdown reads well as plain text
    desk.get_by_role("button", name="Testversie naar mijzelf sturen").click()
    expect_message(desk, "Een testversie is verstuurd naar redacteur@example.org.")
    test_mail = wait_for_mail(mailbox, editor.email, lambda m: "[TEST]" in m["Subject"])
    assert SUBJECT in test_mail["Subject"]
    assert mailbox.to(VISITOR) == [confirmation], "the test version went to the editor only"

    # Approve and freeze, then send; the worker runs as cron would.
    desk.get_by_role("button", name="Goedkeuren en vastleggen").click()
    expect_message(desk, "Editie 1 is goedgekeurd en vastgelegd.")
    desk.get_by_role("button", name="Nu versturen").click()
    expect_message(desk, "Editie 1 gaat naar 1 abonnee.")
    result = app.test_cli_runner().invoke(args=["newsletter", "send", "--quiet"])
    assert result.exit_code == 0, result.output
    desk.reload()
    report = desk.get_by_role("region", name="Verzendrapport")
    expect(report.locator("dt", has_text=re.compile(r"^Verzonden$")).locator("+ dd")).to_have_text("1")
    expect(report.locator("dt", has_text=re.compile(r"^Mislukt$")).locator("+ dd")).to_have_text("0")
    expect(desk.locator("dt", has_text=re.compile(r"^Status$")).locator("+ dd")).to_have_text("Verzonden")
    editing.close()

    # The reader's message: text and HTML, one-click unsubscribe headers, the newest package in both.
    message = wait_for_mail(mailbox, VISITOR, lambda m: "List-Unsubscribe" in m)
    assert message["Subject"] == SUBJECT
    plain, html = mailbox.text(message), mailbox.html(message)
    assert NEWEST in plain and NEWEST in html
    assert plain.index(NEWEST) < plain.index(OLDER) and html.index(NEWEST) < html.index(OLDER)  # as reordered
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    targets = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    [web] = [t for t in targets if t.startswith(("https://", "http://"))]
    assert any(t.startswith("mailto:") for t in targets), message["List-Unsubscribe"]

    # A mail client's one-click POST: no cookies, no CSRF token, only the form body of RFC 8058.
    mail_client = browser.new_context()
    try:
        response = mail_client.request.post(web, form={"List-Unsubscribe": "One-Click"})
        assert response.status == 200, response.text()
    finally:
        mail_client.close()
    db.session.rollback()  # see what the server's threads committed
    reader = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == VISITOR))
    assert reader.status == "unsubscribed"

    # The issue is in the public archive.
    page.goto(live_server("/nieuwsbrief/archief"))
    expect(page.get_by_role("main").get_by_role("link", name=re.compile(SUBJECT))).to_be_visible()
    issue = db.session.scalar(sa.select(Issue))
    assert issue.status == IssueStatus.SENT


def test_the_composers_error_state_is_accessible(page, live_server, copy_login, create_user,
                                                 make_package):  # noqa: F811
    editor = create_user(role=Role.EDITOR)
    make_package(title=NEWEST)
    issue = services.new_issue(editor, utcnow())
    db.session.commit()
    copy_login(page.context, editor)

    page.goto(live_server(f"/nieuwsbrief/redactie/{issue.id}"))
    page.get_by_label("Verschijningsdatum", exact=True).fill("31-02-2026")
    page.get_by_label("Inleiding", exact=True).fill("Wat ik net schreef, blijft staan.")
    page.get_by_role("button", name="Editie opslaan").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Er is een probleem")
    expect(summary).to_contain_text("Vul een datum in zoals 03-12-2026.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Inleiding", exact=True)).to_have_value("Wat ik net schreef, blijft staan.")
    expect(page.get_by_label("Verschijningsdatum", exact=True)).to_have_attribute("aria-invalid", "true")
    assert check_page(page, "nl", "composer with an impossible date") == []
    db.session.rollback()
    assert db.session.get(Issue, issue.id).intro == ""  # nothing was saved


def _subscriber(email: str, status: str, token: str = "") -> Subscriber:
    """A subscriber (committed); ``token``: the one its confirmation link carries."""
    sub = Subscriber(email=email, status=status, consent_version=CONSENT_VERSION, confirm_sent_at=utcnow(),
                     confirm_token_hash=hashlib.sha256(token.encode()).hexdigest() if token else None)
    db.session.add(sub)
    db.session.commit()
    return sub


def test_the_states_the_inventory_walk_does_not_reach_are_accessible(page, live_server, copy_login, create_user,
                                                                     make_package):  # noqa: F811
    problems = []

    def check(url: str, lang: str, status: int = 200, where: str = "") -> None:
        where = f"{url} [{lang}{where}]"
        response = open_in(page, live_server, url, lang)
        if response.status != status:
            problems.append(f"{where}: answered {response.status}, expected {status}")
        else:
            problems.extend(check_page(page, lang, where))

    for lang in LANGUAGES:
        _subscriber(f"nieuw.{lang}@voorbeeld.nl", "pending", token=f"token-{lang}")
        # A fresh confirmation (the walk sees only "already confirmed": its subscriber is confirmed).
        check(f"/nieuwsbrief/bevestigen/token-{lang}", lang)
        db.session.rollback()  # see what the server's threads committed
        fresh = sa.select(Subscriber.status).where(Subscriber.email == f"nieuw.{lang}@voorbeeld.nl")
        assert db.session.scalar(fresh) == "confirmed"
        check("/nieuwsbrief/bevestigen/ongeldig", lang, 404)
        check("/nieuwsbrief/afmelden/ongeldig", lang, 400)
        reader = _subscriber(f"lezer.{lang}@voorbeeld.nl", "confirmed")
        open_in(page, live_server, f"/nieuwsbrief/afmelden/{subscriptions.unsubscribe_token(reader)}", lang)
        page.get_by_role("main").get_by_role("button").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "U bent afgemeld" if lang == "nl" else "You have unsubscribed")
        problems.extend(check_page(page, lang, f"unsubscribed [{lang}]"))
        check(f"/nieuwsbrief/voorkeuren/{subscriptions.preferences_token(reader)}", lang, where=", ended")
        expect(page.locator("main form")).to_have_count(0)  # nothing to change: it offers to sign up again

    # An editor: a send report with a failed and an unknown delivery, and an approved issue waiting.
    editor = create_user(role=Role.EDITOR)
    make_package(title=NEWEST)
    for n in range(3):
        _subscriber(f"abonnee{n}@voorbeeld.nl", "confirmed")
    went = services.new_issue(editor, utcnow())
    services.freeze(went, editor, utcnow())
    sending.start(went, editor, utcnow())
    rows = list(db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.batch == went.batch)
                                   .order_by(OutgoingMail.id)))
    rows[0].status, rows[0].last_error, rows[0].attempts = "failed", "550 5.1.1 no such user", 1
    rows[1].status, rows[1].last_error, rows[1].attempts = "unknown", "Connection unexpectedly closed", 1
    rows[2].status = "sent"
    sending.finish()
    waiting = services.new_issue(editor, utcnow())
    services.freeze(waiting, editor, utcnow())
    db.session.commit()
    copy_login(page.context, editor)
    for lang in LANGUAGES:
        check(f"/nieuwsbrief/redactie/{went.id}/status", lang, where=", report with failures")
        expect(page.get_by_role("main").get_by_role("table")).to_have_count(2)  # failed, unknown
        expect(page.get_by_role("main")).to_contain_text("550 5.1.1 no such user")
        check(f"/nieuwsbrief/redactie/{waiting.id}/status", lang, where=", approved")
        expect(page.get_by_role("main").get_by_role("button")).to_have_count(2)  # send, back to draft
    assert not problems, report(problems)
