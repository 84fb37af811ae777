"""The authorisation matrix of the signal pages: every ``progress.signal*`` route, every kind of person, the
outcome.

The world: a new signal reported by ``reporter`` (a member), another signal to merge it into, a member of
another organisation, a platform coordinator and an administrator. Signals are for logged-in people (an
anonymous visitor is sent to the log-in page); the reporter may not recognise their own signal and edits it
while it is new; coordinators (and administrators, who may do everything) edit, answer and merge.

A signal route without a row fails the first test. Every write needs a CSRF token.
"""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role, User
from circles.core.db import db
from circles.progress.models import Recognition, Signal
from circles.progress.signals import services as signals
from tests.conftest import post_form

LOGIN = 302
ACTORS = ("anonymous", "member", "reporter", "coordinator", "administrator")


@dataclass
class World:
    signal: Signal
    other: Signal
    people: dict[str, User]


@pytest.fixture
def world(create_user, create_org) -> World:
    reporter = create_user(name="Melder", org=create_org("Gemeente Melddorp"))
    member = create_user(name="Ander Lid", org=create_org("Gemeente Anderdorp", sector="vo"))
    people = {"reporter": reporter, "member": member,
              "coordinator": create_user(name="Coördinator", role=Role.COORDINATOR),
              "administrator": create_user(name="Beheerder", role=Role.ADMINISTRATOR)}
    signal = signals.report_signal(reporter, title="Schoonmaak uitbesteed", category="uitbesteding",
                                   description="De banen zitten bij de aannemer.", sector_code="gemeenten")
    other = signals.report_signal(member, title="Facilitair werk uitbesteed", category="uitbesteding",
                                  description="Geen plekken meer.", sector_code="vo")
    db.session.commit()
    return World(signal=signal, other=other, people=people)


def everyone_logged_in(ok=200):
    return {"*": ok, "anonymous": LOGIN}


def only(*allowed, ok=200):
    return {"*": 403, "anonymous": LOGIN, **{a: ok for a in allowed}}


COORDINATORS = ("coordinator", "administrator")


def _signal(path: str = ""):
    return lambda w: f"/signalen/{w.signal.id}{path}"


def _fixed(url: str):
    return lambda w: url


def _signal_form(w):
    return {"title": "Schoonmaak en catering uitbesteed", "category": "uitbesteding", "sector": "gemeenten",
            "region": "", "description": "De banen zitten bij de aannemer, ook de kantine."}


#: key -> (method, url builder, form data builder or None, {actor: status}). A route that answers GET and
#: POST has a row "<endpoint>" for the GET and one "<endpoint> POST".
MATRIX = {
    "progress.signal_index": ("GET", _fixed("/signalen?sector=gemeenten"), None, everyone_logged_in()),
    "progress.signal_csv": ("GET", _fixed("/signalen.csv"), None, everyone_logged_in()),
    "progress.signal_report": ("GET", _fixed("/signalen/melden"), None, everyone_logged_in()),
    "progress.signal_report POST": ("POST", _fixed("/signalen/melden"), _signal_form, everyone_logged_in(302)),
    "progress.signal_summary": ("GET", _fixed("/signalen/overzicht"), None, everyone_logged_in()),
    "progress.signal_summary_csv": ("GET", _fixed("/signalen/overzicht.csv"), None, everyone_logged_in()),
    "progress.signal_show": ("GET", _signal(), None, everyone_logged_in()),
    "progress.signal_recognise": ("POST", _signal("/herkennen"), lambda w: {"note": "Bij ons ook."},
                                  {**everyone_logged_in(302), "reporter": 403}),
    "progress.signal_withdraw": ("POST", _signal("/herkennen/intrekken"), None, everyone_logged_in(302)),
    "progress.signal_edit": ("GET", _signal("/bewerken"), None, only("reporter", *COORDINATORS)),
    "progress.signal_edit POST": ("POST", _signal("/bewerken"), _signal_form,
                                  only("reporter", *COORDINATORS, ok=302)),
    "progress.signal_manage": ("GET", _signal("/beheer"), None, only(*COORDINATORS)),
    "progress.signal_manage POST": ("POST", _signal("/beheer"),
                                    lambda w: {"status": "besproken", "response": "Besproken in de leercirkel."},
                                    only(*COORDINATORS, ok=302)),
    "progress.signal_merge": ("POST", _signal("/samenvoegen"), lambda w: {"target": w.other.id},
                              only(*COORDINATORS, ok=302)),
}

WRITES = [k for k in MATRIX if MATRIX[k][0] == "POST"]
CSV = {"progress.signal_csv", "progress.signal_summary_csv"}


def _endpoint(key: str) -> str:
    return key.split(" ")[0]


def _expected(key: str, actor: str) -> int:
    return MATRIX[key][3].get(actor, MATRIX[key][3]["*"])


def _state() -> dict:
    """What a write in this matrix could change, in a comparable form."""
    db.session.expire_all()
    return {
        "signals": sorted(db.session.execute(sa.select(Signal.id, Signal.title, Signal.status, Signal.response,
                                                       Signal.merged_into_id)).all()),
        "recognitions": sorted(db.session.execute(sa.select(Recognition.signal_id, Recognition.user_id,
                                                            Recognition.note)).all()),
    }


# --- the matrix covers the app --------------------------------------------------------------------------

def test_every_signal_route_has_a_row(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("progress.signal")]
    endpoints = {r.endpoint for r in rules}
    rows = {_endpoint(k) for k in MATRIX}
    assert sorted(endpoints - rows) == [], "signal routes without a row in MATRIX"
    assert sorted(rows - endpoints) == [], "rows for routes the app does not have"
    for rule in rules:
        if "GET" in rule.methods:
            assert MATRIX[rule.endpoint][0] == "GET", rule.endpoint
        if "POST" in rule.methods:
            key = f"{rule.endpoint} POST" if "GET" in rule.methods else rule.endpoint
            assert key in MATRIX and MATRIX[key][0] == "POST", f"{rule.endpoint}: no POST row"


# --- every route for every person -------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in MATRIX for a in ACTORS])
def test_who_may_do_what(app, client, auth, world, key, actor):
    method, url_of, data_of, _statuses = MATRIX[key]
    if actor != "anonymous":
        assert auth.login(world.people[actor].email).status_code == 302
    expected = _expected(key, actor)
    url = url_of(world)
    before = _state()
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(client, url, data_of(world) if data_of else {},
                             page="/account/inloggen" if actor == "anonymous" else "/signalen/overzicht")
    assert response.status_code == expected, f"{key} as {actor}: {response.status_code}, expected {expected}"
    if actor == "anonymous":
        assert "/account/inloggen" in response.headers["Location"]
    if method == "POST" and (expected == 403 or actor == "anonymous"):
        assert _state() == before, f"{key} as {actor} was refused but changed something"
    if expected == 200:
        wanted = "text/csv" if _endpoint(key) in CSV else "text/html"
        assert response.mimetype == wanted


# --- CSRF: every write needs its token --------------------------------------------------------------------

WHO_MAY = {"progress.signal_report POST": "member", "progress.signal_recognise": "member",
           "progress.signal_withdraw": "member", "progress.signal_edit POST": "reporter",
           "progress.signal_manage POST": "coordinator", "progress.signal_merge": "coordinator"}


@pytest.mark.parametrize("key", WRITES)
def test_a_write_without_csrf_token_is_refused(app, client, auth, world, key):
    """As someone who may make the write: without the token, 400 and nothing changes."""
    actor = WHO_MAY[key]
    assert _expected(key, actor) == 302
    signals.recognise(world.people["member"], world.signal, "Herkenbaar.")  # something to withdraw
    db.session.commit()
    assert auth.login(world.people[actor].email).status_code == 302
    _method, url_of, data_of, _statuses = MATRIX[key]
    before = _state()
    response = client.post(url_of(world), data=data_of(world) if data_of else {})
    assert response.status_code == 400, f"{key}: {response.status_code}"
    assert "Het formulier was verlopen of onvolledig" in response.get_data(as_text=True)
    assert _state() == before
