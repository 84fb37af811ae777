"""The authorisation matrix of the circles feature: every route, every kind of person, the outcome.

Each cell runs on a fresh database. A circles route without a row here fails
``test_every_circles_route_has_a_row``. A second matrix checks a circle-only circle: to everyone
outside it, it does not exist (404), whatever they try.
"""

import dataclasses
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups import services
from circles.groups.models import CircleRole, MembershipState
from tests.conftest import post_form

ACTORS = ("anonymous", "outsider", "pending", "member", "coordinator", "other_coordinator", "admin")
LOGIN = 302  # an anonymous visitor is sent to the log-in page


@dataclass
class World:
    circle: object
    other_circle: object
    pending_id: int
    member_id: int
    invitation_id: int
    token: str
    people: dict


def build_world(app, create_user, create_org, visibility="platform", join_policy="request") -> World:
    org = create_org()
    people = {name: create_user(name=name.title(), org=org,
                                role=Role.COORDINATOR if "coordinator" in name else Role.MEMBER)
              for name in ("outsider", "pending", "member", "coordinator", "other_coordinator", "target",
                           "applicant")}
    people["admin"] = create_user(name="Admin", role=Role.ADMINISTRATOR, org=org)

    def circle_for(coordinator, name):
        return services.create_circle(coordinator, name=name, description="", goals="", sector_codes=["gemeenten"],
                                      region_codes=[], visibility=visibility, join_policy=join_policy)

    circle = circle_for(people["coordinator"], "Onder test")
    other = circle_for(people["other_coordinator"], "Andere")
    from circles.groups.models import Membership

    def add(user, state, role=CircleRole.MEMBER):
        m = Membership(circle=circle, user=user, state=state, role=role)
        db.session.add(m)
        return m

    add(people["pending"], MembershipState.PENDING)
    add(people["member"], MembershipState.ACTIVE)
    target = add(people["target"], MembershipState.ACTIVE)
    applicant = add(people["applicant"], MembershipState.PENDING)
    db.session.flush()
    invitation = services.invite(people["coordinator"], circle, "genodigde@example.org")
    db.session.commit()
    import secrets

    token = secrets.token_urlsafe(32)
    invitation.token_hash = services._hash(token)
    db.session.commit()
    return World(circle, other, applicant.id, target.id, invitation.id, token, people)


def _circle_form(w):
    return {"name": "Nieuwe naam", "description": "", "goals": "", "sectors": ["gemeenten"],
            "visibility": "platform", "join_policy": "request", "status": "active"}


# (method, url builder, form data builder, {actor: status}); "*" is the default for unlisted actors.
MATRIX = {
    "groups.index": ("GET", lambda w: "/leercirkels", None, {"*": 200}),
    "groups.sector": ("GET", lambda w: "/sectoren/gemeenten", None, {"*": 200}),
    "groups.show": ("GET", lambda w: f"/leercirkels/{w.circle.slug}", None, {"*": 200, "anonymous": LOGIN}),
    "groups.create": ("GET", lambda w: "/leercirkels/nieuw", None,
                      {"*": 403, "anonymous": LOGIN, "coordinator": 200, "other_coordinator": 200, "admin": 200}),
    "groups.edit": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/bewerken", None,
                    {"*": 403, "anonymous": LOGIN, "coordinator": 200, "admin": 200}),
    "groups.join": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/meedoen", None,
                    {"*": 200, "anonymous": LOGIN, "pending": 302, "member": 302, "coordinator": 302}),
    "groups.manage": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/beheer", None,
                      {"*": 403, "anonymous": LOGIN, "coordinator": 200, "admin": 200}),
    "groups.log": ("GET", lambda w: f"/leercirkels/{w.circle.slug}/logboek", None,
                   {"*": 403, "anonymous": LOGIN, "coordinator": 200, "admin": 200}),
    "groups.invitation": ("GET", lambda w: f"/uitnodiging/{w.token}", None, {"*": 200}),
    "groups.directory": ("GET", lambda w: "/leden", None, {"*": 200, "anonymous": LOGIN}),
    "groups.member": ("GET", lambda w: f"/leden/{w.people['member'].id}", None, {"*": 200, "anonymous": LOGIN}),
    # --- writes ---
    "groups.join POST": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/meedoen", lambda w: {"motivation": "x"},
                         {"*": 302, "anonymous": LOGIN, "pending": 409, "member": 409, "coordinator": 409}),
    "groups.leave": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/verlaten", None,
                     {"*": 403, "anonymous": LOGIN, "pending": 302, "member": 302, "coordinator": 409,
                      "admin": 409}),
    "groups.approve": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/aanvragen/{w.pending_id}/goedkeuren", None,
                       {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
    "groups.decline": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/aanvragen/{w.pending_id}/afwijzen",
                       lambda w: {"reason": "nee"}, {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
    "groups.remove": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/leden/{w.member_id}/verwijderen", None,
                      {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
    "groups.set_role": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/leden/{w.member_id}/rol",
                        lambda w: {"role": "coordinator"}, {"*": 403, "anonymous": LOGIN, "coordinator": 302,
                                                            "admin": 302}),
    "groups.invite": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/uitnodigen",
                      lambda w: {"email": "nieuw@example.org"},
                      {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
    "groups.revoke": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/uitnodigingen/{w.invitation_id}/intrekken",
                      None, {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
    "groups.invitation POST": ("POST", lambda w: f"/uitnodiging/{w.token}", None,
                               {"*": 302, "member": 409, "coordinator": 409}),
    "groups.create POST": ("POST", lambda w: "/leercirkels/nieuw", _circle_form,
                           {"*": 403, "anonymous": LOGIN, "coordinator": 302, "other_coordinator": 302,
                            "admin": 302}),
    "groups.edit POST": ("POST", lambda w: f"/leercirkels/{w.circle.slug}/bewerken", _circle_form,
                         {"*": 403, "anonymous": LOGIN, "coordinator": 302, "admin": 302}),
}


def _expected(row, actor):
    return row[3].get(actor, row[3]["*"])


def _do(client, auth, world, actor, row):
    method, url, data, _expect = row
    if actor != "anonymous":
        assert auth.login(world.people[actor].email).status_code == 302
    if method == "GET":
        return client.get(url(world))
    return post_form(client, url(world), data(world) if data else {}, page="/account/inloggen"
                     if actor == "anonymous" else "/")


def test_every_circles_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("groups.")}
    covered = {key.split(" ")[0] for key in MATRIX}
    assert sorted(endpoints - covered) == []
    posts = {r.endpoint for r in app.url_map.iter_rules()
             if r.endpoint.startswith("groups.") and "POST" in r.methods and "GET" in r.methods}
    assert sorted(e for e in posts if f"{e} POST" not in MATRIX) == []


def _check(response, key, actor) -> str | None:
    expected = _expected(MATRIX[key], actor)
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}, expected {expected}"
    if expected == LOGIN and actor == "anonymous" and "/account/inloggen" not in response.headers["Location"]:
        return f"{key} as {actor}: redirected elsewhere than the log-in page"
    if expected in (403, 404):
        html = response.get_data(as_text=True)
        if "Target" in html or "Applicant" in html:
            return f"{key} as {actor}: a refusal leaks member names"
    return None


def _refused(expected: int, actor: str) -> bool:
    """A refusal changes nothing: 403, 404, or the log-in redirect of an anonymous visitor (a 302 for
    anyone else is a write that went through)."""
    return expected in (403, 404) or (actor == "anonymous" and expected == LOGIN)


@pytest.mark.parametrize("actor", ACTORS)
def test_reads_and_refused_writes(app, client, auth, create_user, create_org, actor):
    """Every GET row, and every write this person is refused, in one world: neither changes anything."""
    world = build_world(app, create_user, create_org)
    if actor != "anonymous":
        assert auth.login(world.people[actor].email).status_code == 302
    problems = []
    for key, row in MATRIX.items():
        method, url, data, _e = row
        if method == "GET":
            response = client.get(url(world))
        elif _refused(_expected(row, actor), actor):
            response = post_form(client, url(world), data(world) if data else {},
                                 page="/account/inloggen" if actor == "anonymous" else "/")
        else:
            continue
        if problem := _check(response, key, actor):
            problems.append(problem)
    assert problems == []


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k, row in MATRIX.items() if row[0] == "POST"
                                             for a in ACTORS if not _refused(_expected(row, a), a)])
def test_allowed_writes(app, client, auth, create_user, create_org, key, actor):
    """Each write that goes through, on a fresh world."""
    world = build_world(app, create_user, create_org)
    assert _check(_do(client, auth, world, actor, MATRIX[key]), key, actor) is None


#: Routes not about one circle (listings, the directory, invitations by token).
NOT_ABOUT_ONE_CIRCLE = {"groups.index", "groups.sector", "groups.create", "groups.create POST", "groups.invitation",
                        "groups.invitation POST", "groups.directory", "groups.member"}


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "pending", "other_coordinator"])
@pytest.mark.parametrize("key", [k for k in MATRIX if k not in NOT_ABOUT_ONE_CIRCLE])
def test_a_circle_only_circle_does_not_exist_for_outsiders(app, client, auth, create_user, create_org, key, actor):
    """The answer is the one a slug that does not exist gets: 404, or for an anonymous visitor on a
    log-in-only route the same redirect to the log-in page (which says nothing about the circle)."""
    world = build_world(app, create_user, create_org, visibility="circle", join_policy="invitation")
    response = _do(client, auth, world, actor, MATRIX[key])
    nowhere = dataclasses.replace(world, circle=SimpleNamespace(slug="bestaat-niet"))
    unknown = _do(client, auth, nowhere, actor, MATRIX[key]) if actor == "anonymous" else None
    if actor == "anonymous" and response.status_code == LOGIN:
        assert unknown.status_code == LOGIN, f"{key}: a slug that does not exist is answered differently"
    else:
        assert response.status_code == 404, f"{key} as {actor}: {response.status_code}"
    assert "Onder test" not in response.get_data(as_text=True)
