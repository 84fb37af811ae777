"""The authorisation matrix of the meetings feature: every route, every kind of person, the outcome.

Built on the route inventory's world (tests/routes.py): a circle for platform members, coordinated by
``account(COORDINATOR)``, with ``member`` in it; an upcoming meeting with published minutes, a decision
and an action item owned by ``member``. A meetings route without a row fails the first test.
"""

import pytest

from circles.accounts.models import Role
from circles.core.db import db
from tests.conftest import post_form
from tests.routes import make_world

LOGIN = 302
ACTORS = ("anonymous", "outsider", "member", "coordinator", "other_coordinator", "admin")


def people(world):
    other = world.account(Role.EDITOR)  # a logged-in platform member outside the circle
    return {"outsider": other, "member": world.member, "coordinator": world.account(Role.COORDINATOR),
            "admin": world.account(Role.ADMINISTRATOR), "other_coordinator": _other_coordinator(world)}


def _other_coordinator(world):
    from circles.accounts import services as accounts
    from circles.groups import services as circles

    user = accounts.register_user(name="Andere Coördinator", email="andere.coordinator@example.org",
                                  password="correct horse battery staple", function="", organisation=world.org)
    user.role = Role.COORDINATOR
    circles.create_circle(user, name="Andere kring", description="", goals="", sector_codes=["po"],
                          region_codes=[], visibility="platform", join_policy="open")
    db.session.commit()
    return user


M = lambda w: w.meeting.id  # noqa: E731
MANAGERS = {"coordinator", "admin"}


def only(*allowed, ok=200, others=403):
    return {"*": others, "anonymous": LOGIN, **{a: ok for a in allowed}}


#: key -> (method, url builder, form data builder or None, {actor: status})
MATRIX = {
    "meetings.index": ("GET", lambda w: "/bijeenkomsten", None, {"*": 200}),
    "meetings.show": ("GET", lambda w: f"/bijeenkomsten/{M(w)}", None, {"*": 200, "anonymous": LOGIN}),
    "meetings.create": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/bijeenkomsten/nieuw", None,
                        only(*MANAGERS)),
    "meetings.create_regional": ("GET", lambda w: "/bijeenkomsten/nieuw-regionaal", None,
                                 only("coordinator", "other_coordinator", "admin")),
    "meetings.edit": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/bewerken", None, only(*MANAGERS)),
    "meetings.cancel": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/afzeggen", None, only(*MANAGERS)),
    "meetings.attendees": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/deelnemers", None, only(*MANAGERS)),
    "meetings.attendees_csv": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/deelnemers.csv", None, only(*MANAGERS)),
    "meetings.settings": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/bijeenkomsten/instellingen", None,
                          only(*MANAGERS)),
    "meetings.meeting_ics": ("GET", lambda w: f"/bijeenkomsten/{M(w)}.ics", None, {"*": 200, "anonymous": LOGIN}),
    "meetings.personal_feed": ("GET", lambda w: f"/agenda/{w.calendar_token}.ics", None, {"*": 200}),
    "meetings.circle_feed": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/agenda.ics?token={w.calendar_token}",
                             None, {"*": 200}),
    "meetings.my_calendar": ("GET", lambda w: "/account/agenda", None, {"*": 200, "anonymous": LOGIN}),
    "meetings.minutes_edit": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/verslag", None, only(*MANAGERS)),
    "meetings.minutes_history": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/verslag/geschiedenis", None,
                                 only(*MANAGERS)),
    "meetings.minutes_revision": ("GET", lambda w: f"/bijeenkomsten/{M(w)}/verslag/versies/1", None,
                                  only(*MANAGERS)),
    "meetings.my_actions": ("GET", lambda w: "/mijn/actiepunten", None, {"*": 200, "anonymous": LOGIN}),
    "meetings.circle_decisions": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/besluiten", None,
                                  {"*": 200, "anonymous": LOGIN}),
    # --- writes ---
    "meetings.rsvp": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/aanmelden", lambda w: {"answer": "yes"},
                      only("member", "coordinator", "admin", ok=302)),
    "meetings.attendance": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/aanwezigheid", None,
                            only(*MANAGERS, ok=409)),  # before the meeting: a clear refusal
    "meetings.new_calendar_token": ("POST", lambda w: "/account/agenda/nieuw", None,
                                    {"*": 200, "anonymous": LOGIN}),
    "meetings.minutes_edit POST": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/verslag",
                                   lambda w: {"body": "Nieuw verslag", "revision": "2"}, only(*MANAGERS, ok=302)),
    "meetings.minutes_publish": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/verslag/publiceren", None,
                                 only(*MANAGERS, ok=409)),  # already published
    "meetings.minutes_restore": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/verslag/versies/1/terugzetten", None,
                                 only(*MANAGERS, ok=302)),
    "meetings.minutes_editor": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/notulist",
                                lambda w: {"notulist-user_id": str(w.member.id)}, only(*MANAGERS, ok=302)),
    "meetings.decision_add": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/besluiten",
                              lambda w: {"besluit-text": "Een nieuw besluit"}, only(*MANAGERS, ok=302)),
    "meetings.decision_delete": ("POST", lambda w: f"/besluiten/{w.decision_id}/verwijderen",
                                 lambda w: {"meeting_id": str(M(w))}, only(*MANAGERS, ok=302)),
    "meetings.action_add": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/actiepunten",
                            lambda w: {"actiepunt-text": "Iets doen", "actiepunt-owner_id": str(w.member.id)},
                            only(*MANAGERS, ok=302)),
    "meetings.action_status": ("POST", lambda w: f"/actiepunten/{w.action_item_id}/status",
                               lambda w: {"status": "done"}, only("member", *MANAGERS, ok=302)),
    "meetings.create POST": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/bijeenkomsten/nieuw",
                             lambda w: _meeting_form(), only(*MANAGERS, ok=302)),
    "meetings.create_regional POST": ("POST", lambda w: "/bijeenkomsten/nieuw-regionaal",
                                      lambda w: {**_meeting_form(), "region": "AM13", "invited": [str(w.circle.id)]},
                                      only("coordinator", "other_coordinator", "admin", ok=302)),
    "meetings.edit POST": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/bewerken",
                           lambda w: {**_meeting_form(), "scope": "this"}, only(*MANAGERS, ok=302)),
    "meetings.cancel POST": ("POST", lambda w: f"/bijeenkomsten/{M(w)}/afzeggen", lambda w: {"message": ""},
                             only(*MANAGERS, ok=302)),
    "meetings.settings POST": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/bijeenkomsten/instellingen",
                               lambda w: {"reminder_days": "3"}, only(*MANAGERS, ok=302)),
}


def _meeting_form():
    from datetime import date, timedelta

    day = (date.today() + timedelta(days=30)).isoformat()
    return {"title": "Nieuwe bijeenkomst", "kind": "circle", "date": day, "start_time": "14:00",
            "end_time": "16:00", "location_name": "", "address": "", "accessibility": "", "online_url": "",
            "agenda": "", "capacity": "", "partners_other": "", "repeat": ""}


def _run(client, auth, world, actor, row):
    method, url, data, _expected = row
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302
    if method == "GET":
        return client.get(url(world))
    return post_form(client, url(world), data(world) if data else {}, page="/account/inloggen"
                     if actor == "anonymous" else "/")


def test_every_meetings_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("meetings.")}
    assert sorted(endpoints - {k.split(" ")[0] for k in MATRIX}) == []
    both = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.startswith("meetings.") and {"GET", "POST"} <= r.methods}
    assert sorted(e for e in both if f"{e} POST" not in MATRIX) == []


def _platform_world():
    world = make_world()
    world.circle.visibility = "platform"
    db.session.commit()
    return world


def _check(key, actor, response) -> str | None:
    expected = MATRIX[key][3].get(actor, MATRIX[key][3]["*"])
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}, expected {expected}"
    if actor == "anonymous" and expected == LOGIN and "/account/inloggen" not in response.headers["Location"]:
        return f"{key} as {actor}: redirected elsewhere than the log-in page"
    return None


READS = [k for k in MATRIX if MATRIX[k][0] == "GET"]
WRITES = [k for k in MATRIX if MATRIX[k][0] == "POST"]


def _expected(key, actor) -> int:
    return MATRIX[key][3].get(actor, MATRIX[key][3]["*"])


def _refused(expected: int, actor: str) -> bool:
    """A refusal changes nothing: 403, 404, or the log-in redirect of an anonymous visitor (a 302 for
    anyone else is a write that went through)."""
    return expected in (403, 404) or (actor == "anonymous" and expected == LOGIN)


@pytest.mark.parametrize("actor", ACTORS)
def test_reads_and_refused_writes(app, client, auth, actor):
    """Every GET row, and every write this person is refused, in one world: neither changes anything."""
    world = _platform_world()
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302
    problems = [p for key in READS if (p := _check(key, actor, client.get(MATRIX[key][1](world))))]
    for key in WRITES:
        if _refused(_expected(key, actor), actor):
            method, url, data, _e = MATRIX[key]
            page = "/account/inloggen" if actor == "anonymous" else "/"
            response = post_form(client, url(world), data(world) if data else {}, page=page)
            if problem := _check(key, actor, response):
                problems.append(problem)
    assert problems == []


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in WRITES for a in ACTORS
                                             if not _refused(_expected(k, a), a)])
def test_allowed_writes(app, client, auth, key, actor):
    """Each write that goes through, on a fresh world."""
    world = _platform_world()
    problem = _check(key, actor, _run(client, auth, world, actor, MATRIX[key]))
    assert problem is None


#: Routes a logged-in outsider of a circle-only circle tries; each must answer 404 (the circle does
#: not exist for them). Anonymous visitors get the log-in redirect or 404, as for an unknown id.
ABOUT_THE_CIRCLE = [k for k in MATRIX if k not in ("meetings.index", "meetings.create_regional",
                                                    "meetings.create_regional POST",
                                                    "meetings.my_calendar", "meetings.my_actions",
                                                    "meetings.new_calendar_token", "meetings.personal_feed")]


def _circle_only_world():
    world = make_world()
    world.circle.visibility = "circle"
    db.session.commit()
    return world


def _hidden(key, actor, response) -> str | None:
    expected = 200 if key == "meetings.circle_feed" else 404  # the feed answers for the token's owner
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}"
    if expected == 404 and "Jobcarving in de praktijk" in response.get_data(as_text=True):
        return f"{key} as {actor}: the meeting's title leaks"
    return None


@pytest.mark.parametrize("actor", ["outsider", "other_coordinator"])
def test_a_circle_only_circles_meetings_do_not_exist_for_outsiders_reads(app, client, auth, actor):
    world = _circle_only_world()
    auth.login(people(world)[actor].email)
    problems = [p for key in ABOUT_THE_CIRCLE if MATRIX[key][0] == "GET"
                if (p := _hidden(key, actor, client.get(MATRIX[key][1](world))))]
    assert problems == []


@pytest.mark.parametrize("actor", ["outsider", "other_coordinator"])
@pytest.mark.parametrize("key", [k for k in ABOUT_THE_CIRCLE if MATRIX[k][0] == "POST"])
def test_a_circle_only_circles_meetings_do_not_exist_for_outsiders_writes(app, client, auth, key, actor):
    world = _circle_only_world()
    assert _hidden(key, actor, _run(client, auth, world, actor, MATRIX[key])) is None


def test_a_regional_meeting_cannot_invite_a_circle_the_coordinator_cannot_see(app, client, auth):
    from circles.meetings.models import Meeting

    world = make_world()
    world.circle.visibility = "circle"
    db.session.commit()
    stranger = people(world)["other_coordinator"]
    auth.login(stranger.email)
    response = post_form(client, "/bijeenkomsten/nieuw-regionaal",
                         {**_meeting_form(), "region": "AM13", "invited": [str(world.circle.id)]})
    assert response.status_code == 422
    assert "Leercirkel Voorbeeldstad" not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 1
