"""Answering a meeting (RSVP), the waiting list, the attendee list and its CSV, attendance and the circle's
reminder setting: as members and coordinators use them."""

import csv
import io
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.groups.models import CircleRole
from circles.meetings.models import CircleMeetingSettings, Rsvp
from circles.meetings.rsvp import services as rsvp_services
from tests.conftest import AuthActions, csrf_token_from, post_form


@pytest.fixture
def member_of(create_user, add_member):
    """``member_of(circle, **user_kwargs)``: a new user who is an active member of ``circle``."""

    def make(circle, *, role=CircleRole.MEMBER, **kwargs):
        user = create_user(**kwargs)
        add_member(circle, user, role=role)
        return user

    return make


@pytest.fixture
def client_for(app):
    """A separate browser, logged in as ``user``."""

    def make(user):
        client = app.test_client()
        assert AuthActions(client).login(user.email).status_code == 302
        return client

    return make


def answer(client, meeting, value, **fields):
    """Answer on the meeting page, as a browser would (the token comes from that page)."""
    return post_form(client, f"/bijeenkomsten/{meeting.id}/aanmelden", {"answer": value, **fields},
                     page=f"/bijeenkomsten/{meeting.id}")


def rsvp_for(meeting, user) -> Rsvp | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == user.id))


def page(client, meeting) -> str:
    response = client.get(f"/bijeenkomsten/{meeting.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- Answering -----------------------------------------------------------------------------------

def test_member_answers_yes_with_needs_and_sees_the_answer(create_meeting, member_of, client_for):
    meeting = create_meeting()
    user = member_of(meeting.circle)
    client = client_for(user)
    html = page(client, meeting)
    assert "Komt u?" in html and "<legend" in html and 'type="radio"' in html
    assert "Alleen zichtbaar voor de coördinatoren; wordt na de bijeenkomst verwijderd." in html

    response = answer(client, meeting, "yes", dietary_needs="Vegetarisch", accessibility_needs="Rolstoel")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "U bent aangemeld" in html and "Uw antwoord:</strong> Ja, ik kom" in html
    saved = rsvp_for(meeting, user)
    assert (saved.answer, saved.dietary_needs, saved.accessibility_needs) == ("yes", "Vegetarisch", "Rolstoel")


def test_changing_the_answer_is_allowed(create_meeting, member_of, client_for):
    meeting = create_meeting()
    user = member_of(meeting.circle)
    client = client_for(user)
    for value, label in (("yes", "Ja, ik kom"), ("maybe", "Misschien"), ("no", "Nee")):
        assert answer(client, meeting, value).status_code == 302
        assert rsvp_for(meeting, user).answer == value
        assert f"Uw antwoord:</strong> {label}" in page(client, meeting)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1


def test_capacity_two_third_yes_waits_and_moves_up_with_an_email(create_meeting, member_of, client_for, mailbox):
    meeting = create_meeting(capacity=2, title="Inclusief werven")
    first, second, third = (member_of(meeting.circle) for _ in range(3))
    clients = {u.id: client_for(u) for u in (first, second, third)}
    for user in (first, second, third):
        assert answer(clients[user.id], meeting, "yes").status_code == 302
    html = page(clients[third.id], meeting)
    assert "U staat op de wachtlijst (plaats 1)" in html
    assert "2 van 2 bezet" in html
    assert rsvp_for(meeting, third).waiting_position == 1

    assert answer(clients[first.id], meeting, "no").status_code == 302

    assert rsvp_for(meeting, third).has_place
    html = page(clients[third.id], meeting)
    assert "U staat op de wachtlijst" not in html and "U heeft een plek." in html
    messages = mailbox.to(third.email)
    assert len(messages) == 1
    assert "Er is een plek vrij" in messages[0]["Subject"] and "Inclusief werven" in messages[0]["Subject"]
    assert any(link.endswith(f"/bijeenkomsten/{meeting.id}") for link in mailbox.links(messages[0]))
    assert mailbox.to(first.email) == [] and mailbox.to(second.email) == []


def test_waiting_list_closes_gaps_in_order(create_meeting, create_user, add_member):
    meeting = create_meeting(capacity=1)
    people = [create_user() for _ in range(4)]
    for p in people:
        add_member(meeting.circle, p)
        rsvp_services.set_answer(p, meeting, "yes")
        db.session.commit()
    positions = lambda: [rsvp_for(meeting, p).waiting_position for p in people]  # noqa: E731
    assert positions() == [None, 1, 2, 3]
    rsvp_services.set_answer(people[2], meeting, "no")  # someone waiting drops out
    db.session.commit()
    assert positions() == [None, 1, None, 2]
    rsvp_services.set_answer(people[0], meeting, "maybe")  # the place comes free
    db.session.commit()
    assert positions() == [None, None, None, 1]
    assert [rsvp_for(meeting, p).has_place for p in people] == [False, True, False, False]
    rsvp_services.set_answer(people[1], meeting, "yes", dietary_needs="Halal")  # same answer, keeps the place
    db.session.commit()
    assert positions() == [None, None, None, 1]


def test_removing_an_answer_with_a_place_promotes_and_respects_muted_mail(create_meeting, create_user, add_member,
                                                                          mailbox):
    meeting = create_meeting(capacity=1)
    holder, waiter = create_user(), create_user()
    waiter.muted_notifications = ["meeting_changes"]
    for p in (holder, waiter):
        add_member(meeting.circle, p)
        rsvp_services.set_answer(p, meeting, "yes")
        db.session.commit()
    rsvp_services.remove_answer(rsvp_for(meeting, holder))
    db.session.commit()
    assert rsvp_for(meeting, waiter).has_place
    from circles.core.mail import deliver
    deliver()
    assert mailbox.to(waiter.email) == []


def test_capacity_is_never_exceeded_when_people_answer_at_once(app, create_meeting, create_user, add_member):
    meeting = create_meeting(capacity=2)
    people = [create_user() for _ in range(6)]
    for p in people:
        add_member(meeting.circle, p)
    meeting_id, user_ids = meeting.id, [p.id for p in people]
    start, errors = threading.Barrier(len(people)), []

    def respond(user_id):
        with app.app_context():
            try:
                from circles.accounts.models import User
                from circles.meetings.models import Meeting
                user, m = db.session.get(User, user_id), db.session.get(Meeting, meeting_id)
                start.wait()
                rsvp_services.set_answer(user, m, "yes")
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=respond, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Rsvp).where(Rsvp.meeting_id == meeting_id)).all()
    assert sum(r.has_place for r in rows) == 2
    assert sorted(r.waiting_position for r in rows if not r.has_place) == [1, 2, 3, 4]


@pytest.mark.parametrize("when, message", [
    ("deadline", "De termijn om u aan te melden is voorbij"),
    ("started", "Deze bijeenkomst is al begonnen"),
    ("cancelled", "Deze bijeenkomst is afgezegd"),
])
def test_answers_are_refused_when_closed(create_meeting, member_of, client_for, when, message):
    meeting = create_meeting()
    user = member_of(meeting.circle)
    client = client_for(user)
    token_page = page(client, meeting)  # the form was on the page while it was still open
    token = csrf_token_from(token_page)
    if when == "deadline":
        meeting.rsvp_deadline = utcnow() - timedelta(hours=1)
    elif when == "started":
        meeting.starts_at = utcnow() - timedelta(minutes=5)
    else:
        meeting.cancelled_at = utcnow()
    db.session.commit()
    response = client.post(f"/bijeenkomsten/{meeting.id}/aanmelden", data={"answer": "yes", "csrf_token": token})
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert rsvp_for(meeting, user) is None
    html = page(client, meeting)
    assert message in html and 'type="radio"' not in html


# --- Who may answer, bad input ---------------------------------------------------------------------

def test_non_member_cannot_answer(create_meeting, create_user, client_for):
    meeting = create_meeting()
    client = client_for(create_user())
    html = page(client, meeting)
    assert "Alleen leden van de leercirkel kunnen zich aanmelden." in html and 'type="radio"' not in html
    assert answer(client, meeting, "yes").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_outsider_of_a_circle_only_circle_gets_404(create_circle, create_meeting, create_user, client_for):
    meeting = create_meeting(create_circle(visibility="circle"))
    client = client_for(create_user())
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/bijeenkomsten/{meeting.id}/aanmelden", data={"answer": "yes", "csrf_token": token}
                       ).status_code == 404


def test_anonymous_reader_is_asked_to_log_in(client, create_circle, create_meeting):
    meeting = create_meeting(create_circle(visibility="public"))
    html = page(client, meeting)
    assert "Log in om te reageren" in html and 'type="radio"' not in html
    response = client.post(f"/bijeenkomsten/{meeting.id}/aanmelden", data={"answer": "yes"})
    assert response.status_code in (302, 400)  # CSRF or log in first: never an answer
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_unknown_answer_and_too_long_needs_are_refused_with_what_was_typed(create_meeting, member_of, client_for):
    meeting = create_meeting()
    user = member_of(meeting.circle)
    client = client_for(user)
    response = answer(client, meeting, "perhaps", dietary_needs="Geen noten")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies ja, nee of misschien." in html and "Geen noten" in html
    response = answer(client, meeting, "yes", accessibility_needs="x" * 501, dietary_needs="Lactosevrij")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Gebruik hoogstens 500 tekens." in html and "Lactosevrij" in html
    response = answer(client, meeting, "")
    assert response.status_code == 422
    assert rsvp_for(meeting, user) is None


# --- The attendee list ---------------------------------------------------------------------------

@pytest.fixture
def filled_meeting(create_circle, create_meeting, create_user, add_member):
    """``filled_meeting(start=None)``: (coordinator, meeting, people) for a circle-only circle; capacity 1,
    Anna has the place, Bram waits, Cees says maybe, Dirk no."""

    def make(*, start=None):
        coordinator = create_user(role=Role.COORDINATOR, name="Carla Coördinator")
        circle = create_circle("Kring Rijnmond", coordinator=coordinator, visibility="circle")
        meeting = create_meeting(circle, capacity=1, title="Werkbezoek =Rotterdam")
        people = {}
        for name, value in (("Anna", "yes"), ("Bram", "yes"), ("Cees", "maybe"), ("Dirk", "no")):
            people[name] = create_user(name=name)
            add_member(circle, people[name])
            rsvp_services.set_answer(people[name], meeting, value,
                                     dietary_needs='=HYPERLINK("http://x")' if name == "Anna" else "",
                                     accessibility_needs="Ringleiding" if name == "Bram" else "")
            db.session.commit()
        if start is not None:
            meeting.starts_at, meeting.ends_at = start, start + timedelta(hours=2)
            db.session.commit()
        return coordinator, meeting, people

    return make


def test_coordinator_sees_the_attendee_list_with_needs(filled_meeting, client_for):
    coordinator, meeting, people = filled_meeting()
    client = client_for(coordinator)
    assert "Deelnemerslijst" in page(client, meeting)
    response = client.get(f"/bijeenkomsten/{meeting.id}/deelnemers")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    order = [html.index(h) for h in ("Komen (met een plek)", "Anna", "Wachtlijst (1)", "Bram", "Misschien (1)",
                                     "Cees", "Komen niet (1)", "Dirk")]
    assert order == sorted(order)
    assert "Ringleiding" in html and "HYPERLINK" in html
    assert people["Anna"].organisation.name in html
    assert '<th scope="col"' in html and '<th scope="row"' in html


def test_needs_are_not_shown_to_members(filled_meeting, create_user, client_for):
    coordinator, meeting, people = filled_meeting()
    client = client_for(people["Cees"])
    html = page(client, meeting)
    assert "Ringleiding" not in html and "HYPERLINK" not in html and "Deelnemerslijst" not in html
    assert client.get(f"/bijeenkomsten/{meeting.id}/deelnemers").status_code == 403
    assert client.get(f"/bijeenkomsten/{meeting.id}/deelnemers.csv").status_code == 403
    outsider = client_for(create_user())
    assert outsider.get(f"/bijeenkomsten/{meeting.id}/deelnemers").status_code == 404
    assert outsider.get(f"/bijeenkomsten/{meeting.id}/deelnemers.csv").status_code == 404


def test_csv_export_for_excel_without_formulas(filled_meeting, client_for):
    coordinator, meeting, people = filled_meeting()
    response = client_for(coordinator).get(f"/bijeenkomsten/{meeting.id}/deelnemers.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="deelnemers-{meeting.starts_at:%Y-%m-%d}-werkbezoek-rotterdam.csv"'
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Naam", "Organisatie", "Antwoord"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"Anna", "Bram", "Cees", "Dirk"}
    assert by_name["Anna"][2] == "Ja, met een plek" and by_name["Bram"][2] == "Wachtlijst"
    assert by_name["Anna"][4] == "'=HYPERLINK(\"http://x\")"
    assert by_name["Bram"][5] == "Ringleiding"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_attendee_list_runs_a_fixed_number_of_queries(create_circle, create_meeting, create_user, add_member,
                                                      client_for, count_queries):
    coordinator = create_user(role=Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    meeting = create_meeting(circle, capacity=20)
    client = client_for(coordinator)

    def queries_for(n: int) -> int:
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp))
        for i in range(existing, n):
            user = create_user()
            add_member(circle, user)
            rsvp_services.set_answer(user, meeting, ("yes", "yes", "maybe", "no")[i % 4], dietary_needs="Vegan")
            db.session.commit()
        with count_queries() as q:
            assert client.get(f"/bijeenkomsten/{meeting.id}/deelnemers").status_code == 200
        return len(q)

    assert queries_for(5) == queries_for(40)


# --- Attendance ----------------------------------------------------------------------------------

def _attendance_post(client, meeting, ids):
    token = csrf_token_from(client.get(f"/bijeenkomsten/{meeting.id}/deelnemers").get_data(as_text=True))
    return client.post(f"/bijeenkomsten/{meeting.id}/aanwezigheid",
                       data={"present": [str(i) for i in ids], "csrf_token": token})


def test_coordinator_marks_attendance_after_the_start(filled_meeting, client_for):
    coordinator, meeting, people = filled_meeting(start=utcnow() - timedelta(minutes=30))
    client = client_for(coordinator)
    anna = rsvp_for(meeting, people["Anna"])
    html = client.get(f"/bijeenkomsten/{meeting.id}/deelnemers").get_data(as_text=True)
    assert f'name="present" value="{anna.id}"' in html
    response = _attendance_post(client, meeting, [anna.id])
    assert response.status_code == 302
    assert rsvp_for(meeting, people["Anna"]).attended is True
    assert "De aanwezigheid is opgeslagen." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _attendance_post(client, meeting, []).status_code == 302
    assert rsvp_for(meeting, people["Anna"]).attended is False
    assert rsvp_for(meeting, people["Cees"]).attended is None


def test_attendance_before_the_start_is_refused(filled_meeting, client_for):
    coordinator, meeting, people = filled_meeting()
    client = client_for(coordinator)
    anna = rsvp_for(meeting, people["Anna"])
    response = _attendance_post(client, meeting, [anna.id])
    assert response.status_code == 409
    assert "zodra de bijeenkomst begonnen is" in response.get_data(as_text=True)
    assert rsvp_for(meeting, people["Anna"]).attended is None


def test_forged_attendance_ids_are_404(filled_meeting, create_meeting, create_user, add_member, client_for):
    coordinator, meeting, people = filled_meeting(start=utcnow() - timedelta(minutes=30))
    other = create_meeting(meeting.circle, start=utcnow() - timedelta(minutes=30))
    stranger = create_user()
    add_member(meeting.circle, stranger)
    other.starts_at = utcnow() + timedelta(days=1)
    db.session.commit()
    rsvp_services.set_answer(stranger, other, "yes")
    db.session.commit()
    other.starts_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    client = client_for(coordinator)
    assert _attendance_post(client, meeting, [rsvp_for(other, stranger).id]).status_code == 404
    assert _attendance_post(client, meeting, ["abc"]).status_code == 404
    assert rsvp_for(other, stranger).attended is None
    member = client_for(people["Cees"])
    token = csrf_token_from(member.get("/").get_data(as_text=True))
    assert member.post(f"/bijeenkomsten/{meeting.id}/aanwezigheid", data={"csrf_token": token}).status_code == 403


# --- Circle setting ------------------------------------------------------------------------------

def test_coordinator_sets_reminder_days(create_circle, create_user, member_of, client_for):
    coordinator = create_user(role=Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    client = client_for(coordinator)
    url = f"/leercirkels/{circle.slug}/bijeenkomsten/instellingen"
    html = client.get(url).get_data(as_text=True)
    assert 'value="2"' in html and "0 betekent: geen herinneringen" in html
    response = post_form(client, url, {"reminder_days": "5"})
    assert response.status_code == 302
    assert db.session.get(CircleMeetingSettings, circle.id).reminder_days == 5
    for bad in ("31", "-1", "twee", ""):
        response = post_form(client, url, {"reminder_days": bad})
        assert response.status_code == 422, bad
        assert "Vul een aantal dagen in, van 0 tot en met 30." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CircleMeetingSettings, circle.id).reminder_days == 5
    assert post_form(client, url, {"reminder_days": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CircleMeetingSettings, circle.id).reminder_days == 0


def test_only_coordinators_change_the_setting(create_circle, create_user, member_of, client_for):
    circle = create_circle()
    member = client_for(member_of(circle))
    assert member.get(f"/leercirkels/{circle.slug}/bijeenkomsten/instellingen").status_code == 403
    hidden = create_circle(visibility="circle")
    assert member.get(f"/leercirkels/{hidden.slug}/bijeenkomsten/instellingen").status_code == 404
    assert member.get("/leercirkels/bestaat-niet/bijeenkomsten/instellingen").status_code == 404


def test_raising_the_capacity_gives_the_waiting_list_places(app, create_meeting, create_user, add_member, mailbox):
    from circles.core import mail
    from circles.core.db import db
    from circles.groups.services import coordinators
    from circles.meetings import services as meeting_services
    from circles.meetings.models import Rsvp
    from circles.meetings.rsvp import services as rsvp_services

    meeting = create_meeting(capacity=1)
    for i in range(3):
        person = create_user(email=f"wacht{i}@example.org")
        for circle in meeting.circles:
            add_member(circle, person)
        rsvp_services.set_answer(person, meeting, "yes")
        db.session.commit()
    waiting = {r.user.email for r in db.session.scalars(db.select(Rsvp)) if not r.has_place}
    assert waiting == {"wacht1@example.org", "wacht2@example.org"}
    editor = coordinators(meeting.circles[0])[0]
    meeting_services.update_meeting(editor, meeting, when=meeting_services.When.of(meeting), capacity=3)
    db.session.commit()
    mail.deliver()
    assert all(r.has_place for r in db.session.scalars(db.select(Rsvp)))
    promoted = {m["To"] for m in mailbox.messages if "plek vrij" in m["Subject"]}
    assert promoted == {"wacht1@example.org", "wacht2@example.org"}
