"""Decisions and action items: who may add them, the assignment e-mail, marking done, my action items,
the circle's decisions, forged ids, and lists in a fixed number of queries."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups.models import CircleRole
from circles.meetings.minutes import services
from circles.meetings.models import ActionItem, Decision
from tests.conftest import csrf_token_from
from tests.meetings.conftest import in_days
from tests.meetings.test_minutes import client_for


@pytest.fixture
def world(create_user, create_circle, add_member, create_meeting):
    coordinator = create_user(role=Role.COORDINATOR, name="Cora Coördinator")
    circle = create_circle(coordinator=coordinator, name="Leercirkel Rijnmond")
    member = create_user(name="Mark Lid", email="mark@example.org")
    add_member(circle, member)
    meeting = create_meeting(circle, title="Voorjaarsbijeenkomst")
    return {"coordinator": coordinator, "member": member, "circle": circle, "meeting": meeting}


def token(client) -> str:
    return csrf_token_from(client.get("/").get_data(as_text=True))


def add_item(client, meeting, owner, text="Werkpakket schrijven", due=""):
    return client.post(f"/bijeenkomsten/{meeting.id}/actiepunten",
                       data={"actiepunt-text": text, "actiepunt-owner_id": str(owner.id), "actiepunt-due_date": due,
                             "actiepunt-csrf_token": token(client)})


def items() -> list[ActionItem]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ActionItem).order_by(ActionItem.id)))


# --- Action items --------------------------------------------------------------------------------

def test_the_owner_gets_an_email_when_assigned(app, world, mailbox):
    client = client_for(app, world["coordinator"])
    due = (world["meeting"].starts_at + timedelta(days=30)).date().isoformat()

    response = add_item(client, world["meeting"], world["member"], "Functiebeschrijving delen", due)

    assert response.status_code == 302
    [item] = items()
    assert item.owner_id == world["member"].id and item.status == "open"
    [mail] = mailbox.to("mark@example.org")
    assert "Voorjaarsbijeenkomst" in mail["Subject"]
    text = mailbox.text(mail)
    assert "Functiebeschrijving delen" in text
    assert "Cora Coördinator" in text
    assert any(link.endswith("/mijn/actiepunten") for link in mailbox.links(mail))
    assert "Functiebeschrijving delen" in mailbox.html(mail)


def test_no_email_when_the_owner_muted_action_items(app, world, mailbox):
    world["member"].muted_notifications = ["action_items"]
    db.session.commit()
    client = client_for(app, world["coordinator"])
    assert add_item(client, world["meeting"], world["member"]).status_code == 302
    assert len(items()) == 1
    assert mailbox.to("mark@example.org") == []


def test_the_owner_marks_done_and_sees_it_done_in_my_action_items(app, world):
    services.add_action_item(world["meeting"], world["coordinator"], text="Stageplek regelen",
                             owner=world["member"], due_date=None)
    db.session.commit()
    [item] = items()
    client = client_for(app, world["member"])
    page = client.get("/mijn/actiepunten").get_data(as_text=True)
    open_part = page.split('id="done-title"')[0]
    assert "Stageplek regelen" in open_part

    response = client.post(f"/actiepunten/{item.id}/status",
                           data={"status": "done", "back": "mijn", "csrf_token": token(client)})

    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn/actiepunten")
    assert items()[0].is_done and items()[0].done_at is not None
    page = client.get("/mijn/actiepunten").get_data(as_text=True)
    done_part = page.split('id="done-title"')[1]
    assert "Stageplek regelen" in done_part
    assert "Geen open actiepunten." in page


def test_someone_else_cannot_change_the_status(app, world, create_user, add_member):
    services.add_action_item(world["meeting"], world["coordinator"], text="Iets doen", owner=world["member"],
                             due_date=None)
    db.session.commit()
    [item] = items()
    other = create_user()
    add_member(world["circle"], other)
    client = client_for(app, other)
    response = client.post(f"/actiepunten/{item.id}/status", data={"status": "done", "csrf_token": token(client)})
    assert response.status_code == 403
    assert not items()[0].is_done
    # A coordinator may.
    coordinator_client = client_for(app, world["coordinator"])
    response = coordinator_client.post(f"/actiepunten/{item.id}/status",
                                       data={"status": "done", "csrf_token": token(coordinator_client)})
    assert response.status_code == 302
    assert items()[0].is_done


def test_unknown_action_items_and_bad_statuses(app, world):
    client = client_for(app, world["coordinator"])
    assert client.post("/actiepunten/999999/status", data={"status": "done", "csrf_token": token(client)}
                       ).status_code == 404
    services.add_action_item(world["meeting"], world["coordinator"], text="x", owner=world["member"], due_date=None)
    db.session.commit()
    [item] = items()
    response = client.post(f"/actiepunten/{item.id}/status", data={"status": "weg", "csrf_token": token(client)})
    assert response.status_code == 422


def test_a_plain_member_may_not_add_items_or_decisions(app, world):
    client = client_for(app, world["member"])
    assert add_item(client, world["meeting"], world["member"]).status_code == 403
    response = client.post(f"/bijeenkomsten/{world['meeting'].id}/besluiten",
                           data={"besluit-text": "Wij besluiten", "besluit-csrf_token": token(client)})
    assert response.status_code == 403
    assert items() == []


def test_owner_must_be_a_member_and_the_form_keeps_what_was_typed(app, world, create_user):
    outsider = create_user()
    client = client_for(app, world["coordinator"])
    response = add_item(client, world["meeting"], outsider, "Mijn getypte tekst")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kies een lid van de leercirkel." in html
    assert "Mijn getypte tekst" in html
    response = add_item(client, world["meeting"], world["member"], "")
    assert response.status_code == 422
    assert "Beschrijf wat er moet gebeuren." in response.get_data(as_text=True)
    assert items() == []


@pytest.mark.parametrize("days, ok", [(-366, False), (-365, True), (730, True), (731, False)])
def test_due_date_from_a_year_before_to_two_years_after_the_meeting(app, world, days, ok):
    client = client_for(app, world["coordinator"])
    day = services.local_date(world["meeting"].starts_at) + timedelta(days=days)
    response = add_item(client, world["meeting"], world["member"], due=day.isoformat())
    assert response.status_code == (302 if ok else 422)
    if not ok:
        assert "Kies een datum tussen een jaar voor en twee jaar na de bijeenkomst." in response.get_data(as_text=True)


def test_a_garbled_due_date_is_a_form_error(app, world):
    client = client_for(app, world["coordinator"])
    response = add_item(client, world["meeting"], world["member"], due="morgen")
    assert response.status_code == 422
    assert "Vul een geldige datum in" in response.get_data(as_text=True)


def test_overdue_items_say_so_in_words(app, world, create_meeting):
    past = create_meeting(world["circle"], start=in_days(-20), title="Winterbijeenkomst")
    services.add_action_item(past, world["coordinator"], text="Te laat ding", owner=world["member"],
                             due_date=services.today() - timedelta(days=3))
    db.session.commit()
    client = client_for(app, world["member"])
    html = client.get("/mijn/actiepunten").get_data(as_text=True)
    assert "te laat" in html
    assert "Winterbijeenkomst" in html and "Leercirkel Rijnmond" in html


def test_previous_meetings_open_items_show_on_the_next_meeting(app, world, create_meeting):
    past = create_meeting(world["circle"], start=in_days(-14), title="Vorige keer")
    services.add_action_item(past, world["coordinator"], text="Nog open punt", owner=world["member"], due_date=None)
    services.add_action_item(past, world["coordinator"], text="Al gedaan punt", owner=world["member"], due_date=None)
    db.session.commit()
    services.set_action_status(world["coordinator"], items()[1], "done")
    db.session.commit()
    client = client_for(app, world["member"])
    html = client.get(f"/bijeenkomsten/{world['meeting'].id}").get_data(as_text=True)
    assert "Open actiepunten van de vorige bijeenkomst" in html
    assert "Nog open punt" in html
    assert "Al gedaan punt" not in html


def test_home_shows_my_open_items(app, world):
    for n in range(7):
        services.add_action_item(world["meeting"], world["coordinator"], text=f"Punt nummer {n}",
                                 owner=world["member"], due_date=None)
    db.session.commit()
    client = client_for(app, world["member"])
    html = client.get("/").get_data(as_text=True)
    assert "Uw open actiepunten" in html
    assert html.count("Punt nummer") == 5
    assert "/mijn/actiepunten" in html


def test_my_action_items_in_a_fixed_number_of_queries(app, world, create_meeting, create_circle, add_member,
                                                      count_queries):
    client = client_for(app, world["member"])

    def add(n):
        for i in range(n):
            circle = create_circle()
            add_member(circle, world["member"])
            meeting = create_meeting(circle)
            services.add_action_item(meeting, world["coordinator"], text=f"Punt {i}", owner=world["member"],
                                     due_date=None)
        db.session.commit()

    add(1)
    with count_queries() as few:
        assert client.get("/mijn/actiepunten").status_code == 200
    add(6)
    with count_queries() as many:
        html = client.get("/mijn/actiepunten").get_data(as_text=True)
    assert html.count("Punt ") >= 7
    assert len(many) == len(few)


# --- Decisions -----------------------------------------------------------------------------------

def test_decisions_are_added_listed_and_deleted(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    response = client.post(f"/bijeenkomsten/{meeting.id}/besluiten",
                           data={"besluit-text": "Wij delen functieprofielen.", "besluit-csrf_token": token(client)})
    assert response.status_code == 302
    assert "Wij delen functieprofielen." in client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    member_client = client_for(app, world["member"])
    html = member_client.get(f"/leercirkels/{world['circle'].slug}/besluiten").get_data(as_text=True)
    assert "Wij delen functieprofielen." in html and "Voorjaarsbijeenkomst" in html

    decision = db.session.scalar(sa.select(Decision))
    response = client.post(f"/besluiten/{decision.id}/verwijderen",
                           data={"meeting_id": str(meeting.id), "csrf_token": token(client)})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_decision_text_is_required_and_at_most_2000_characters(app, world):
    client = client_for(app, world["coordinator"])
    url = f"/bijeenkomsten/{world['meeting'].id}/besluiten"
    response = client.post(url, data={"besluit-text": "   ", "besluit-csrf_token": token(client)})
    assert response.status_code == 422
    assert "Beschrijf het besluit." in response.get_data(as_text=True)
    response = client.post(url, data={"besluit-text": "x" * 2001, "besluit-csrf_token": token(client)})
    assert response.status_code == 422
    assert "Gebruik hoogstens 2000 tekens." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_forged_decision_ids_are_404(app, world, create_meeting):
    other_meeting = create_meeting(world["circle"], title="Andere")
    decision = services.add_decision(other_meeting, world["coordinator"], "Besluit elders")
    db.session.commit()
    client = client_for(app, world["coordinator"])
    # The button of one meeting cannot delete a decision of another.
    response = client.post(f"/besluiten/{decision.id}/verwijderen",
                           data={"meeting_id": str(world["meeting"].id), "csrf_token": token(client)})
    assert response.status_code == 404
    assert client.post("/besluiten/999999/verwijderen",
                       data={"meeting_id": str(world["meeting"].id), "csrf_token": token(client)}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


def test_decisions_of_a_hidden_circle_are_404_for_outsiders(app, create_user, create_circle, create_meeting):
    circle = create_circle(visibility="circle")
    meeting = create_meeting(circle)
    decision = services.add_decision(meeting, circle.memberships[0].user, "Geheim besluit")
    db.session.commit()
    client = client_for(app, create_user())
    assert client.get(f"/leercirkels/{circle.slug}/besluiten").status_code == 404
    assert client.post(f"/besluiten/{decision.id}/verwijderen",
                       data={"meeting_id": str(meeting.id), "csrf_token": token(client)}).status_code == 404


def test_circle_decisions_include_invited_regional_meetings(app, world, create_meeting):
    regional = create_meeting(kind="regional", invited=[world["circle"]], title="Regiodag Rijnmond")
    services.add_decision(regional, world["coordinator"], "Regionaal besluit")
    services.add_decision(world["meeting"], world["coordinator"], "Eigen besluit")
    db.session.commit()
    client = client_for(app, world["member"])
    html = client.get(f"/leercirkels/{world['circle'].slug}/besluiten").get_data(as_text=True)
    assert "Regionaal besluit" in html and "Regiodag Rijnmond" in html and "Eigen besluit" in html


def test_circle_decisions_in_a_fixed_number_of_queries(app, world, create_meeting, count_queries):
    client = client_for(app, world["member"])
    services.add_decision(world["meeting"], world["coordinator"], "Besluit 0")
    db.session.commit()
    url = f"/leercirkels/{world['circle'].slug}/besluiten"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(1, 7):
        services.add_decision(create_meeting(world["circle"]), world["coordinator"], f"Besluit {n}")
    db.session.commit()
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert html.count("Besluit ") >= 7
    assert len(many) == len(few)


def test_circle_page_shows_latest_minutes_and_open_count(app, world):
    services.save_minutes(world["meeting"], world["coordinator"], "Tekst", based_on=0)
    services.publish_minutes(world["meeting"], world["coordinator"])
    services.add_action_item(world["meeting"], world["coordinator"], text="x", owner=world["member"], due_date=None)
    db.session.commit()
    client = client_for(app, world["member"])
    html = client.get(f"/leercirkels/{world['circle'].slug}").get_data(as_text=True)
    assert "Laatste verslag:" in html and "Voorjaarsbijeenkomst" in html
    assert "1 open actiepunt" in html


def test_a_designated_member_may_add_items(app, world, create_user, add_member):
    other = create_user()
    add_member(world["circle"], other, role=CircleRole.MEMBER)
    world["meeting"].minutes_editor_id = world["member"].id
    db.session.commit()
    client = client_for(app, world["member"])
    assert add_item(client, world["meeting"], other).status_code == 302


def test_anonymous_readers_of_a_public_circle_see_items_but_not_who_owns_them(app, client, create_user,
                                                                              create_circle, add_member,
                                                                              create_meeting):
    coordinator = create_user(role=Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator, visibility="public")
    member = create_user(name="Priva Persoon")
    add_member(circle, member)
    meeting = create_meeting(circle)
    services.add_action_item(meeting, coordinator, text="Openbaar actiepunt", owner=member, due_date=None)
    services.add_decision(meeting, coordinator, "Openbaar besluit")
    db.session.commit()
    html = client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    assert "Openbaar actiepunt" in html and "Openbaar besluit" in html
    assert "Priva Persoon" not in html
    assert "Markeer als gedaan" not in html
