"""The composer: drafting from the platform, the memory of what went out, editing, checks, approval,
sending through the outbox, the send report and the archive."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core import mail
from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.newsletter import sending, services
from circles.newsletter.models import Issue, IssueItem, IssueStatus
from tests.conftest import post_form


@pytest.fixture
def editor(login_as):
    return login_as(Role.EDITOR)


def _new_issue(client) -> Issue:
    response = post_form(client, "/nieuwsbrief/redactie/nieuw", {}, page="/nieuwsbrief/redactie")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(sa.select(Issue).order_by(Issue.number.desc()).limit(1))


def _press(client, issue: Issue, action: str, page: str = "", **kwargs):
    """Press an editor's button (a POST with only a CSRF token) on the issue's page ``page``."""
    return post_form(client, f"/nieuwsbrief/redactie/{issue.id}/{action}", {},
                     page=f"/nieuwsbrief/redactie/{issue.id}{page}", **kwargs)


def _titles(issue: Issue) -> list[str]:
    db.session.refresh(issue)
    return [item.title for section in issue.sections for item in sorted(section.items, key=lambda i: i.position)]


def _compose_data(client, issue: Issue) -> dict:
    """The composer form as the browser would send it unchanged."""
    html = client.get(f"/nieuwsbrief/redactie/{issue.id}").get_data(as_text=True)
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"[^>]*checked', html):
        data[name] = "y"
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?([^<]*)</textarea>', html):
        data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = chosen.group(1) or chosen.group(2)
    data.pop("csrf_token", None)
    return {k: v for k, v in data.items() if not k.startswith(("title", "sectors", "regions"))}


# --- drafting -------------------------------------------------------------------------------------

def test_a_new_issue_proposes_new_public_content_and_the_regional_meetings_ahead(
        client, editor, make_package, make_case, regional_meeting):
    make_package(title="Assistent-conciërge")
    make_package(title="Alleen voor de cirkel", visibility="circle")
    make_package(title="Nog een concept", status="draft")
    make_case(title="Schoonmaak in eigen dienst")
    regional_meeting(days=10, title="Regiobijeenkomst Rijnmond")
    regional_meeting(days=60, title="Te ver weg")
    issue = _new_issue(client)
    titles = _titles(issue)
    assert "Assistent-conciërge" in titles
    assert "Schoonmaak in eigen dienst" in titles
    assert "Regiobijeenkomst Rijnmond" in titles
    assert "Alleen voor de cirkel" not in titles and "Nog een concept" not in titles
    assert "Te ver weg" not in titles
    page = client.get(f"/nieuwsbrief/redactie/{issue.id}").get_data(as_text=True)
    assert "Assistent-conciërge" in page and "Regiobijeenkomst Rijnmond" in page
    # Every link in the draft is absolute, on the public address.
    assert all(item.url.startswith("http") for item in issue.items)


def test_items_that_went_out_are_not_proposed_again_unless_they_changed(client, editor, make_package):
    first = make_package(title="Eerste pakket")
    second = make_package(title="Tweede pakket")
    issue = _new_issue(client)
    issue.status = IssueStatus.SENT  # as if it went out
    db.session.commit()
    make_package(title="Derde pakket")
    second.revision += 1  # edited since it went out
    second.summary = "Nieuwe samenvatting."
    second.updated_at = utcnow()
    db.session.commit()
    next_issue = _new_issue(client)
    titles = _titles(next_issue)
    assert "Eerste pakket" not in titles
    assert "Derde pakket" in titles
    changed = db.session.scalar(sa.select(IssueItem).where(IssueItem.issue_id == next_issue.id,
                                                           IssueItem.object_id == second.id))
    assert changed is not None and changed.changed
    assert "Gewijzigd sinds een eerdere editie" in client.get(f"/nieuwsbrief/redactie/{next_issue.id}").get_data(
        as_text=True)
    assert first.id not in {i.object_id for i in next_issue.items}


def test_only_one_issue_is_prepared_at_a_time(client, editor, make_package):
    make_package()
    _new_issue(client)
    response = post_form(client, "/nieuwsbrief/redactie/nieuw", {}, page="/nieuwsbrief/redactie",
                         follow_redirects=True)
    assert "Er is al een editie in voorbereiding" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Issue)) == 1


def test_the_next_issue_date_keeps_a_two_week_rhythm(app, client, editor, make_package):
    make_package()
    issue = _new_issue(client)
    issue.status, issue.issue_date = IssueStatus.SENT, utcnow().date() - timedelta(days=3)
    db.session.commit()
    assert services.next_issue_date(utcnow().date()) == issue.issue_date + timedelta(days=14)
    issue.issue_date = utcnow().date() - timedelta(days=20)
    db.session.commit()
    assert services.next_issue_date(utcnow().date()) == issue.issue_date + timedelta(days=28)


# --- editing ---------------------------------------------------------------------------------------

def test_editor_excludes_reorders_and_rewrites_teasers(client, editor, make_package):
    for title in ("Pakket A", "Pakket B", "Pakket C"):
        make_package(title=title)
    issue = _new_issue(client)
    assert _titles(issue)[:3] == ["Pakket A", "Pakket B", "Pakket C"]
    data = _compose_data(client, issue)
    item_c = next(i for i in issue.items if i.title == "Pakket C")
    index_c = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and k.startswith("items")
                   and v == str(item_c.id))
    data[f"items-{index_c}-teaser"] = "Een eigen korte tekst."
    data["move"] = f"item:{item_c.id}:up"
    response = post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data)
    assert response.status_code == 302
    assert _titles(issue)[:3] == ["Pakket A", "Pakket C", "Pakket B"]
    db.session.refresh(item_c)
    assert item_c.teaser == "Een eigen korte tekst."
    # Leave one out: it disappears from the preview.
    data = _compose_data(client, issue)
    index_a = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and k.startswith("items")
                   and v == str(next(i.id for i in issue.items if i.title == "Pakket A")))
    del data[f"items-{index_a}-included"]
    post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data)
    text = services.render(services.snapshot(issue), "nl").text
    assert "Pakket A" not in text and "Pakket C" in text and "Een eigen korte tekst." in text
    assert text.index("Pakket C") < text.index("Pakket B")


def test_sections_move_and_a_bad_date_keeps_what_was_typed(client, editor, make_package, make_case):
    make_package(title="Pakket")
    make_case(title="Voorbeeld")
    issue = _new_issue(client)
    cases = next(s for s in issue.sections if s.kind == "cases")
    data = _compose_data(client, issue)
    data["move"] = f"section:{cases.id}:up"
    post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data)
    db.session.refresh(issue)
    assert issue.sections[0].kind == "cases"
    data = _compose_data(client, issue)
    data["issue_date"] = "31-02-2026"
    data["intro"] = "Mijn inleiding die niet verloren mag gaan."
    response = post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vul een datum in zoals 03-12-2026." in page
    assert "Mijn inleiding die niet verloren mag gaan." in page


def test_a_targeted_section_goes_only_to_readers_with_that_interest(client, editor, make_package,
                                                                    make_subscriber):
    make_package(title="Voor iedereen")
    make_package(title="Alleen Twente")
    make_package(title="Nog een")
    issue = _new_issue(client)
    response = post_form(client, f"/nieuwsbrief/redactie/{issue.id}/sectie",
                         {"title": "Nieuws uit Twente", "regions": "AM05"}, page=f"/nieuwsbrief/redactie/{issue.id}")
    assert response.status_code == 302
    db.session.refresh(issue)
    twente = next(s for s in issue.sections if s.title == "Nieuws uit Twente")
    data = _compose_data(client, issue)
    item = next(i for i in issue.items if i.title == "Alleen Twente")
    index = next(k.split("-")[1] for k, v in data.items() if k.startswith("items") and k.endswith("-id")
                 and v == str(item.id))
    data[f"items-{index}-section_id"] = str(twente.id)
    post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data)
    in_twente = make_subscriber("twente@voorbeeld.nl", regions=["AM05"])
    elsewhere = make_subscriber("rijnmond@voorbeeld.nl", regions=["AM22"])
    _press(client, issue, "goedkeuren", "/voorbeeld")
    _press(client, issue, "verzenden", "/status")
    bodies = {}
    for row in db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.batch == f"newsletter:{issue.id}")):
        bodies[row.to_address] = mail.build_message(row).get_body(("plain",)).get_content()
    assert "Alleen Twente" in bodies[in_twente.email] and "Nieuws uit Twente" in bodies[in_twente.email]
    assert "Alleen Twente" not in bodies[elsewhere.email]
    assert "Voor iedereen" in bodies[elsewhere.email]


# --- checks ----------------------------------------------------------------------------------------

def test_a_meeting_moved_after_it_was_added_blocks_approval(client, editor, make_package, regional_meeting):
    make_package()
    meeting = regional_meeting(days=10, title="Regiobijeenkomst")
    issue = _new_issue(client)
    meeting.starts_at = meeting.starts_at + timedelta(days=1)
    meeting.ends_at = meeting.ends_at + timedelta(days=1)
    db.session.commit()
    preview = client.get(f"/nieuwsbrief/redactie/{issue.id}/voorbeeld").get_data(as_text=True)
    assert "is gewijzigd (tijd, plaats of titel)" in preview
    response = _press(client, issue, "goedkeuren", "/voorbeeld")
    assert response.status_code == 409
    assert "Nog niet goed te keuren" in response.get_data(as_text=True)
    db.session.refresh(issue)
    assert issue.status == IssueStatus.DRAFT
    # Taking over the new time clears it.
    _press(client, issue, "verversen")
    response = _press(client, issue, "goedkeuren", "/voorbeeld")
    assert response.status_code == 302


def test_a_meeting_moved_between_approval_and_sending_stops_the_send(client, editor, make_package,
                                                                      regional_meeting, make_subscriber):
    make_package()
    make_subscriber()
    meeting = regional_meeting(days=10)
    issue = _new_issue(client)
    _press(client, issue, "goedkeuren", "/voorbeeld")
    meeting.location_name = "Een andere zaal"
    db.session.commit()
    response = _press(client, issue, "verzenden", "/status", follow_redirects=True)
    assert "Er is iets veranderd sinds de goedkeuring" in response.get_data(as_text=True)
    db.session.refresh(issue)
    assert issue.status == IssueStatus.APPROVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.batch == issue.batch)) == 0


def test_unpublished_content_and_past_meetings_block(app, client, editor, make_package, regional_meeting):
    package = make_package(title="Wordt gearchiveerd")
    meeting = regional_meeting(days=10)
    issue = _new_issue(client)
    package.status = "archived"
    meeting.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    codes = {f.code for f in services.findings(issue, utcnow()) if f.blocks}
    assert {"gone", "past"} <= codes


def test_a_nearly_empty_issue_is_flagged(client, editor, make_package):
    make_package(title="Enige pakket")
    issue = _new_issue(client)
    page = client.get(f"/nieuwsbrief/redactie/{issue.id}").get_data(as_text=True)
    assert "Deze editie is bijna leeg" in page
    assert "nearly_empty" in {f.code for f in services.findings(issue, utcnow())}


# --- approve, send, report --------------------------------------------------------------------------

def _approve_and_send(client, issue):
    response = _press(client, issue, "goedkeuren", "/voorbeeld")
    assert response.status_code == 302, response.get_data(as_text=True)
    response = _press(client, issue, "verzenden", "/status")
    assert response.status_code == 302


def test_approve_freezes_the_issue_and_send_reaches_every_confirmed_reader_once(
        app, client, editor, runner, make_package, make_subscriber, mailbox):
    for title in ("Pakket een", "Pakket twee", "Pakket drie"):
        make_package(title=title)
    readers = [make_subscriber(language=lang) for lang in ("nl", "en", "nl")]
    make_subscriber("nog.niet@voorbeeld.nl", status="pending")
    make_subscriber("weg@voorbeeld.nl", status="unsubscribed")
    issue = _new_issue(client)
    _approve_and_send(client, issue)
    db.session.refresh(issue)
    assert issue.status == IssueStatus.SENDING and issue.recipient_count == 3
    # Changing the platform after approval does not change what goes out: it was frozen.
    result = runner.invoke(args=["newsletter", "send", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "issue 1: sent" in result.output
    for reader in readers:
        messages = mailbox.to(reader.email)
        assert len(messages) == 1
        msg = messages[0]
        assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "<https://" in msg["List-Unsubscribe"] or "<http://" in msg["List-Unsubscribe"]
        assert "mailto:" in msg["List-Unsubscribe"]
        assert "Pakket twee" in msg.get_body(("plain",)).get_content()
    assert mailbox.to("nog.niet@voorbeeld.nl") == [] and mailbox.to("weg@voorbeeld.nl") == []
    english = mailbox.to(readers[1].email)[0].get_body(("html",)).get_content()
    assert 'lang="en"' in english
    # Running the worker again sends nothing more.
    runner.invoke(args=["newsletter", "send", "--quiet"])
    assert all(len(mailbox.to(r.email)) == 1 for r in readers)
    db.session.refresh(issue)
    assert issue.status == IssueStatus.SENT


def test_one_click_unsubscribe_from_a_received_newsletter(app, client, editor, runner, make_package,
                                                          make_subscriber, mailbox):
    make_package()
    reader = make_subscriber("lezer@voorbeeld.nl")
    issue = _new_issue(client)
    _approve_and_send(client, issue)
    runner.invoke(args=["newsletter", "send", "--quiet"])
    msg = mailbox.to(reader.email)[0]
    url = re.search(r"<(https?://[^>]+)>", msg["List-Unsubscribe"]).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(reader)
    assert reader.status == "unsubscribed"
    # The footer of the message links to the same place.
    assert url in msg.get_body(("plain",)).get_content()


def test_send_report_shows_failures_and_bouncing_addresses_get_nothing_more(
        app, client, editor, runner, make_package, make_subscriber, mailbox):
    make_package()
    good = make_subscriber("goed@voorbeeld.nl")
    bad = make_subscriber("bestaat.niet@voorbeeld.nl")
    mailbox.refuse[bad.email] = "550 5.1.1 mailbox unavailable"
    issue = _new_issue(client)
    _approve_and_send(client, issue)
    runner.invoke(args=["newsletter", "send", "--quiet"])
    db.session.refresh(bad)
    assert bad.status == "bouncing" and "550" in bad.bounce_reason
    page = client.get(f"/nieuwsbrief/redactie/{issue.id}/status").get_data(as_text=True)
    assert "bestaat.niet@voorbeeld.nl" in page and "mailbox unavailable" in page
    report = sending.report(issue)
    assert report["counts"]["sent"] == 1 and report["counts"]["failed"] == 1
    assert len(mailbox.to(good.email)) == 1
    # "Retry failed" after the address was fixed: delivered, and the address is a reader again.
    mailbox.refuse.clear()
    _press(client, issue, "opnieuw-proberen", "/status")
    runner.invoke(args=["newsletter", "send", "--quiet"])
    assert len(mailbox.to(bad.email)) == 1
    db.session.refresh(bad)
    assert bad.status == "confirmed"


def test_test_send_goes_to_the_editor_only(client, editor, make_package, make_subscriber, mailbox):
    make_package()
    reader = make_subscriber()
    issue = _new_issue(client)
    response = _press(client, issue, "testmail", "/voorbeeld")
    assert response.status_code == 302
    messages = mailbox.to(editor.email)
    assert len(messages) == 1 and messages[0]["Subject"].startswith("[TEST]")
    assert mailbox.to(reader.email) == []


def test_reopen_returns_an_approved_issue_to_draft(client, editor, make_package):
    make_package()
    issue = _new_issue(client)
    _press(client, issue, "goedkeuren", "/voorbeeld")
    _press(client, issue, "terug-naar-concept", "/status")
    db.session.refresh(issue)
    assert issue.status == IssueStatus.DRAFT and issue.snapshot is None
    assert services.frozen(issue, "nl") is None


# --- archive ---------------------------------------------------------------------------------------

def test_the_archive_shows_sent_issues_only(client, editor, runner, make_package, make_subscriber):
    make_package(title="Gearchiveerd pakket")
    make_subscriber()
    issue = _new_issue(client)
    assert client.get(f"/nieuwsbrief/archief/{issue.number}").status_code == 404
    _approve_and_send(client, issue)
    runner.invoke(args=["newsletter", "send", "--quiet"])
    listing = client.get("/nieuwsbrief/archief").get_data(as_text=True)
    assert issue.display_subject in listing
    page = client.get(f"/nieuwsbrief/archief/{issue.number}")
    assert page.status_code == 200 and "Gearchiveerd pakket" in page.get_data(as_text=True)
    copy = client.get(f"/nieuwsbrief/archief/{issue.number}/e-mail")
    assert copy.status_code == 200 and "Gearchiveerd pakket" in copy.get_data(as_text=True)
    assert "[[unsubscribe_url]]" not in copy.get_data(as_text=True)
    assert "script-src" not in copy.headers["Content-Security-Policy"]
    feed = client.get("/nieuwsbrief/archief.atom")
    assert feed.mimetype == "application/atom+xml"
    assert issue.display_subject in feed.get_data(as_text=True)


def test_editor_pages_are_for_editors_only(client, login_as, make_package):
    make_package()
    login_as(Role.MEMBER)
    for url in ("/nieuwsbrief/redactie",):
        assert client.get(url).status_code == 403
    assert post_form(client, "/nieuwsbrief/redactie/nieuw", {}, page="/nieuwsbrief").status_code == 403


def test_unknown_issue_ids_and_bad_parameters_are_4xx(client, editor, make_package):
    make_package()
    issue = _new_issue(client)
    assert client.get("/nieuwsbrief/redactie/99999").status_code == 404
    assert client.get(f"/nieuwsbrief/redactie/{issue.id}/voorbeeld?taal=xx").status_code == 200
    assert client.get("/nieuwsbrief/archief?page=-3").status_code == 200
    assert client.get("/nieuwsbrief/archief/abc").status_code == 404
    data = _compose_data(client, issue)
    data["move"] = "item:abc:sideways"
    assert post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data).status_code == 302
    data["items-0-id"] = "999999"
    assert post_form(client, f"/nieuwsbrief/redactie/{issue.id}", data).status_code == 302


def test_drafting_takes_the_same_number_of_statements_for_3_or_30_new_items(app, create_user, make_package,
                                                                             count_queries):
    editor = create_user(role=Role.EDITOR)

    def draft_with(n: int) -> int:
        for issue in db.session.scalars(sa.select(Issue)):
            db.session.delete(issue)
        db.session.commit()
        for _ in range(n):
            make_package()
        with count_queries() as queries:
            issue = services.new_issue(editor, utcnow())
            db.session.commit()
        assert len(issue.items) >= n
        return len(queries)

    assert draft_with(3) == draft_with(27)
