"""The authorisation matrix of the newsletter: every route, every kind of person, the outcome.

Built on the route inventory's world (tests/routes.py): a confirmed subscriber with its signed tokens,
a news submission waiting for the editors and an approved one, and issues in every state (number 1 went
out, number 2 is approved and waiting, number 3 is a draft with a section for one region). Only editors
(and administrators, who may do everything) compose, check, approve and send; members submit news and
manage their own subscription; subscribing, the signed-link pages and the archive are open to everyone.

A newsletter route without a row fails the first test, and so does a row that disagrees with who the
inventory says the route is for. Every write needs a CSRF token, except the one-click unsubscribe POST
(RFC 8058), whose signed token is the proof.
"""

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db
from circles.newsletter.models import ConsentEvent, Issue, IssueSection, IssueStatus, NewsItem, NewsStatus, Subscriber
from tests.conftest import post_form
from tests.routes import ROUTES, make_world

LOGIN = 302
ACTORS = ("anonymous", "member", "coordinator", "editor", "administrator")
EDITORS = ("editor", "administrator")


def people(world):
    return {"member": world.member, "coordinator": world.account(Role.COORDINATOR),
            "editor": world.account(Role.EDITOR), "administrator": world.account(Role.ADMINISTRATOR)}


def everyone(ok=200):
    return {"*": ok}


def logged_in(ok=200):
    return {"*": ok, "anonymous": LOGIN}


def only(*allowed, ok=200, others=403):
    return {"*": others, "anonymous": LOGIN, **{a: ok for a in allowed}}


def editors(ok=200):
    return only(*EDITORS, ok=ok)


def url(endpoint: str):
    """The inventory's sample URL for ``endpoint``."""
    return lambda world: ROUTES[endpoint].url(endpoint, world)


def _draft_form(w):
    """The composer form, as an editor sends it after changing the subject and the introduction."""
    issue = w.draft_issue
    data = {"subject": "Editie drie, herzien", "issue_date": issue.issue_date.strftime("%d-%m-%Y"),
            "intro": "Welkom bij de derde editie."}
    for n, section in enumerate(issue.sections):
        data |= {f"sections-{n}-id": str(section.id), f"sections-{n}-title": section.title}
    items = [item for section in issue.sections for item in section.items]
    for n, item in enumerate(items):
        data |= {f"items-{n}-id": str(item.id), f"items-{n}-teaser": item.teaser,
                 f"items-{n}-section_id": str(item.section_id)}
        if item.included:
            data[f"items-{n}-included"] = "y"
    return data


def _subscribe_form(w):
    return {"email": "nieuwe.lezer@example.org", "name": "Nieuwe Lezer", "language": "nl", "sectors": ["gemeenten"],
            "consent": "y", "website": ""}


def _news_form(w):
    return {"title": "Inloopdag werkplekken", "body": "Kom **kijken** hoe wij taken afsplitsen.",
            "link": "https://www.example.org/inloopdag", "sector": "gemeenten", "region": ""}


#: key -> (method, url builder, form data builder or None, {actor: status}). A route that answers GET and
#: POST has a row "<endpoint>" for the GET and one "<endpoint> POST".
MATRIX = {
    # --- signing up, confirming, unsubscribing, preferences: anyone (the signed token is the proof) ---
    "newsletter.subscribe": ("GET", url("newsletter.subscribe"), None, everyone()),
    "newsletter.subscribe POST": ("POST", url("newsletter.subscribe"), _subscribe_form, everyone(302)),
    "newsletter.subscribed": ("GET", url("newsletter.subscribed"), None, everyone()),
    "newsletter.confirm": ("GET", url("newsletter.confirm"), None, everyone()),
    "newsletter.unsubscribe": ("GET", url("newsletter.unsubscribe"), None, everyone()),
    "newsletter.unsubscribe POST": ("POST", url("newsletter.unsubscribe"), None, everyone()),
    "newsletter.unsubscribe_request": ("GET", url("newsletter.unsubscribe_request"), None, everyone()),
    "newsletter.unsubscribe_request POST": ("POST", url("newsletter.unsubscribe_request"),
                                            lambda w: {"email": "wie.dan.ook@example.org"}, everyone(302)),
    "newsletter.preferences": ("GET", url("newsletter.preferences"), None, everyone()),
    "newsletter.preferences POST": ("POST", url("newsletter.preferences"),
                                    lambda w: {"action": "preferences", "language": "en", "regions": ["AM13"]},
                                    everyone(302)),
    # --- a member's own subscription and news submissions ---
    "newsletter.my_subscription": ("GET", url("newsletter.my_subscription"), None, logged_in()),
    "newsletter.my_subscription POST": ("POST", url("newsletter.my_subscription"),
                                        lambda w: {"action": "subscribe", "language": "nl", "consent": "y"},
                                        logged_in(302)),
    "newsletter.submit_news": ("GET", url("newsletter.submit_news"), None, logged_in()),
    "newsletter.submit_news POST": ("POST", url("newsletter.submit_news"), _news_form, logged_in(302)),
    "newsletter.news_item": ("GET", url("newsletter.news_item"), None, everyone()),
    # --- the editors' news queue ---
    "newsletter.news_queue": ("GET", url("newsletter.news_queue"), None, editors()),
    "newsletter.approve_news": ("POST", url("newsletter.approve_news"), None, editors(302)),
    "newsletter.decline_news": ("POST", url("newsletter.decline_news"),
                                lambda w: {"note": "Dit past beter op de website van de regio."}, editors(302)),
    # --- composing ---
    "newsletter.editor_home": ("GET", url("newsletter.editor_home"), None, editors()),
    # Issue 3 is still being prepared: a clear "one at a time" on the overview page (303), nothing new.
    "newsletter.new_issue": ("POST", url("newsletter.new_issue"), None, editors(303)),
    "newsletter.compose": ("GET", url("newsletter.compose"), None, editors()),
    "newsletter.compose POST": ("POST", url("newsletter.compose"), _draft_form, editors(302)),
    "newsletter.add_section": ("POST", url("newsletter.add_section"),
                               lambda w: {"title": "Uit het onderwijs", "sectors": ["vo"]}, editors(302)),
    "newsletter.remove_section": ("POST", url("newsletter.remove_section"), None, editors(302)),
    "newsletter.refresh": ("POST", url("newsletter.refresh"), None, editors(302)),
    "newsletter.delete_issue": ("POST", url("newsletter.delete_issue"), None, editors(302)),
    # --- preview, checks, test send ---
    "newsletter.preview": ("GET", url("newsletter.preview"), None, editors()),
    "newsletter.preview_html": ("GET", url("newsletter.preview_html"), None, editors()),
    "newsletter.test_send": ("POST", url("newsletter.test_send"), None, editors(302)),
    # --- approve, reopen, send, report ---
    "newsletter.approve": ("POST", url("newsletter.approve"), None, editors(302)),
    "newsletter.reopen": ("POST", url("newsletter.reopen"), None, editors(302)),
    "newsletter.send": ("POST", url("newsletter.send"), None, editors(302)),
    "newsletter.issue_status": ("GET", url("newsletter.issue_status"), None, editors()),
    "newsletter.retry_failed": ("POST", url("newsletter.retry_failed"), None, editors(302)),
    # --- the public archive ---
    "newsletter.archive": ("GET", url("newsletter.archive"), None, everyone()),
    "newsletter.archive_issue": ("GET", url("newsletter.archive_issue"), None, everyone()),
    "newsletter.archive_email": ("GET", url("newsletter.archive_email"), None, everyone()),
    "newsletter.archive_feed": ("GET", url("newsletter.archive_feed"), None, everyone()),
}

READS = [k for k in MATRIX if MATRIX[k][0] == "GET"]
WRITES = [k for k in MATRIX if MATRIX[k][0] == "POST"]
#: Writes that work without a CSRF token (RFC 8058 one-click unsubscribe: a signed token instead).
NO_CSRF = {"newsletter.unsubscribe POST"}


def _endpoint(key: str) -> str:
    return key.split(" ")[0]


def _expected(key: str, actor: str) -> int:
    return MATRIX[key][3].get(actor, MATRIX[key][3]["*"])


def _refused(key: str, actor: str) -> bool:
    """A refusal changes nothing: 403, 404, or the log-in redirect of an anonymous visitor (a row says so
    with an "anonymous" entry; a 302 on a public row is a write that went through)."""
    return _expected(key, actor) in (403, 404) or (actor == "anonymous" and MATRIX[key][3].get(actor) == LOGIN)


def _check(key: str, actor: str, response) -> str | None:
    expected = _expected(key, actor)
    if response.status_code != expected:
        return f"{key} as {actor}: {response.status_code}, expected {expected}"
    if actor == "anonymous" and _refused(key, actor) and "/account/inloggen" not in response.headers["Location"]:
        return f"{key} as {actor}: redirected elsewhere than the log-in page"
    return None


def _log_in(auth, world, actor: str) -> None:
    if actor != "anonymous":
        assert auth.login(people(world)[actor].email).status_code == 302


def _post(client, world, actor: str, key: str):
    _method, url_of, data, _e = MATRIX[key]
    return post_form(client, url_of(world), data(world) if data else {},
                     page="/account/inloggen" if actor == "anonymous" else "/")


# --- the matrix covers the app and agrees with the inventory -----------------------------------------

def test_every_newsletter_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("newsletter.")}
    listed = {e for e in ROUTES if e.startswith("newsletter.")}
    rows = {_endpoint(k) for k in MATRIX}
    assert sorted((endpoints | listed) - rows) == []
    assert sorted(rows - endpoints) == []
    both = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.startswith("newsletter.") and {"GET", "POST"} <= r.methods}
    assert sorted(e for e in both if f"{e} POST" not in MATRIX) == []


def test_the_rows_agree_with_the_inventory():
    """Who the inventory says a route is for is who the matrix lets in: editors' routes for editors and
    administrators only, members' routes for anyone logged in, the others for everyone."""
    problems = []
    for key in MATRIX:
        route = ROUTES[_endpoint(key)]
        allowed = {a for a in ACTORS if not _refused(key, a)}
        wanted = {Role.EDITOR: set(EDITORS), Role.MEMBER: set(ACTORS) - {"anonymous"}, None: set(ACTORS)}[route.role]
        if allowed != wanted:
            problems.append(f"{key}: allowed for {sorted(allowed)}, the inventory says {sorted(wanted)}")
    assert not problems, "\n" + "\n".join(problems)


# --- reads, and the writes each person is refused --------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_reads_and_refused_writes(app, client, auth, actor):
    """Every GET row, and every write this person is refused, in one world: neither changes anything."""
    world = make_world()
    _log_in(auth, world, actor)
    problems = [p for key in READS if (p := _check(key, actor, client.get(MATRIX[key][1](world))))]
    for key in WRITES:
        if _refused(key, actor) and (problem := _check(key, actor, _post(client, world, actor, key))):
            problems.append(problem)
    assert not problems, "\n" + "\n".join(problems)
    # Nothing was composed, approved, sent, decided or deleted by the refused writes.
    db.session.expire_all()
    if _refused("newsletter.delete_issue", actor):
        statuses = dict(db.session.execute(sa.select(Issue.number, Issue.status)).all())
        assert statuses == {1: IssueStatus.SENT, 2: IssueStatus.APPROVED, 3: IssueStatus.DRAFT}
        assert db.session.get(Issue, world.draft_issue.id).subject == "Editie drie"
        assert db.session.get(IssueSection, world.custom_section_id) is not None
        assert db.session.get(NewsItem, world.news_pending_id).status == NewsStatus.PENDING


@pytest.mark.parametrize(("key", "actor"), [(k, a) for k in WRITES for a in ACTORS
                                             if not _refused(k, a)])
def test_allowed_writes(app, client, auth, key, actor):
    """Each write that goes through, on a fresh world."""
    world = make_world()
    _log_in(auth, world, actor)
    assert _check(key, actor, _post(client, world, actor, key)) is None


# --- CSRF: every write needs its token, except the one-click unsubscribe ------------------------------

@pytest.mark.parametrize("key", [k for k in WRITES if k not in NO_CSRF])
def test_a_write_without_csrf_token_is_refused(app, client, auth, key):
    """As the person who may make the write (an editor for the editors' routes): without the token, 400
    and nothing changes."""
    world = make_world()
    actor = "editor" if ROUTES[_endpoint(key)].role == Role.EDITOR else "member"
    _log_in(auth, world, actor)
    _method, url_of, data, _e = MATRIX[key]
    before = _state()
    response = client.post(url_of(world), data=data(world) if data else {})
    assert response.status_code == 400, f"{key}: {response.status_code}"
    assert "Het formulier was verlopen of onvolledig" in response.get_data(as_text=True)
    assert _state() == before


def _state() -> dict:
    """What a write in this matrix could change, in a comparable form."""
    db.session.expire_all()
    return {
        "issues": sorted(db.session.execute(sa.select(Issue.id, Issue.status, Issue.subject, Issue.intro)).all()),
        "sections": db.session.scalar(sa.select(sa.func.count()).select_from(IssueSection)),
        "news": sorted(db.session.execute(sa.select(NewsItem.id, NewsItem.status)).all()),
        "subscribers": sorted(db.session.execute(sa.select(Subscriber.email, Subscriber.status,
                                                           Subscriber.language)).all()),
        "consent": db.session.scalar(sa.select(sa.func.count()).select_from(ConsentEvent)),
    }


def test_one_click_unsubscribe_needs_no_log_in_and_no_csrf_token(app, client):
    """RFC 8058: a mail client POSTs ``List-Unsubscribe=One-Click`` to the link, with no cookies and no
    CSRF token; the signed token in the address is the proof."""
    world = make_world()
    response = client.post(MATRIX["newsletter.unsubscribe POST"][1](world), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Subscriber, world.subscriber.id).status == "unsubscribed"


def test_a_forged_unsubscribe_token_changes_nothing(app, client):
    world = make_world()
    response = client.post("/nieuwsbrief/afmelden/" + world.unsubscribe_token[:-4] + "AAAA",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Subscriber, world.subscriber.id).status == "confirmed"
