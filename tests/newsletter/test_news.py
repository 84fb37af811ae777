"""News submissions: members submit, editors approve or decline, submitters hear by e-mail, approved
items get a public page and reach the newsletter composer through the "news" activity source."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core import activity
from circles.core.db import db, utcnow
from circles.core.models import AuditEntry
from circles.newsletter.models import NewsItem, NewsStatus
from circles.newsletter.news import services as news
from tests.conftest import post_form

SUBMIT = "/nieuwsbrief/melden"
QUEUE = "/nieuwsbrief/redactie/meldingen"
LOGIN = "/account/inloggen"


def approve_url(item) -> str:
    return f"{QUEUE}/{item.id}/goedkeuren"


def decline_url(item) -> str:
    return f"{QUEUE}/{item.id}/afwijzen"


def public_url(item) -> str:
    return f"/nieuwsbrief/nieuws/{item.id}"


def valid(**changes) -> dict:
    data = {"title": "Open dag bij Gemeente Rotterdam", "body": "Kom kijken op **12 maart**: wij laten zien "
            "hoe wij werkplekken inrichten.", "link": "https://www.rotterdam.nl/open-dag", "sector": "gemeenten",
            "region": "AM22"}
    return {**data, **changes}


@pytest.fixture
def submitted(create_user):
    """A pending submission by a member (made through the service, as the form would)."""

    def make(title: str = "Werkplekken in de bibliotheek", *, by=None, **fields):
        user = by or create_user(name="Fatima Yilmaz")
        item = news.submit(user, title=title, body=fields.pop("body", "Tekst met *nadruk*."), **fields)
        db.session.commit()
        return item

    return make


def decide(item, status: NewsStatus, *, when=None, editor=None, note: str = "") -> NewsItem:
    item.status = status
    item.decided_at = when or utcnow()
    item.decided_by_id = editor.id if editor else None
    item.decision_note = note
    db.session.commit()
    return item


def html_of(response) -> str:
    return response.get_data(as_text=True)


# --- Submitting ------------------------------------------------------------------------------------

def test_member_submits_and_sees_it_waiting_in_their_list(client, login_as, create_org):
    member = login_as(org=create_org("Gemeente Rotterdam"))
    page = html_of(client.get(SUBMIT))
    assert "De redactie van de nieuwsbrief beslist over elke melding" in page
    assert "U heeft nog niets gemeld." in page

    response = post_form(client, SUBMIT, valid())
    assert response.status_code == 302 and response.headers["Location"].endswith(SUBMIT)
    page = html_of(client.get(SUBMIT))
    assert "Uw melding is ontvangen" in page
    own = page.split("Uw meldingen", 1)[1]
    assert "Open dag bij Gemeente Rotterdam" in own and "Wacht op de redactie" in own

    item = db.session.scalar(sa.select(NewsItem))
    assert (item.status, item.submitted_by_id, item.organisation_id) == (NewsStatus.PENDING, member.id,
                                                                          member.organisation_id)
    assert (item.sector_code, item.region_code, item.link) == ("gemeenten", "AM22", "https://www.rotterdam.nl/open-dag")


def test_sector_region_and_link_are_optional(client, login_as):
    login_as()
    response = post_form(client, SUBMIT, valid(link="", sector="", region=""))
    assert response.status_code == 302
    item = db.session.scalar(sa.select(NewsItem))
    assert (item.sector_code, item.region_code, item.link) == (None, None, "")


def test_the_region_select_offers_the_regions_by_name(client, login_as):
    login_as()
    page = html_of(client.get(SUBMIT))
    select = page.split('id="region"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r'<option[^>]*value="AM\d\d"[^>]*>([^<]+)<', select)
    assert len(names) == 35 and names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(("changes", "message"), [
    ({"link": "javascript:alert(1)"}, "Vul een volledig webadres in"),
    ({"link": "/nieuws/open-dag"}, "Vul een volledig webadres in"),
    ({"link": "https://example.org/" + "a" * 500}, "Gebruik hoogstens 500 tekens."),
    ({"title": "x" * 201}, "Gebruik hoogstens 200 tekens."),
    ({"title": ""}, "Geef uw melding een titel."),
    ({"body": ""}, "Schrijf de tekst van uw melding."),
    ({"body": "Onze nieuwe collega (BSN 111222333) begint maandag."}, "Dit lijkt een persoonsgegeven"),
    ({"body": "a" * 5001}, "Gebruik hoogstens 5000 tekens."),
    ({"sector": "bestaat-niet"}, "Ongeldige keuze."),
    ({"region": "AM99"}, "Ongeldige keuze."),
])
def test_bad_input_is_refused_with_a_message_and_kept(client, login_as, changes, message):
    login_as()
    data = valid(**changes)
    response = post_form(client, SUBMIT, data)
    page = html_of(response)
    assert response.status_code == 422
    assert "Er is een probleem" in page and message in page
    # What was typed is still there (the text area keeps the body; the title field its value).
    assert data["body"][:60] in page
    if data["title"]:
        assert f'value="{data["title"]}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsItem)) == 0


def test_anonymous_visitors_are_sent_to_log_in(client, submitted):
    item = submitted()
    for url in (SUBMIT, QUEUE):
        response = client.get(url)
        assert response.status_code == 302 and LOGIN in response.headers["Location"]
    for url in (approve_url(item), decline_url(item)):
        response = post_form(client, url, {"note": "Nee"}, page=LOGIN)
        assert response.status_code == 302 and LOGIN in response.headers["Location"]
    assert db.session.get(NewsItem, item.id).status == NewsStatus.PENDING


# --- The editors' queue ----------------------------------------------------------------------------

def test_editor_sees_waiting_submissions_oldest_first_with_their_details(client, login_as, create_user, create_org,
                                                                         submitted):
    submitter = create_user(name="Fatima Yilmaz", org=create_org("Hogeschool Utrecht"))
    older = submitted("Eerste melding", by=submitter, body="Met **vet** en <script>alert(1)</script>",
                      link="https://www.hu.nl/", sector_code="hbo", region_code="AM13")
    older.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    submitted("Tweede melding")
    login_as(Role.EDITOR)
    response = client.get(QUEUE)
    page = html_of(response)
    assert response.status_code == 200
    waiting = page.split("Wachten op een besluit", 1)[1].split("Laatste besluiten", 1)[0]
    assert waiting.index("Eerste melding") < waiting.index("Tweede melding")
    assert "Fatima Yilmaz" in waiting and "Hogeschool Utrecht" in waiting
    assert "Hoger beroepsonderwijs" in waiting and "Midden-Utrecht" in waiting
    assert "<strong>vet</strong>" in waiting and "<script>" not in waiting
    assert 'href="https://www.hu.nl/"' in waiting
    assert waiting.count(">Goedkeuren<") == 2 and waiting.count(">Afwijzen<") == 2


def test_members_may_not_use_the_queue_or_decide(client, login_as, submitted):
    item = submitted()
    login_as(Role.MEMBER)
    assert client.get(QUEUE).status_code == 403
    assert post_form(client, approve_url(item), {}, page=SUBMIT).status_code == 403
    assert post_form(client, decline_url(item), {"note": "Nee"}, page=SUBMIT).status_code == 403
    assert db.session.get(NewsItem, item.id).status == NewsStatus.PENDING


def test_administrators_may_decide(client, login_as, submitted):
    item = submitted()
    login_as(Role.ADMINISTRATOR)
    assert client.get(QUEUE).status_code == 200
    assert post_form(client, approve_url(item), {}, page=QUEUE).status_code == 302
    assert db.session.get(NewsItem, item.id).status == NewsStatus.APPROVED


def test_queue_page_runs_a_fixed_number_of_queries(client, login_as, create_user, create_org, submitted,
                                                   count_queries):
    editor = login_as(Role.EDITOR)

    def add(n: int) -> None:
        for i in range(n):
            item = submitted(f"Melding {i}", by=create_user(org=create_org()), sector_code="po", region_code="AM05")
            if i % 2:
                decide(item, NewsStatus.DECLINED if i % 4 == 1 else NewsStatus.APPROVED, editor=editor, note="x")

    def queries() -> int:
        with count_queries() as counted:
            assert client.get(QUEUE).status_code == 200
        return len(counted)

    add(3)
    few = queries()
    add(27)
    assert queries() == few


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "5"])
def test_nonsense_page_numbers_show_a_page(client, login_as, submitted, page):
    submitted()
    login_as(Role.EDITOR)
    response = client.get(f"{QUEUE}?page={page}")
    assert response.status_code == 200 and "Werkplekken in de bibliotheek" in html_of(response)


# --- Deciding --------------------------------------------------------------------------------------

def test_approving_mails_the_submitter_and_publishes_the_item(client, login_as, create_user, create_org, submitted,
                                                              mailbox):
    submitter = create_user("indiener@example.org", name="Fatima Yilmaz", org=create_org("Gemeente Delft"))
    item = submitted("Open dag", by=submitter, body="Kom **kijken**.", link="https://www.delft.nl/",
                     sector_code="gemeenten", region_code="AM22")
    assert client.get(public_url(item)).status_code == 404  # not before approval

    editor = login_as(Role.EDITOR)
    response = post_form(client, approve_url(item), {}, page=QUEUE)
    assert response.status_code == 302 and response.headers["Location"].endswith(QUEUE)
    assert "De melding Open dag is goedgekeurd" in html_of(client.get(QUEUE))

    item = db.session.get(NewsItem, item.id)
    assert (item.status, item.decided_by_id) == (NewsStatus.APPROVED, editor.id) and item.decided_at is not None
    [mail] = mailbox.to("indiener@example.org")
    assert mail["Subject"] == "Uw melding is goedgekeurd"
    assert "Open dag" in mailbox.text(mail)
    link = f"http://127.0.0.1:5000/nieuwsbrief/nieuws/{item.id}"
    assert link in mailbox.links(mail) and f'href="{link}"' in mailbox.html(mail)
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "news.approved"))
    assert (audit.actor_id, audit.subject_id, audit.object_id) == (editor.id, submitter.id, item.id)

    anonymous = client.application.test_client()  # the page is public
    page = html_of(anonymous.get(public_url(item)))
    assert "Open dag" in page and "<strong>kijken</strong>" in page and "Gemeente Delft" in page
    assert "Gemeenten" in page and "Rijnmond" in page and 'href="https://www.delft.nl/"' in page

    [found] = news.SOURCE.recent(None, utcnow())
    assert (found.kind, found.object_id, found.title, found.url) == ("news", item.id, "Open dag", link)


def test_the_mail_is_in_the_submitters_language(client, login_as, create_user, submitted, mailbox):
    item = submitted(by=create_user("english@example.org", locale="en"))
    login_as(Role.EDITOR)
    post_form(client, approve_url(item), {}, page=QUEUE)
    [mail] = mailbox.to("english@example.org")
    assert '<html lang="en">' in mailbox.html(mail)


def test_declining_needs_a_note_which_the_submitter_reads(client, auth, login_as, create_user, submitted, mailbox):
    submitter = create_user("indiener@example.org")
    item = submitted("Te vroeg", by=submitter)
    editor = login_as(Role.EDITOR)
    response = post_form(client, decline_url(item), {"note": "Dit past beter in het volgende kwartaal.\nGroet"},
                         page=QUEUE)
    assert response.status_code == 302
    item = db.session.get(NewsItem, item.id)
    assert (item.status, item.decided_by_id) == (NewsStatus.DECLINED, editor.id)
    assert item.decision_note == "Dit past beter in het volgende kwartaal.\nGroet"
    [mail] = mailbox.to("indiener@example.org")
    assert mail["Subject"] == "Uw melding is afgewezen"
    assert "Dit past beter in het volgende kwartaal." in mailbox.text(mail)
    assert "Dit past beter in het volgende kwartaal." in mailbox.html(mail)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "news.declined")).actor_id == editor.id
    assert client.get(public_url(item)).status_code == 404

    auth.logout()
    assert auth.login("indiener@example.org").status_code == 302
    own = html_of(client.get(SUBMIT)).split("Uw meldingen", 1)[1]
    assert "Te vroeg" in own and "Afgewezen" in own and "Dit past beter in het volgende kwartaal." in own
    assert client.get(public_url(item)).status_code == 404  # not even for the submitter


@pytest.mark.parametrize(("note", "message"), [
    ("", "Schrijf waarom u de melding afwijst; de indiener leest dit."),
    ("   ", "Schrijf waarom u de melding afwijst; de indiener leest dit."),
    ("Zoals besproken met naam medewerker: Jan", "Dit lijkt een persoonsgegeven"),
    ("x" * 2001, "Gebruik hoogstens 2000 tekens."),
])
def test_a_bad_note_shows_the_queue_again_with_the_message(client, login_as, submitted, mailbox, note, message):
    item = submitted()
    login_as(Role.EDITOR)
    response = post_form(client, decline_url(item), {"note": note}, page=QUEUE)
    page = html_of(response)
    assert response.status_code == 422
    assert "Er is een probleem" in page and message in page
    assert f'href="#note-{item.id}"' in page and 'aria-invalid="true"' in page
    if note.strip():
        assert note.strip() in page  # what the editor typed is kept
    assert db.session.get(NewsItem, item.id).status == NewsStatus.PENDING
    assert mailbox.messages == []


def test_a_second_decision_is_refused(client, login_as, create_user, submitted, mailbox):
    item = submitted(by=create_user("indiener@example.org"))
    login_as(Role.EDITOR)
    assert post_form(client, approve_url(item), {}, page=QUEUE).status_code == 302
    for url, data in ((approve_url(item), {}), (decline_url(item), {"note": "Toch niet"}),
                      (decline_url(item), {"note": ""})):
        response = post_form(client, url, data, page=QUEUE)
        assert response.status_code == 409
        assert "Over deze melding is al beslist" in html_of(response)
    item = db.session.get(NewsItem, item.id)
    assert (item.status, item.decision_note) == (NewsStatus.APPROVED, "")
    assert len(mailbox.to("indiener@example.org")) == 1


def test_unknown_ids_are_not_found(client, login_as, submitted):
    item = submitted()
    assert client.get("/nieuwsbrief/nieuws/999999").status_code == 404
    assert client.get(public_url(item)).status_code == 404  # pending
    login_as(Role.EDITOR)
    assert post_form(client, f"{QUEUE}/999999/goedkeuren", {}, page=QUEUE).status_code == 404
    assert post_form(client, f"{QUEUE}/999999/afwijzen", {"note": "x"}, page=QUEUE).status_code == 404


def test_an_item_whose_submitter_left_can_still_be_decided(client, login_as, create_user, submitted, mailbox):
    submitter = create_user()
    item = submitted(by=submitter)
    item.submitted_by_id = None  # what deleting the account does (ON DELETE SET NULL)
    db.session.commit()
    login_as(Role.EDITOR)
    assert "een verwijderd account" in html_of(client.get(QUEUE))
    assert post_form(client, approve_url(item), {}, page=QUEUE).status_code == 302
    assert mailbox.messages == []


# --- The activity source ---------------------------------------------------------------------------

def test_the_source_is_registered():
    assert activity.source("news") is news.SOURCE and news.SOURCE.order == 90


def test_recent_returns_items_approved_in_the_period(app, submitted, count_queries):
    now = utcnow()
    old = decide(submitted("Oud"), NewsStatus.APPROVED, when=now - timedelta(days=20))
    new = decide(submitted("Nieuw", sector_code="vo", region_code="AM05"), NewsStatus.APPROVED,
                 when=now - timedelta(days=3))
    decide(submitted("Afgewezen"), NewsStatus.DECLINED, when=now - timedelta(days=2), note="nee")
    submitted("Wacht nog")
    decide(submitted("Na de grens"), NewsStatus.APPROVED, when=now + timedelta(hours=1))

    with count_queries() as counted:
        items = news.SOURCE.recent(now - timedelta(days=14), now)
    assert len(counted) == 1
    assert [i.title for i in items] == ["Nieuw"]
    [item] = items
    assert (item.sectors, item.regions, item.language) == (("vo",), ("AM05",), "nl")
    assert item.happened_at == new.decided_at
    assert item.url == f"http://127.0.0.1:5000/nieuwsbrief/nieuws/{new.id}"
    assert [i.title for i in news.SOURCE.recent(None, now)] == ["Oud", "Nieuw"]
    # (since, until]: an item decided exactly at ``since`` belongs to the previous period.
    assert [i.title for i in news.SOURCE.recent(old.decided_at, now)] == ["Nieuw"]
    assert [i.title for i in news.SOURCE.recent(None, old.decided_at)] == ["Oud"]


def test_teaser_is_plain_text_of_about_300_characters(app, submitted):
    body = "# Kop\n\nEen **vette** tekst met een [link](https://example.org). " + "woord " * 200
    item = decide(submitted(body=body), NewsStatus.APPROVED)
    [found] = news.SOURCE.recent(None, utcnow())
    assert found.teaser.startswith("Kop Een vette tekst met een link.")
    assert "*" not in found.teaser and "<" not in found.teaser and "](" not in found.teaser
    assert len(found.teaser) <= 300 and found.teaser.endswith("…")
    assert found.fingerprint == activity.fingerprint(item.title, item.body, item.link)


def test_lookup_returns_only_approved_items_and_notices_changes(app, submitted, count_queries):
    approved = decide(submitted("Goed"), NewsStatus.APPROVED)
    declined = decide(submitted("Nee"), NewsStatus.DECLINED, note="nee")
    pending = submitted("Wacht")
    before = news.SOURCE.recent(None, utcnow())[0].fingerprint
    ids = [approved.id, declined.id, pending.id, 999999]
    with count_queries() as counted:
        found = activity.lookup("news", ids)
    assert len(counted) == 1
    assert list(found) == [approved.id]
    assert activity.lookup("news", []) == {}

    approved.title = "Goed, en aangepast"
    db.session.commit()
    assert activity.lookup("news", [approved.id])[approved.id].fingerprint != before


# --- The services, without HTTP ----------------------------------------------------------------------

def test_two_editors_deciding_at_once_cannot_both_win(app, create_user, submitted, mailbox):
    """The page of the second editor still shows the item as waiting: the conditional update decides."""
    item = submitted(by=create_user("indiener@example.org"))
    first, second = create_user(role=Role.EDITOR), create_user(role=Role.EDITOR)
    assert item.status == NewsStatus.PENDING  # what the second editor's request loaded
    with db.engine.begin() as other_request:  # meanwhile the first editor declines it
        other_request.execute(sa.update(NewsItem).where(NewsItem.id == item.id).values(
            status=NewsStatus.DECLINED, decided_by_id=first.id, decided_at=utcnow(), decision_note="Nee"))
    with pytest.raises(news.NewsError) as refused:
        news.approve(second, item)
    assert refused.value.status == 409
    db.session.rollback()
    item = db.session.get(NewsItem, item.id)
    assert (item.status, item.decided_by_id) == (NewsStatus.DECLINED, first.id)


def test_declining_without_a_reason_is_refused_by_the_service_too(app, create_user, submitted):
    item = submitted()
    with pytest.raises(news.NewsError) as refused:
        news.decline(create_user(role=Role.EDITOR), item, "   ")
    assert refused.value.status == 422 and item.status == NewsStatus.PENDING
