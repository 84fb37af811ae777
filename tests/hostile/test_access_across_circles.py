"""Access across circles: a member of circle A guesses the addresses of circle B's private things.

Circle B is the route inventory's world (tests/routes.py ``make_world``) made private: the circle is
"circle only" (by invitation), and its packages and cases are for the circle alone. It has a meeting
with published minutes, a decision, an action item and an attendee, packages and cases with revisions
and an attachment, a membership request and an invitation. Circle A is a second private circle with its
own member and coordinator (another organisation), and a meeting and a package of its own.

For EVERY inventory route whose address names one of B's things (found from the rule's arguments and
the inventory's sample values, so a new route is tried without being listed here), A's people get 403 or
404 (never the log-in page: they are logged in) and none of B's texts, names or file bytes; a write
(with a valid CSRF token) changes nothing in the database. The same holds for the ids next to B's
(id +/- 1..5) unless such an id is one of A's own things. Routes with arguments that are not about a
circle say why in ``NOT_ABOUT_A_CIRCLE``; a new one fails ``test_every_route_with_arguments_is_classified``.

B's things do not show in anything A's people may read either: the lists, searches, feeds (Atom,
calendar), CSV exports and the JSON API.

Also here: the authorisation rows for the account and page routes that no per-feature matrix covers
(``ACCOUNT_MATRIX``; tests/hostile/test_route_coverage.py counts them as covered).
"""

import contextlib
import html
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.routing import Rule

from circles.accounts import services as account_services
from circles.accounts.models import Role, User
from circles.core.db import db, utcnow
from circles.groups import services as circle_services
from circles.groups.models import Membership, MembershipState
from circles.meetings.models import Meeting
from circles.meetings.rsvp import services as rsvp
from circles.reference.models import Municipality
from circles.workpackages import services as package_services
from circles.workpackages.models import Status
from tests import sample_files
from tests.conftest import PASSWORD, AuthActions, csrf_token_from, post_form
from tests.hostile.test_fuzz_forms import FORMS, Fingerprint
from tests.routes import ROUTES, World

# --- the two circles ---------------------------------------------------------------------------------------

#: B's things get titles nothing else has (the inventory's titles are also the examples in the package form's
#: hints): none may show to A's people, wherever they look.
B_TITLES = {"circle": "Bravokring geheim", "meeting": "Bravo-overleg geheim", "package": "Bravopakket geheim",
            "review_package": "Bravopakket in review", "case": "Bravocasus geheim",
            "review_case": "Bravocasus in review"}
#: Other texts of B's things: the decision, the action item, the minutes, the meeting's address and agenda.
B_TEXTS = (*B_TITLES.values(), "We delen het werkpakket post en archief", "Werkpakket beschrijven", "Besproken:",
           "Stadsplein 1", "Taken afsplitsen")
#: The inventory's texts that B's revisions and attachment still carry: not in a refusal, a list or an export
#: (a page of A's own may show them as examples in a form hint).
B_OLD_TEXTS = ("Leercirkel Voorbeeldstad", "Jobcarving in de praktijk", "Medewerker post en archief",
               "Conciërge na een stage", "Facilitair medewerker na een proefplaatsing", "functieomschrijving.pdf")
#: Names of B's people (members, attendee, requester, invitee): not in a refusal (the directory may list them).
B_NAMES = ("Wereld Lid", "Wereld Aanvrager", "wereld.genodigde@example.org", "Wereld Schrijver")
#: The attachment's bytes.
B_FILE = "%PDF-1.4"


@dataclass
class Circles:
    b: World
    #: A's people: "member" (a platform member) and "coordinator" (a platform coordinator, coordinating A).
    people: dict
    circle_a: object
    meeting_a: object
    package_a: object
    #: Per URL argument, the ids of A's own things (a guessed id that is one of them may answer).
    own: dict


def _make_b_private(b: World) -> None:
    b.circle.visibility = "circle"
    b.circle.join_policy = "invitation"
    for name, title in B_TITLES.items():
        thing = getattr(b, name)
        if name == "circle":
            thing.name = title
        else:
            thing.title = title
    for item in (b.package, b.review_package, b.case, b.review_case):
        item.visibility = "circle"
    rsvp.set_answer(b.member, b.meeting, "yes")  # an attendee
    db.session.commit()


def _make_a(b: World) -> Circles:
    mid = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Rotterdam"))
    org = account_services.create_organisation("Gemeente Aardorp", "gemeenten", mid)
    people = {}
    for key, role in (("member", Role.MEMBER), ("coordinator", Role.COORDINATOR)):
        user = account_services.register_user(name=f"Aardorp {key}", email=f"aardorp.{key}@example.org",
                                              password=PASSWORD, function="adviseur", organisation=org, locale="nl")
        user.role = role
        people[key] = user
    db.session.flush()
    circle = circle_services.create_circle(
        people["coordinator"], name="Kring Aardorp", description="Alleen voor Aardorp.", goals="Delen.",
        sector_codes=["gemeenten"], region_codes=["AM13"], visibility="circle", join_policy="invitation")
    db.session.add(Membership(circle=circle, user=people["member"], state=MembershipState.ACTIVE))
    start = (utcnow() + timedelta(days=9)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = Meeting(title="Aardorp overleg", circle=circle, starts_at=start, ends_at=start + timedelta(hours=1),
                      location_name="Raadhuis Aardorp", agenda="Welkom", capacity=10,
                      created_by_id=people["coordinator"].id)
    db.session.add(meeting)
    content = {"title": "Aardorp groenonderhoud", "summary": "Groen bijhouden.", "setting": "post_archief",
               "hours_min": 8.0, "hours_max": 12.0, "sectors": ["gemeenten"], "instruments": [], "licence": "CC-BY-4.0",
               "language": "nl", "tasks": [{"description": "Maaien", "frequency": "wekelijks", "hours_per_week": 4.0}]}
    package = package_services.create_package(people["coordinator"], content, circle=circle)
    package.status, package.visibility, package.published_at = Status.PUBLISHED, "circle", package.created_at
    db.session.commit()
    own = {"meeting_id": {meeting.id}, "package_id": {package.id}, "slug": {circle.slug}}
    return Circles(b, people, circle, meeting, package, own)


@pytest.fixture
def circles(fuzz_app, fuzz_world) -> Circles:
    _make_b_private(fuzz_world)
    return _make_a(fuzz_world)


# --- which routes are about one of B's things ---------------------------------------------------------------

def _b_values(b: World) -> dict[str, set]:
    """Per URL argument name, the values that name one of B's things."""
    return {
        "slug": {b.circle.slug},
        "meeting_id": {b.meeting.id},
        "decision_id": {b.decision_id},
        "item_id": {b.action_item_id},
        "package_id": {b.package.id, b.review_package.id, b.copy.id},
        "case_id": {b.case.id, b.review_case.id},
        "attachment_id": {b.attachment_id},
        "membership_id": {b.membership_id, b.pending_id},
        "invitation_id": {b.invitation_id},
    }


#: Routes whose arguments name something that is not a circle's (endpoint -> why).
NOT_ABOUT_A_CIRCLE = {
    "pages.set_language": "a language code",
    "accounts.reset_password": "a token for one account (tests/hostile/test_tokens.py)",
    "accounts.organisation": "an organisation's public page (ACCOUNT_MATRIX)",
    "accounts.organisation_edit": "an organisation (ACCOUNT_MATRIX)",
    "accounts.admin_set_role": "a user (ACCOUNT_MATRIX)",
    "groups.sector": "a sector code",
    "groups.invitation": "a token (tests/hostile/test_tokens.py)",
    "groups.member": "a member's directory page: checked below not to name B",
    "meetings.personal_feed": "a token (tests/hostile/test_tokens.py); the actor's own feed is checked below",
    "workpackages.instrument": "an instrument code",
    "newsletter.confirm": "a token (tests/hostile/test_tokens.py)",
    "newsletter.unsubscribe": "a token (tests/hostile/test_tokens.py)",
    "newsletter.preferences": "a token (tests/hostile/test_tokens.py)",
    "newsletter.approve_news": "news is platform-wide, not a circle's (editors only: tests/newsletter)",
    "newsletter.decline_news": "news is platform-wide (editors only: tests/newsletter)",
    "newsletter.news_item": "published news is public",
    "newsletter.compose": "an issue: editors only (tests/newsletter)",
    "newsletter.add_section": "an issue: editors only (tests/newsletter)",
    "newsletter.remove_section": "an issue: editors only (tests/newsletter)",
    "newsletter.refresh": "an issue: editors only (tests/newsletter)",
    "newsletter.delete_issue": "an issue: editors only (tests/newsletter)",
    "newsletter.preview": "an issue: editors only (tests/newsletter)",
    "newsletter.preview_html": "an issue: editors only (tests/newsletter)",
    "newsletter.test_send": "an issue: editors only (tests/newsletter)",
    "newsletter.approve": "an issue: editors only (tests/newsletter)",
    "newsletter.reopen": "an issue: editors only (tests/newsletter)",
    "newsletter.send": "an issue: editors only (tests/newsletter)",
    "newsletter.issue_status": "an issue: editors only (tests/newsletter)",
    "newsletter.retry_failed": "an issue: editors only (tests/newsletter)",
    "newsletter.archive_issue": "a sent issue is public",
    "newsletter.archive_email": "a sent issue is public",
    "progress.index_csv": "a table name",
    "progress.sector": "a sector code: checked below not to name B",
    "progress.sector_csv": "a sector code: checked below not to name B",
    "progress.region": "a region code: checked below not to name B",
    "progress.region_csv": "a region code: checked below not to name B",
    "progress.organisation": "an organisation's figures (tests/progress)",
    "progress.organisation_csv": "an organisation's figures (tests/progress)",
    "progress.record": "an organisation (tests/progress)",
    "progress.settings": "an organisation (tests/progress)",
    "progress.signal_show": "signals are platform-wide, not a circle's (tests/progress)",
    "progress.signal_edit": "signals are platform-wide (tests/progress)",
    "progress.signal_manage": "signals are platform-wide (tests/progress)",
    "progress.signal_merge": "signals are platform-wide (tests/progress)",
    "progress.signal_recognise": "signals are platform-wide (tests/progress)",
    "progress.signal_withdraw": "signals are platform-wide (tests/progress)",
}


def _rules(app, endpoint: str) -> list[Rule]:
    return list(app.url_map.iter_rules(endpoint))


def _arguments(app, endpoint: str) -> set[str]:
    return set().union(*(rule.arguments for rule in _rules(app, endpoint)))


def _about_b(app, endpoint: str, b: World) -> bool:
    """The route's sample URL in B's world names one of B's things."""
    values, params = _b_values(b), ROUTES[endpoint].params(b)
    return any(params.get(arg) in values.get(arg, ()) for arg in _arguments(app, endpoint))


def _methods(app, endpoint: str) -> set[str]:
    return set().union(*(rule.methods for rule in _rules(app, endpoint))) & {"GET", "POST"}


def _url(endpoint: str, params: dict) -> str:
    with current_app.test_request_context():
        return url_for(endpoint, **params)


def _text(response) -> str:
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), ensure_ascii=False)
    return html.unescape(body)


def _leaks(response, *, names: bool = True, old: bool = True) -> list[str]:
    """B's texts in the answer (its own address, which the page repeats in its language switch, left out)."""
    text = _text(response)
    request = getattr(response, "request", None)
    if request is not None:
        text = text.replace(request.full_path.rstrip("?"), "").replace(request.path, "")
    found = [t for t in B_TEXTS + (B_OLD_TEXTS if old else ()) + (B_NAMES if names else ()) if t in text]
    if B_FILE in text:
        found.append("the attachment's bytes")
    return found


def _log_in(app, user: User):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client


def _token(client) -> str:
    return csrf_token_from(client.get("/").get_data(as_text=True))


def _post(client, endpoint: str, url: str, b: World, token: str):
    """POST as a browser would, with what the fuzzer calls a valid input for the form."""
    form = FORMS.get(endpoint)
    data = dict(form.valid(b)) if form is not None and form.valid else {}
    data["csrf_token"] = token
    if form is not None and form.multipart:
        import io

        data["file"] = (io.BytesIO(sample_files.pdf()), "bestand.pdf", "application/pdf")
        return client.post(url, data=data, content_type="multipart/form-data")
    return client.post(url, data=data)


def _refusal_problem(what: str, response, *, allowed: bool = False) -> list[str]:
    """403 or 404 and nothing of B's; ``allowed``: the id is one of A's own, any answer but 5xx will do."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code}")
    elif not allowed and response.status_code not in (403, 404):
        where = f" to {response.location}" if response.location else ""
        problems.append(f"{what}: {response.status_code}{where}, expected 403 or 404")
    if leaks := _leaks(response, names=not allowed, old=not allowed):
        problems.append(f"{what}: shows {leaks}")
    return problems


ACTORS = ("member", "coordinator")


def _about_b_endpoints(app, b: World) -> list[str]:
    return [e for e in ROUTES if _about_b(app, e, b)]


# --- the tests ----------------------------------------------------------------------------------------------

def test_every_route_with_arguments_is_classified(fuzz_app, fuzz_world):
    """A route whose address takes an argument is about one of B's things, or says why it is not."""
    unclassified = [e for e in ROUTES if _arguments(fuzz_app, e) and not _about_b(fuzz_app, e, fuzz_world)
                    and e not in NOT_ABOUT_A_CIRCLE]
    assert unclassified == [], f"routes with arguments neither about a circle nor in NOT_ABOUT_A_CIRCLE: {unclassified}"
    wrongly_listed = [e for e in NOT_ABOUT_A_CIRCLE if e not in ROUTES or _about_b(fuzz_app, e, fuzz_world)]
    assert wrongly_listed == []
    # The derivation finds the routes of every kind of B's things.
    about = set(_about_b_endpoints(fuzz_app, fuzz_world))
    assert {"groups.show", "meetings.attendees_csv", "meetings.meeting_ics", "meetings.minutes_revision",
            "meetings.decision_delete", "meetings.action_status", "workpackages.attachment_download",
            "workpackages.case_history", "workpackages.api_show", "progress.circle_csv", "groups.revoke"} <= about


@pytest.mark.parametrize("actor", ACTORS)
def test_b_pages_are_refused_to_a(fuzz_app, circles, actor):
    """Every GET of a route about B's things: 403 or 404, nothing of B's in the answer."""
    b = circles.b
    client = _log_in(fuzz_app, circles.people[actor])
    problems = []
    for endpoint in _about_b_endpoints(fuzz_app, b):
        if "GET" not in _methods(fuzz_app, endpoint):
            continue
        url = ROUTES[endpoint].url(endpoint, b)
        problems += _refusal_problem(f"GET {url} ({endpoint})", client.get(url))
    assert problems == []


@pytest.mark.parametrize("actor", ACTORS)
def test_b_writes_are_refused_to_a_and_change_nothing(fuzz_app, circles, actor):
    """Every POST to a route about B's things, with a valid CSRF token: 403 or 404, the database as it was."""
    b = circles.b
    client = _log_in(fuzz_app, circles.people[actor])
    token = _token(client)
    fingerprint = Fingerprint()
    problems = []
    try:
        fingerprint.take()
        for endpoint in _about_b_endpoints(fuzz_app, b):
            if "POST" not in _methods(fuzz_app, endpoint):
                continue
            url = ROUTES[endpoint].url(endpoint, b)
            problems += _refusal_problem(f"POST {url} ({endpoint})", _post(client, endpoint, url, b, token))
            if changes := fingerprint.changes():
                problems.append(f"POST {url} ({endpoint}) changed the database: {changes}")
    finally:
        fingerprint.close()
    assert problems == []


def _guesses(app, circles: Circles, endpoint: str):
    """(url, whether the guessed id is one of A's own things) for B's ids +/- 1..5 in each id argument."""
    b = circles.b
    params, values = ROUTES[endpoint].params(b), _b_values(b)
    for arg in sorted(_arguments(app, endpoint)):
        if arg == "slug" or params.get(arg) not in values.get(arg, ()):
            continue
        for delta in (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5):
            guess = params[arg] + delta
            if guess < 1 or guess in values[arg]:
                continue  # B's own ids are tried by the tests above
            yield _url(endpoint, {**params, arg: guess}), guess in circles.own.get(arg, ())


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_guessed_ids_next_to_bs_are_refused(fuzz_app, circles, method):
    """Ids next to B's (+/- 1..5), as A's coordinator: refused unless the id is one of A's things, never B's texts;
    a refused write changes nothing."""
    b = circles.b
    client = _log_in(fuzz_app, circles.people["coordinator"])
    token = _token(client)
    fingerprint = Fingerprint()
    problems, tried = [], 0
    try:
        fingerprint.take()
        for endpoint in _about_b_endpoints(fuzz_app, b):
            if method not in _methods(fuzz_app, endpoint):
                continue
            for url, own in _guesses(fuzz_app, circles, endpoint):
                if method == "POST" and own:
                    continue  # a write to A's own thing may go through
                response = client.get(url) if method == "GET" else _post(client, endpoint, url, b, token)
                tried += 1
                problems += _refusal_problem(f"{method} {url} ({endpoint})", response, allowed=own)
                if method == "POST" and (changes := fingerprint.changes()):
                    problems.append(f"POST {url} ({endpoint}) changed the database: {changes}")
    finally:
        fingerprint.close()
    assert tried > 50
    assert problems == []


def _lists(circles: Circles, client) -> dict[str, str]:
    """Name -> URL of everything A's people may read that lists, searches, feeds or exports things."""
    b = circles.b
    feed_token = None
    response = post_form(client, "/account/agenda/nieuw", {}, page="/account/agenda")
    match = re.search(r"/agenda/([A-Za-z0-9_\-]+)\.ics", response.get_data(as_text=True))
    if match:
        feed_token = match.group(1)
    urls = {
        "home": "/",
        "circles": "/leercirkels",
        "circles search": "/leercirkels?q=Voorbeeldstad",
        "circles by sector": _url("groups.sector", {"code": "gemeenten"}),
        "meetings": "/bijeenkomsten",
        "my actions": _url("meetings.my_actions", {}),
        "packages": "/werkpakketten",
        "packages search": "/werkpakketten?q=post+archief",
        "my packages": _url("workpackages.mine", {}),
        "review queue": _url("workpackages.review_queue", {}),
        "cases": _url("workpackages.cases", {}),
        "cases search": _url("workpackages.cases", {"q": "stage"}),
        "package feed": _url("workpackages.feed", {}),
        "API list": "/api/v1/werkpakketten?per_page=100",
        "directory": _url("groups.directory", {}),
        "directory search": _url("groups.directory", {"q": "Wereld"}),
        "member page of B's member": _url("groups.member", {"user_id": b.member.id}),
        "organisations": _url("accounts.organisations", {}),
        "progress": _url("progress.index", {}),
        "progress sector": _url("progress.sector", {"code": "gemeenten"}),
        "progress region": _url("progress.region", {"code": "AM13"}),
        "news archive feed": _url("newsletter.archive_feed", {}),
        "newsletter archive": _url("newsletter.archive", {}),
        "sent newsletter": _url("newsletter.archive_issue", {"number": b.sent_issue.number}),
        "sent newsletter e-mail": _url("newsletter.archive_email", {"number": b.sent_issue.number}),
        "my data": _url("accounts.my_data_download", {}),
    }
    for table in ("landelijk", "sectoren", "regios"):
        urls[f"progress CSV {table}"] = _url("progress.index_csv", {"table": table})
    urls["progress sector CSV"] = _url("progress.sector_csv", {"code": "gemeenten"})
    urls["progress region CSV"] = _url("progress.region_csv", {"code": "AM13"})
    urls["signals CSV"] = _url("progress.signal_csv", {})
    urls["signal summary CSV"] = _url("progress.signal_summary_csv", {})
    if feed_token:
        urls["my calendar feed"] = _url("meetings.personal_feed", {"token": feed_token})
        urls["B's circle feed with my token"] = _url("meetings.circle_feed", {"slug": b.circle.slug,
                                                                              "token": feed_token})
    return urls


@pytest.mark.parametrize("actor", ACTORS)
def test_bs_things_are_in_no_list_feed_export_or_search_for_a(fuzz_app, circles, actor):
    client = _log_in(fuzz_app, circles.people[actor])
    urls = _lists(circles, client)
    assert "my calendar feed" in urls, "no personal calendar link on /account/agenda"
    problems, shown = [], {}
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{name} ({url}): {response.status_code}")
        if leaks := _leaks(response, names=False):
            problems.append(f"{name} ({url}): shows {leaks}")
        shown[name] = (response.status_code, _text(response))
    assert problems == []
    # The lists work: A's own things are in them.
    assert "Kring Aardorp" in shown["circles"][1]
    assert "Aardorp overleg" in shown["meetings"][1]
    assert "Aardorp overleg" in shown["my calendar feed"][1]
    assert "Aardorp groenonderhoud" in shown["packages"][1]


def test_a_newsletter_carries_none_of_bs_things_once_they_are_private(fuzz_app, circles, mailbox):
    """The issue approved while B was public is not sent (its content is no longer public), and a new draft
    proposes none of B's things."""
    from circles.core.models import OutgoingMail
    from circles.newsletter import services as newsletter_services

    b = circles.b
    approved = b.approved_issue
    assert "Medewerker post en archief" in json.dumps(approved.snapshot, ensure_ascii=False)  # it had B's package
    editor = _log_in(fuzz_app, b.account(Role.EDITOR))
    response = post_form(editor, _url("newsletter.send", {"issue_id": approved.id}), {},
                         page=_url("newsletter.editor_home", {}))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.batch == approved.batch)) == 0
    assert mailbox.per_recipient() == {}
    titles = [item.title for item, _changed in newsletter_services.proposals(None, utcnow())]
    assert titles and not [t for t in titles if any(text in t for text in B_TEXTS + B_OLD_TEXTS)]


# --- authorisation rows for the account and page routes ------------------------------------------------------
# No per-feature matrix covers accounts.* and pages.*: these rows do (counted by test_route_coverage.py).

LOGIN = 302
ACCOUNT_ACTORS = ("anonymous", "member", "coordinator", "other_coordinator", "administrator")


def _account_people(world: World) -> dict:
    other = account_services.register_user(
        name="Andere Coördinator", email="andere.coordinator@example.org", password=PASSWORD, function="",
        organisation=account_services.create_organisation(
            "Gemeente Elders", "gemeenten",
            db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Rotterdam"))),
        locale="nl")
    other.role = Role.COORDINATOR
    db.session.commit()
    return {"member": world.member, "coordinator": world.account(Role.COORDINATOR), "other_coordinator": other,
            "administrator": world.account(Role.ADMINISTRATOR)}


def _everyone(ok=200):
    return {"*": ok}


def _logged_in(ok=200):
    return {"*": ok, "anonymous": LOGIN}


def _only(*allowed, ok=200, others=403):
    return {"*": others, "anonymous": LOGIN, **{a: ok for a in allowed}}


def _u(endpoint: str):
    return lambda w: ROUTES[endpoint].url(endpoint, w)


#: key ("<endpoint>" for a GET or post-only route, "<endpoint> POST" for the POST of a form page)
#: -> (method, url builder, form data builder or None, {actor: status}); "*" for the actors not named.
#: Writes that go through are tried only by the actors they are refused to (a refusal changes nothing).
ACCOUNT_MATRIX = {
    "pages.home": ("GET", _u("pages.home"), None, _everyone()),
    "pages.accessibility": ("GET", _u("pages.accessibility"), None, _everyone()),
    "pages.privacy": ("GET", _u("pages.privacy"), None, _everyone()),
    "pages.security_txt": ("GET", _u("pages.security_txt"), None, _everyone()),
    "pages.set_language": ("GET", _u("pages.set_language"), None, _everyone(302)),
    "pages.healthz": ("GET", _u("pages.healthz"), None, _everyone()),
    "accounts.register": ("GET", _u("accounts.register"), None, {"*": 302, "anonymous": 200}),
    "accounts.register POST": ("POST", _u("accounts.register"), lambda w: {}, {"*": 302, "anonymous": 422}),
    "accounts.login": ("GET", _u("accounts.login"), None, {"*": 302, "anonymous": 200}),
    "accounts.login POST": ("POST", _u("accounts.login"), lambda w: {}, {"*": 302, "anonymous": 422}),
    "accounts.logout": ("POST", _u("accounts.logout"), None, {"*": 302}),
    "accounts.forgot_password": ("GET", _u("accounts.forgot_password"), None, _everyone()),
    "accounts.forgot_password POST": ("POST", _u("accounts.forgot_password"), lambda w: {}, _everyone(422)),
    "accounts.reset_password": ("GET", _u("accounts.reset_password"), None, _everyone()),
    "accounts.reset_password POST": ("POST", _u("accounts.reset_password"), lambda w: {}, _everyone(422)),
    "accounts.change_password": ("GET", _u("accounts.change_password"), None, _logged_in()),
    "accounts.change_password POST": ("POST", _u("accounts.change_password"), lambda w: {}, _logged_in(422)),
    "accounts.profile": ("GET", _u("accounts.profile"), None, _logged_in()),
    "accounts.profile POST": ("POST", _u("accounts.profile"), lambda w: {"email": ""}, _logged_in(422)),
    "accounts.my_data": ("GET", _u("accounts.my_data"), None, _logged_in()),
    "accounts.my_data_download": ("GET", _u("accounts.my_data_download"), None, _logged_in()),
    "accounts.delete_account": ("GET", _u("accounts.delete_account"), None, _logged_in()),
    "accounts.delete_account POST": ("POST", _u("accounts.delete_account"), lambda w: {}, _logged_in(422)),
    "accounts.organisations": ("GET", _u("accounts.organisations"), None, _logged_in()),
    "accounts.organisation": ("GET", _u("accounts.organisation"), None, _everyone()),
    "accounts.organisation_edit": ("GET", _u("accounts.organisation_edit"), None,
                                   _only("coordinator", "administrator")),
    "accounts.organisation_edit POST": ("POST", _u("accounts.organisation_edit"), lambda w: {"name": ""},
                                        _only("coordinator", "administrator", ok=422)),
    "accounts.admin_users": ("GET", _u("accounts.admin_users"), None, _only("administrator")),
    "accounts.admin_set_role": ("POST", _u("accounts.admin_set_role"), lambda w: {"role": "administrator"},
                                _only("administrator", ok=302)),
    "accounts.admin_log": ("GET", _u("accounts.admin_log"), None, _only("administrator")),
}


def _account_expected(key: str, actor: str) -> int:
    return ACCOUNT_MATRIX[key][3].get(actor, ACCOUNT_MATRIX[key][3]["*"])


def _write_goes_through(key: str, actor: str) -> bool:
    expected = _account_expected(key, actor)
    return ACCOUNT_MATRIX[key][0] == "POST" and 200 <= expected < 400 and not (actor == "anonymous"
                                                                                and expected == LOGIN)


def test_every_account_and_page_route_has_a_row(fuzz_app):
    endpoints = {r.endpoint for r in fuzz_app.url_map.iter_rules() if r.endpoint.split(".")[0] in ("accounts", "pages")}
    rows = {k.split(" ")[0] for k in ACCOUNT_MATRIX}
    assert sorted(endpoints - rows) == [] and sorted(rows - endpoints) == []
    forms = {r.endpoint for r in fuzz_app.url_map.iter_rules()
             if r.endpoint in endpoints and {"GET", "POST"} <= r.methods}
    assert sorted(e for e in forms if f"{e} POST" not in ACCOUNT_MATRIX) == []


@pytest.mark.parametrize("actor", ACCOUNT_ACTORS)
def test_account_routes_answer_each_person_as_they_may(fuzz_app, fuzz_world, actor):
    """Each row as each person (a write only where it is refused or fails validation: nothing changes)."""
    people = _account_people(fuzz_world)
    client = fuzz_app.test_client()
    if actor != "anonymous":
        assert AuthActions(client).login(people[actor].email).status_code == 302
    problems = []
    for key, (method, url_of, data_of, _statuses) in ACCOUNT_MATRIX.items():
        if _write_goes_through(key, actor) or (key == "accounts.logout"):
            continue
        url = url_of(fuzz_world)
        if method == "GET":
            response = client.get(url)
        else:
            response = post_form(client, url, data_of(fuzz_world) if data_of else {},
                                 page="/account/inloggen" if actor == "anonymous" else "/")
        expected = _account_expected(key, actor)
        if response.status_code != expected:
            problems.append(f"{key} as {actor}: {response.status_code}, expected {expected}")
        elif expected == LOGIN and actor == "anonymous" and "/account/inloggen" not in (response.location or "") \
                and ACCOUNT_MATRIX[key][3].get("anonymous") == LOGIN:
            problems.append(f"{key} as anonymous: redirected to {response.location}, not the log-in page")
    assert problems == []


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in ACCOUNT_MATRIX for a in ACCOUNT_ACTORS
                                             if _write_goes_through(k, a)])
def test_account_writes_that_go_through(fuzz_app, fuzz_world, key, actor):
    people = _account_people(fuzz_world)
    client = fuzz_app.test_client()
    if actor != "anonymous":
        assert AuthActions(client).login(people[actor].email).status_code == 302
    _method, url_of, data_of, _statuses = ACCOUNT_MATRIX[key]
    response = post_form(client, url_of(fuzz_world), data_of(fuzz_world) if data_of else {}, page="/")
    assert response.status_code == _account_expected(key, actor)
    if key == "accounts.admin_set_role":
        db.session.expire_all()
        assert db.session.get(User, fuzz_world.member.id).role == Role.ADMINISTRATOR
    if key == "accounts.logout":
        assert client.get("/account/profiel").status_code == LOGIN
