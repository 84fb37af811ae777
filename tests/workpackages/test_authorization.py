"""The authorisation matrix of the work-package feature: every route, every kind of person, the outcome.

Built on the route inventory's world (tests/routes.py): ``other_org`` wrote a public published package
and a public case in ``circle`` (coordinated by ``account(COORDINATOR)``, who works for ``org``), and
has one package and one case waiting for review; ``org`` (``member``'s organisation) adopted the
package. A second world makes the package and case circle-only, in a circle-only circle: then they do
not exist for anyone outside it. A workpackages route without a row fails the first test.
"""

import pytest

from circles.accounts import services as accounts
from circles.accounts.models import Role
from circles.core.db import db
from tests.conftest import PASSWORD, post_form
from tests.routes import make_world

LOGIN = 302
ACTORS = ("anonymous", "outsider", "member", "author", "coordinator", "admin")


def people(world):
    return {"outsider": _outsider(world), "member": world.member, "author": world.package.author,
            "coordinator": world.account(Role.COORDINATOR), "admin": world.account(Role.ADMINISTRATOR)}


def _outsider(world):
    """A logged-in member of a third organisation, in no circle."""
    existing = accounts.get_user_by_email("buiten@example.org")
    if existing is not None:
        return existing
    org = accounts.create_organisation("Waterschap Buiten", "waterschappen", None)
    user = accounts.register_user(name="Buiten Staander", email="buiten@example.org", password=PASSWORD,
                                  function="", organisation=org, locale="nl")
    db.session.commit()
    return user


P = lambda w: w.package.id  # noqa: E731
R = lambda w: w.review_package.id  # noqa: E731
C = lambda w: w.case.id  # noqa: E731
RC = lambda w: w.review_case.id  # noqa: E731
EDITORS = ("author", "coordinator", "admin")
REVIEWERS = ("coordinator", "admin")


def only(*allowed, ok=200, others=403):
    return {"*": others, "anonymous": LOGIN, **{a: ok for a in allowed}}


def logged_in(ok=200):
    return {"*": ok, "anonymous": LOGIN}


def _package_form(w):
    return {"title": "Medewerker post en archief", "summary": "Post sorteren.", "setting": "post_archief",
            "work_level": "praktisch", "licence": "CC-BY-4.0", "language": "nl", "circle_id": "",
            "revision": str(w.package.revision)}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(w):
    import io

    return {"file": (io.BytesIO(PDF), "takenlijst.pdf"), "description": "Takenlijst"}


def _case_form(w):
    return {"title": "Conciërge na een stage", "summary": "Een oud-leerling werkt nu op school.",
            "setting": "conciergerie", "licence": "CC-BY-4.0", "language": "nl", "revision": str(w.case.revision)}


#: key -> (method, url builder, form data builder or None, {actor: status})
MATRIX = {
    # --- the library and one package ---
    "workpackages.index": ("GET", lambda w: "/werkpakketten", None, {"*": 200}),
    "workpackages.mine": ("GET", lambda w: "/werkpakketten/mijn", None, logged_in()),
    "workpackages.show": ("GET", lambda w: f"/werkpakketten/{P(w)}-{w.package.slug}", None, {"*": 200}),
    "workpackages.show_by_id": ("GET", lambda w: f"/werkpakketten/{P(w)}", None, {"*": 302}),
    "workpackages.create": ("GET", lambda w: "/werkpakketten/nieuw", None, logged_in()),
    "workpackages.edit": ("GET", lambda w: f"/werkpakketten/{P(w)}/bewerken", None, only(*EDITORS)),
    "workpackages.history": ("GET", lambda w: f"/werkpakketten/{P(w)}/geschiedenis", None, only(*EDITORS)),
    "workpackages.revision": ("GET", lambda w: f"/werkpakketten/{P(w)}/versies/1", None, only(*EDITORS)),
    "workpackages.review_queue": ("GET", lambda w: "/beoordelen", None, logged_in()),
    "workpackages.adopt": ("GET", lambda w: f"/werkpakketten/{P(w)}/overnemen", None,
                           only("outsider", "member", "coordinator", "admin")),
    "workpackages.export_markdown": ("GET", lambda w: f"/werkpakketten/{P(w)}/export.md", None, {"*": 200}),
    "workpackages.feed": ("GET", lambda w: "/werkpakketten/feed.atom", None, {"*": 200}),
    "workpackages.api_list": ("GET", lambda w: "/api/v1/werkpakketten", None, {"*": 200}),
    "workpackages.api_show": ("GET", lambda w: f"/api/v1/werkpakketten/{P(w)}", None, {"*": 200}),
    "workpackages.instruments": ("GET", lambda w: "/instrumenten", None, {"*": 200}),
    "workpackages.instrument": ("GET", lambda w: "/instrumenten/loonkostensubsidie", None, {"*": 200}),
    # --- package writes ---
    "workpackages.create POST": ("POST", lambda w: "/werkpakketten/nieuw", _package_form, logged_in(302)),
    "workpackages.edit POST": ("POST", lambda w: f"/werkpakketten/{P(w)}/bewerken", _package_form,
                               only(*EDITORS, ok=302)),
    "workpackages.publish": ("POST", lambda w: f"/werkpakketten/{P(w)}/publiceren",
                             lambda w: {"publiceren-visibility": "platform"}, only(*EDITORS, ok=302)),
    "workpackages.approve": ("POST", lambda w: f"/werkpakketten/{R(w)}/goedkeuren", None,
                             only(*REVIEWERS, ok=302, others=403) | {"member": 404, "outsider": 404}),
    "workpackages.send_back": ("POST", lambda w: f"/werkpakketten/{R(w)}/terugsturen",
                               lambda w: {"note": "Graag de uren per taak."},
                               only(*REVIEWERS, ok=302) | {"member": 404, "outsider": 404}),
    "workpackages.archive": ("POST", lambda w: f"/werkpakketten/{P(w)}/archiveren", None, only(*EDITORS, ok=302)),
    "workpackages.reopen": ("POST", lambda w: f"/werkpakketten/{P(w)}/heropenen", None, only(*EDITORS, ok=302)),
    "workpackages.restore": ("POST", lambda w: f"/werkpakketten/{P(w)}/versies/1/terugzetten", None,
                             only(*EDITORS, ok=302)),
    # --- cases ---
    "workpackages.cases": ("GET", lambda w: "/voorbeelden", None, {"*": 200}),
    "workpackages.case_show": ("GET", lambda w: f"/voorbeelden/{C(w)}-{w.case.slug}", None, {"*": 200}),
    "workpackages.case_create": ("GET", lambda w: "/voorbeelden/nieuw", None, logged_in()),
    "workpackages.case_edit": ("GET", lambda w: f"/voorbeelden/{C(w)}/bewerken", None, only(*EDITORS)),
    "workpackages.case_history": ("GET", lambda w: f"/voorbeelden/{C(w)}/geschiedenis", None, only(*EDITORS)),
    "workpackages.case_revision": ("GET", lambda w: f"/voorbeelden/{C(w)}/versies/1", None, only(*EDITORS)),
    "workpackages.case_create POST": ("POST", lambda w: "/voorbeelden/nieuw", _case_form, logged_in(302)),
    "workpackages.case_edit POST": ("POST", lambda w: f"/voorbeelden/{C(w)}/bewerken", _case_form,
                                    only(*EDITORS, ok=302)),
    "workpackages.case_publish": ("POST", lambda w: f"/voorbeelden/{C(w)}/publiceren",
                                  lambda w: {"publiceren-visibility": "platform"}, only(*EDITORS, ok=302)),
    "workpackages.case_approve": ("POST", lambda w: f"/voorbeelden/{RC(w)}/goedkeuren", None,
                                  only(*REVIEWERS, ok=302) | {"member": 404, "outsider": 404}),
    "workpackages.case_send_back": ("POST", lambda w: f"/voorbeelden/{RC(w)}/terugsturen",
                                    lambda w: {"note": "Graag de bedragen."},
                                    only(*REVIEWERS, ok=302) | {"member": 404, "outsider": 404}),
    "workpackages.case_archive": ("POST", lambda w: f"/voorbeelden/{C(w)}/archiveren", None, only(*EDITORS, ok=302)),
    "workpackages.case_reopen": ("POST", lambda w: f"/voorbeelden/{C(w)}/heropenen", None, only(*EDITORS, ok=302)),
    "workpackages.case_restore": ("POST", lambda w: f"/voorbeelden/{C(w)}/versies/1/terugzetten", None,
                                  only(*EDITORS, ok=302)),
    "workpackages.case_attachment_add": ("GET", lambda w: f"/voorbeelden/{C(w)}/bijlagen", None, only(*EDITORS)),
    "workpackages.case_attachment_add POST": ("POST", lambda w: f"/voorbeelden/{C(w)}/bijlagen", _upload,
                                              only(*EDITORS, ok=302)),
    # --- attachments ---
    "workpackages.attachment_add": ("GET", lambda w: f"/werkpakketten/{P(w)}/bijlagen", None, only(*EDITORS)),
    "workpackages.attachment_add POST": ("POST", lambda w: f"/werkpakketten/{P(w)}/bijlagen", _upload,
                                         only(*EDITORS, ok=302)),
    "workpackages.attachment_download": ("GET", lambda w: f"/bijlagen/{w.attachment_id}/functieomschrijving.pdf",
                                         None, {"*": 200}),
    "workpackages.attachment_delete": ("POST", lambda w: f"/bijlagen/{w.attachment_id}/verwijderen", None,
                                       only(*EDITORS, ok=302)),
    # member, coordinator and admin work for ``org``, which adopted the package already: a clear 409.
    "workpackages.adopt POST": ("POST", lambda w: f"/werkpakketten/{P(w)}/overnemen", None,
                                only("outsider", ok=302) | {"member": 409, "coordinator": 409, "admin": 409}),
    # The copy is a draft of ``org``: it does not exist for the others.
    "workpackages.report": ("POST", lambda w: f"/werkpakketten/{w.copy.id}/in-gebruik", lambda w: {"jobs": "2"},
                            only("member", "coordinator", "admin", ok=302, others=404)),
}


def _get(client, url):
    """GET and close the response (a download keeps its file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _run(client, auth, world, actor, row):
    method, url, data, _expected = row
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302
    if method == "GET":
        return _get(client, url(world))
    return post_form(client, url(world), data(world) if data else {},
                     page="/account/inloggen" if actor == "anonymous" else "/")


def _expected(key, actor) -> int:
    return MATRIX[key][3].get(actor, MATRIX[key][3]["*"])


def _check(key, actor, response) -> str | None:
    expected = _expected(key, actor)
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}, expected {expected}"
    if actor == "anonymous" and expected == LOGIN and key != "workpackages.show_by_id" \
            and "/account/inloggen" not in response.headers["Location"]:
        return f"{key} as {actor}: redirected elsewhere than the log-in page"
    return None


READS = [k for k in MATRIX if MATRIX[k][0] == "GET"]
WRITES = [k for k in MATRIX if MATRIX[k][0] == "POST"]


def _refused(expected: int, actor: str) -> bool:
    return expected in (403, 404) or (actor == "anonymous" and expected == LOGIN)


def test_every_workpackages_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("workpackages.")}
    assert sorted(endpoints - {k.split(" ")[0] for k in MATRIX}) == []
    both = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.startswith("workpackages.") and {"GET", "POST"} <= r.methods}
    assert sorted(e for e in both if f"{e} POST" not in MATRIX) == []


@pytest.mark.parametrize("actor", ACTORS)
def test_reads_and_refused_writes(app, client, auth, actor):
    """Every GET row, and every write this person is refused, in one world: neither changes anything."""
    world = make_world()
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302
    problems = [p for key in READS if (p := _check(key, actor, _get(client, MATRIX[key][1](world))))]
    for key in WRITES:
        if _refused(_expected(key, actor), actor):
            _method, url, data, _e = MATRIX[key]
            page = "/account/inloggen" if actor == "anonymous" else "/"
            response = post_form(client, url(world), data(world) if data else {}, page=page)
            if problem := _check(key, actor, response):
                problems.append(problem)
    assert problems == []


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in WRITES for a in ACTORS
                                             if not _refused(_expected(k, a), a)])
def test_allowed_writes(app, client, auth, key, actor):
    """Each write that goes through, on a fresh world."""
    world = make_world()
    assert _check(key, actor, _run(client, auth, world, actor, MATRIX[key])) is None


# --- circle-only content does not exist outside its circle -------------------------------------------------

#: Rows about the published package or case itself (not lists, not creating, not the guide).
ABOUT_THE_ITEM = [
    "workpackages.show", "workpackages.show_by_id", "workpackages.edit", "workpackages.history",
    "workpackages.revision", "workpackages.adopt", "workpackages.export_markdown", "workpackages.api_show",
    "workpackages.edit POST", "workpackages.publish", "workpackages.archive", "workpackages.reopen",
    "workpackages.restore", "workpackages.adopt POST", "workpackages.attachment_add",
    "workpackages.attachment_add POST", "workpackages.attachment_download", "workpackages.attachment_delete",
    "workpackages.case_show", "workpackages.case_edit", "workpackages.case_history", "workpackages.case_revision",
    "workpackages.case_edit POST", "workpackages.case_publish", "workpackages.case_archive",
    "workpackages.case_reopen", "workpackages.case_restore", "workpackages.case_attachment_add",
    "workpackages.case_attachment_add POST",
]


def _circle_only_world():
    world = make_world()
    world.circle.visibility = "circle"
    for item in (world.package, world.case):
        item.visibility = "circle"
    db.session.commit()
    return world


@pytest.mark.parametrize("actor", ["outsider", "anonymous"])
def test_circle_only_packages_do_not_exist_for_outsiders(app, client, auth, actor):
    world = _circle_only_world()
    if actor != "anonymous":
        auth.login(people(world)[actor].email)
    problems = []
    for key in ABOUT_THE_ITEM:
        method, url, data, _e = MATRIX[key]
        if method == "GET":
            response = _get(client, url(world))
        else:
            response = post_form(client, url(world), data(world) if data else {},
                                 page="/account/inloggen" if actor == "anonymous" else "/")
        allowed = (404,) if actor == "outsider" else (404, LOGIN)
        if response.status_code not in allowed:
            problems.append(f"{key} as {actor}: {response.status_code}")
        elif response.status_code == 404 and world.package.title in response.get_data(as_text=True):
            problems.append(f"{key} as {actor}: the title leaks")
    for url in ("/werkpakketten?q=post", "/api/v1/werkpakketten", "/werkpakketten/feed.atom", "/instrumenten",
                "/instrumenten/loonkostensubsidie"):
        if world.package.title in client.get(url).get_data(as_text=True):
            problems.append(f"{url} as {actor}: lists the circle-only package")
    assert problems == []
