"""The authorisation matrix of the progress pages: every ``progress.*`` route that is not a signal route,
every kind of person, the outcome.

Built on the route inventory's world (tests/routes.py): ``org`` has figures for last year (20 jobs target,
12,5 realised), ``circle`` is a public circle coordinated by ``account(COORDINATOR)`` (who works for ``org``)
with ``member`` (of ``org``) in it. The people: an anonymous visitor, an ordinary member of ``org``, the
coordinator of ``org``, a coordinator of ANOTHER organisation, an editor (who works for ``org``) and an
administrator (of another organisation: administrators may do everything wherever they work).

The dashboards and their CSV downloads are open to everyone; an organisation's coordinators record its
figures (its members too when it chose so) and only they change its settings; an organisation that hides its
figures shows them to its own people only; a circle's progress is visible to whoever may see the circle.
A progress route without a row fails the first test. Every write needs a CSRF token.
"""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from circles.accounts import services as accounts
from circles.accounts.models import Role
from circles.core.db import db
from circles.core.timefmt import local_today
from circles.progress.models import ProgressRecord, ProgressSettings, Recorders
from tests.conftest import PASSWORD, post_form
from tests.routes import ROUTES, make_world

LOGIN = 302
ACTORS = ("anonymous", "member", "coordinator", "other_coordinator", "editor", "administrator")
#: The people who work for ``world.org``.
OWN_PEOPLE = ("member", "coordinator", "editor")
LAST_YEAR = local_today().year - 1


def people(world) -> dict:
    return {"member": world.member, "coordinator": world.account(Role.COORDINATOR),
            "other_coordinator": _stranger(world, Role.COORDINATOR), "editor": world.account(Role.EDITOR),
            "administrator": _stranger(world, Role.ADMINISTRATOR)}


def _stranger(world, role: Role):
    """A user with ``role`` who works for ``world.other_org`` (made on first use)."""
    email = f"ander.{role.value}@example.org"
    user = accounts.get_user_by_email(email)
    if user is None:
        user = accounts.register_user(name=f"Ander {role.value}", email=email, password=PASSWORD,
                                      function="adviseur", organisation=world.other_org, locale="nl")
        user.role = role
        db.session.commit()
    return user


def everyone(ok=200):
    return {"*": ok}


def only(*allowed, ok=200, others=403):
    return {"*": others, "anonymous": LOGIN, **{a: ok for a in allowed}}


def _fixed(path: str):
    return lambda w: path


def _org(path: str = ""):
    return lambda w: f"/voortgang/organisaties/{w.org.slug}{path}"


def _circle(path: str = ""):
    return lambda w: f"/voortgang/leercirkels/{w.circle.slug}{path}"


def _record_form(w):
    return {"year": str(LAST_YEAR), "quarter": "", "target": "10", "realised": "5", "source": "own_count",
            "note": ""}


def _settings_form(w):
    return {"hidden": "y", "recorders": "members"}


RECORDERS = ("coordinator", "administrator")

#: key -> (method, url builder, form data builder or None, {actor: status}). A route that answers GET and
#: POST has a row "<endpoint>" for the GET and one "<endpoint> POST"; "<endpoint> (...)" rows try another
#: sample of the same route.
MATRIX = {
    # --- the dashboards and their downloads: everyone ---
    "progress.index": ("GET", _fixed("/voortgang"), None, everyone()),
    "progress.index_csv": ("GET", _fixed("/voortgang/landelijk.csv"), None, everyone()),
    "progress.index_csv (sectoren)": ("GET", _fixed(f"/voortgang/sectoren.csv?jaar={LAST_YEAR}"), None, everyone()),
    "progress.index_csv (regios)": ("GET", _fixed(f"/voortgang/regios.csv?jaar={LAST_YEAR}"), None, everyone()),
    "progress.sector": ("GET", _fixed("/voortgang/sectoren/gemeenten"), None, everyone()),
    "progress.sector_csv": ("GET", _fixed("/voortgang/sectoren/gemeenten.csv"), None, everyone()),
    "progress.region": ("GET", _fixed("/voortgang/regios/AM13"), None, everyone()),
    "progress.region_csv": ("GET", _fixed("/voortgang/regios/AM13.csv"), None, everyone()),
    "progress.circle": ("GET", _circle(), None, everyone()),
    "progress.circle_csv": ("GET", _circle("/organisaties.csv"), None, everyone()),
    "progress.circle_csv (jaren)": ("GET", _circle("/jaren.csv"), None, everyone()),
    "progress.organisation": ("GET", _org(), None, everyone()),
    "progress.organisation_csv": ("GET", _org(".csv"), None, everyone()),
    # --- the short way to one's own organisation: to its page (checked in _check) ---
    "progress.mine": ("GET", _fixed("/voortgang/mijn-organisatie"), None, {"*": 302, "anonymous": LOGIN}),
    # --- recording figures: the organisation's coordinators (and administrators) ---
    "progress.record": ("GET", _org("/invoeren"), None, only(*RECORDERS)),
    "progress.record POST": ("POST", _org("/invoeren"), _record_form, only(*RECORDERS, ok=302)),
    # --- who records and who sees the figures: the organisation's coordinators (and administrators) ---
    "progress.settings": ("GET", _org("/instellingen"), None, only(*RECORDERS)),
    "progress.settings POST": ("POST", _org("/instellingen"), _settings_form, only(*RECORDERS, ok=302)),
}

READS = [k for k in MATRIX if MATRIX[k][0] == "GET"]
WRITES = [k for k in MATRIX if MATRIX[k][0] == "POST"]
CSV_ROWS = [k for k in READS if "csv" in k]


def _endpoint(key: str) -> str:
    return key.split(" ")[0]


def _expected(key: str, actor: str, matrix=MATRIX) -> int:
    return matrix[key][3].get(actor, matrix[key][3]["*"])


def _refused(key: str, actor: str, matrix=MATRIX) -> bool:
    """A refusal changes nothing: 403, 404, or the log-in redirect of an anonymous visitor."""
    expected = _expected(key, actor, matrix)
    return expected in (403, 404) or (actor == "anonymous" and matrix[key][3].get("anonymous") == LOGIN)


def _log_in(auth, world, actor: str) -> None:
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302


def _request(client, world, actor: str, key: str, matrix=MATRIX):
    method, url_of, data, _e = matrix[key]
    if method == "GET":
        response = client.get(url_of(world))
        response.get_data()
        response.close()
        return response
    return post_form(client, url_of(world), data(world) if data else {},
                     page="/account/inloggen" if actor == "anonymous" else "/")


def _check(world, key: str, actor: str, response, matrix=MATRIX) -> str | None:
    expected = _expected(key, actor, matrix)
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}, expected {expected}"
    if actor == "anonymous" and matrix[key][3].get("anonymous") == LOGIN:
        if "/account/inloggen" not in response.headers["Location"]:
            return f"{key} as {actor}: redirected to {response.headers['Location']}, not to the log-in page"
    elif _endpoint(key) == "progress.mine":
        own = people(world)[actor].organisation
        if not response.headers["Location"].endswith(f"/voortgang/organisaties/{own.slug}"):
            return f"{key} as {actor}: redirected to {response.headers['Location']}, not to {own.name}"
    elif expected == 200 and "csv" in key and response.mimetype != "text/csv":
        return f"{key} as {actor}: {response.mimetype}, expected text/csv"
    return None


def _state() -> dict:
    """What a write in this matrix could change, in a comparable form."""
    db.session.expire_all()
    return {
        "records": sorted(db.session.execute(sa.select(ProgressRecord.organisation_id, ProgressRecord.year,
                                                       ProgressRecord.quarter, ProgressRecord.target,
                                                       ProgressRecord.realised)).all()),
        "settings": sorted(db.session.execute(sa.select(ProgressSettings.organisation_id, ProgressSettings.hidden,
                                                        ProgressSettings.recorders)).all()),
    }


# --- the matrix covers the app and agrees with the inventory -------------------------------------------

def _progress_endpoints(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.startswith("progress.") and not r.endpoint.startswith("progress.signal")}


def test_every_progress_route_has_a_row(app):
    endpoints = _progress_endpoints(app)
    rows = {_endpoint(k) for k in MATRIX}
    assert sorted(endpoints - rows) == [], "progress routes without a row in the authorisation matrix"
    assert sorted(rows - endpoints) == [], "rows for routes the app does not have"
    both = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint in endpoints and {"GET", "POST"} <= r.methods}
    assert sorted(e for e in both if f"{e} POST" not in MATRIX) == [], "routes that take a POST without a POST row"
    post_only = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint in endpoints and "GET" not in r.methods}
    assert sorted(e for e in post_only if f"{e} POST" not in MATRIX) == []


def test_the_rows_agree_with_the_inventory():
    """The person the route inventory names for a page gets the status it names."""
    actor_of = {None: "anonymous", Role.MEMBER: "member", Role.COORDINATOR: "coordinator"}
    problems = []
    for key in READS:
        if key != _endpoint(key):
            continue
        route = ROUTES[key]
        if _expected(key, actor_of[route.role]) != route.status:
            problems.append(f"{key}: {_expected(key, actor_of[route.role])} for {actor_of[route.role]}, "
                            f"the inventory says {route.status}")
    assert problems == []


# --- reads, and the writes each person is refused ------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_reads_and_refused_writes(app, client, auth, actor):
    """Every GET row, and every write this person is refused, in one world: neither changes anything."""
    world = make_world()
    _log_in(auth, world, actor)
    before = _state()
    problems = [p for key in READS if (p := _check(world, key, actor, _request(client, world, actor, key)))]
    for key in WRITES:
        if _refused(key, actor) and (p := _check(world, key, actor, _request(client, world, actor, key))):
            problems.append(p)
    assert problems == []
    assert _state() == before


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in WRITES for a in ACTORS if not _refused(k, a)])
def test_allowed_writes(app, client, auth, key, actor):
    """Each write that goes through, on a fresh world, and what it stored."""
    world = make_world()
    _log_in(auth, world, actor)
    assert _check(world, key, actor, _request(client, world, actor, key)) is None
    db.session.expire_all()
    if _endpoint(key) == "progress.record":
        newest = db.session.scalar(sa.select(ProgressRecord).where(ProgressRecord.organisation_id == world.org.id)
                                   .order_by(ProgressRecord.id.desc()).limit(1))
        assert (newest.year, newest.quarter, newest.target, newest.realised, newest.source) == (
            LAST_YEAR, None, Decimal(10), Decimal(5), "own_count")
        assert newest.recorded_by_id == people(world)[actor].id
    else:
        settings = db.session.get(ProgressSettings, world.org.id)
        assert (settings.hidden, settings.recorders) == (True, Recorders.MEMBERS)


def test_the_organisation_page_offers_recording_to_those_who_may(app, client, auth):
    """The buttons follow the rules: the coordinator sees both, a member a sentence, an outsider neither."""
    world = make_world()
    page = f"/voortgang/organisaties/{world.org.slug}"
    _log_in(auth, world, "coordinator")
    html = client.get(page).get_data(as_text=True)
    assert "Cijfers invoeren" in html and "Wie invoert en wie de cijfers ziet" in html
    auth.logout()
    _log_in(auth, world, "member")
    html = client.get(page).get_data(as_text=True)
    assert "Cijfers invoeren" not in html and "Wie invoert en wie de cijfers ziet" not in html
    assert "Bij uw organisatie voeren alleen de coördinatoren de cijfers in." in html
    auth.logout()
    _log_in(auth, world, "other_coordinator")
    html = client.get(page).get_data(as_text=True)
    assert "Cijfers invoeren" not in html and "alleen de coördinatoren" not in html


# --- an organisation that lets all its members record -----------------------------------------------------

MEMBERS_RECORD = {
    "progress.record": ("GET", _org("/invoeren"), None, only(*OWN_PEOPLE, "administrator")),
    "progress.record POST": ("POST", _org("/invoeren"), _record_form, only(*OWN_PEOPLE, "administrator", ok=302)),
    # Settings stay with the coordinators.
    "progress.settings": MATRIX["progress.settings"],
    "progress.settings POST": MATRIX["progress.settings POST"],
}


def _let_members_record(world) -> None:
    db.session.add(ProgressSettings(organisation_id=world.org.id, hidden=False, recorders=Recorders.MEMBERS))
    db.session.commit()


@pytest.mark.parametrize("actor", ACTORS)
def test_members_record_when_their_organisation_chose_so(app, client, auth, actor):
    world = make_world()
    _let_members_record(world)
    _log_in(auth, world, actor)
    problems = []
    for key in MEMBERS_RECORD:
        before = _state()
        response = _request(client, world, actor, key, MEMBERS_RECORD)
        if problem := _check(world, key, actor, response, MEMBERS_RECORD):
            problems.append(problem)
        if _refused(key, actor, MEMBERS_RECORD) and _state() != before:
            problems.append(f"{key} as {actor}: refused, but something changed")
    assert problems == []


def test_a_member_records_figures_when_the_organisation_chose_so(app, client, auth):
    world = make_world()
    _let_members_record(world)
    _log_in(auth, world, "member")
    response = post_form(client, f"/voortgang/organisaties/{world.org.slug}/invoeren", _record_form(world))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"De cijfers voor {LAST_YEAR} zijn opgeslagen." in html
    assert "Cijfers invoeren" in html and "Wie invoert en wie de cijfers ziet" not in html


# --- an organisation that hides its figures ---------------------------------------------------------------

def _hide(world) -> None:
    db.session.add(ProgressSettings(organisation_id=world.org.id, hidden=True, recorders=Recorders.COORDINATORS))
    db.session.commit()


@pytest.mark.parametrize("actor", ["anonymous", "other_coordinator"])
def test_hidden_figures_are_not_shown_to_outsiders(app, client, auth, actor):
    world = make_world()
    _hide(world)
    _log_in(auth, world, actor)
    page = client.get(f"/voortgang/organisaties/{world.org.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Deze organisatie laat haar eigen cijfers niet zien." in html
    assert "12,5" not in html and "Alles wat is ingevoerd" not in html
    assert f"/voortgang/organisaties/{world.org.slug}.csv" not in html
    assert client.get(f"/voortgang/organisaties/{world.org.slug}.csv").status_code == 404


@pytest.mark.parametrize("actor", [*OWN_PEOPLE, "administrator"])
def test_hidden_figures_are_shown_to_the_organisations_own_people(app, client, auth, actor):
    world = make_world()
    _hide(world)
    _log_in(auth, world, actor)
    html = client.get(f"/voortgang/organisaties/{world.org.slug}").get_data(as_text=True)
    assert "Deze organisatie laat haar eigen cijfers niet zien." not in html
    assert "12,5" in html and "Alles wat is ingevoerd" in html
    csv = client.get(f"/voortgang/organisaties/{world.org.slug}.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert f"{LAST_YEAR};20;12,5;" in csv.get_data(as_text=True)


# --- the visibility of the circle decides who sees its progress ---------------------------------------------

CIRCLE_ROWS = ["progress.circle", "progress.circle_csv", "progress.circle_csv (jaren)"]


@pytest.mark.parametrize(("actor", "expected"), [
    ("anonymous", 404), ("other_coordinator", 404), ("editor", 404),
    ("member", 200), ("coordinator", 200), ("administrator", 200),
])
def test_a_circle_only_circle_does_not_exist_for_outsiders(app, client, auth, actor, expected):
    world = make_world()
    world.circle.visibility = "circle"
    db.session.commit()
    _log_in(auth, world, actor)
    statuses = {key: _request(client, world, actor, key).status_code for key in CIRCLE_ROWS}
    assert statuses == dict.fromkeys(CIRCLE_ROWS, expected)


@pytest.mark.parametrize("actor", ACTORS)
def test_a_platform_circle_sends_anonymous_visitors_to_log_in(app, client, auth, actor):
    world = make_world()
    world.circle.visibility = "platform"
    db.session.commit()
    _log_in(auth, world, actor)
    matrix = {key: (*MATRIX[key][:3], {"*": 200, "anonymous": LOGIN}) for key in CIRCLE_ROWS}
    problems = [p for key in CIRCLE_ROWS
                if (p := _check(world, key, actor, _request(client, world, actor, key, matrix), matrix))]
    assert problems == []


# --- CSRF: every write needs its token ---------------------------------------------------------------------

@pytest.mark.parametrize("key", WRITES)
def test_a_write_without_csrf_token_is_refused(app, client, auth, key):
    """As the organisation's coordinator, who may make the write: without the token, 400 and nothing changes."""
    world = make_world()
    _log_in(auth, world, "coordinator")
    _method, url_of, data, _e = MATRIX[key]
    before = _state()
    response = client.post(url_of(world), data=data(world))
    assert response.status_code == 400, f"{key}: {response.status_code}"
    assert "Het formulier was verlopen of onvolledig" in response.get_data(as_text=True)
    assert _state() == before


def test_my_organisation_without_an_organisation_explains_itself(app, client, auth):
    """Someone whose organisation is gone gets the national page and what to do, not an error."""
    world = make_world()
    world.member.organisation_id = None
    db.session.commit()
    _log_in(auth, world, "member")
    response = client.get("/voortgang/mijn-organisatie")
    assert response.status_code == 302 and response.headers["Location"].endswith("/voortgang")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw account hoort niet bij een organisatie. Vul die eerst in bij uw profiel." in html
