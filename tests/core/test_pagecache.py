"""Whole pages for visitors who are not logged in (core.pagecache): answered from memory until this process
changes anything, never for a logged-in reader, never with something personal in them."""

import re

import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.groups.models import Circle
from tests.conftest import post_form


def _name_on(html: str) -> str:
    return re.search(r'<h1 class="utrecht-heading-1">([^<]+)</h1>', html).group(1)


def test_a_visitor_gets_the_page_from_memory_until_something_changes(client, login_as, create_circle,
                                                                     count_queries):
    circle = create_circle("Open kring", visibility="public")
    url = f"/leercirkels/{circle.slug}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    with count_queries() as again:
        second = client.get(url)
    assert len(again) == 0 and second.get_data() == first.get_data()
    assert "Content-Security-Policy" in second.headers and second.headers["ETag"] == first.headers["ETag"]

    # a change through the app clears it at once
    db.session.execute(sa.update(Circle).where(Circle.id == circle.id).values(name="Hernoemde kring"))
    db.session.commit()
    assert _name_on(client.get(url).get_data(as_text=True)) == "Hernoemde kring"


def test_a_browser_that_has_the_page_gets_a_304(client, create_circle):
    url = f"/leercirkels/{create_circle('Open kring', visibility='public').slug}"
    etag = client.get(url).headers["ETag"]
    for _ in range(2):  # rendered, then from memory
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.get_data() == b""
    assert client.get(url, headers={"If-None-Match": '"iets-anders"'}).status_code == 200


def test_a_logged_in_reader_never_gets_or_leaves_a_kept_page(app, client, login_as, create_circle):
    circle = create_circle("Open kring", visibility="public")
    url = f"/leercirkels/{circle.slug}"
    visitor = app.test_client()
    assert "Inloggen" in visitor.get(url).get_data(as_text=True)
    reader = login_as(name="Priya Pietersen")
    mine = client.get(url).get_data(as_text=True)
    assert "Priya Pietersen" in mine and "Uitloggen" in mine
    # and the reader's page was not kept for the visitor
    assert "Priya Pietersen" not in visitor.get(url).get_data(as_text=True)
    assert reader.name == "Priya Pietersen"


def test_a_page_with_a_message_or_a_form_token_is_not_kept(app, client, login_as, create_circle):
    url = f"/leercirkels/{create_circle('Open kring', visibility='public').slug}"
    login_as()
    post_form(client, "/account/uitloggen", {})
    after_logout = client.get(url).get_data(as_text=True)
    assert "U bent uitgelogd" in after_logout
    # the message was for that visitor only: the next visitor's page does not have it
    assert "U bent uitgelogd" not in app.test_client().get(url).get_data(as_text=True)
    assert "U bent uitgelogd" not in client.get(url).get_data(as_text=True)
    # the log-in page carries a CSRF token of its visitor's session: it is never kept
    one, other = app.test_client().get("/account/inloggen"), app.test_client().get("/account/inloggen")
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    assert token.search(one.get_data(as_text=True)).group(1) != token.search(other.get_data(as_text=True)).group(1)


def test_each_language_has_its_own_page(app, create_circle):
    url = f"/leercirkels/{create_circle('Open kring', visibility='public').slug}"
    dutch, english = app.test_client(), app.test_client()
    english.get("/taal/en")
    for _ in range(2):
        assert "Over deze leercirkel" in dutch.get(url).get_data(as_text=True)
        assert "About this learning circle" in english.get(url).get_data(as_text=True)
        assert "About this learning circle" in app.test_client().get(
            url, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_only_marked_pages_and_only_successful_answers_are_kept(app, client, create_circle, count_queries):
    create_circle("Open kring", visibility="public")
    client.get("/healthz")
    with count_queries() as health:
        client.get("/healthz")
    assert len(health) >= 1  # the health check always asks the database
    client.get("/leercirkels/bestaat-niet")
    with count_queries() as missing:
        assert client.get("/leercirkels/bestaat-niet").status_code == 404
    assert len(missing) >= 1


def test_zero_cache_seconds_renders_every_time(app, client, create_circle, count_queries):
    app.config["CACHE_SECONDS"] = 0
    url = f"/leercirkels/{create_circle('Open kring', visibility='public').slug}"
    client.get(url)
    with count_queries() as again:
        response = client.get(url)
    assert len(again) > 0 and "ETag" not in response.headers


def test_a_coordinators_edit_shows_to_visitors_at_once(app, client, login_as, create_circle):
    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle("Open kring", coordinator=coordinator, visibility="public")
    url = f"/leercirkels/{circle.slug}"
    visitor = app.test_client()
    assert _name_on(visitor.get(url).get_data(as_text=True)) == "Open kring"
    post_form(client, f"{url}/bewerken", {"name": "Kring Rijnmond", "description": "Nieuw", "goals": "",
                                          "sectors": ["gemeenten"], "visibility": "public", "join_policy": "open"})
    assert _name_on(visitor.get(url).get_data(as_text=True)) == "Kring Rijnmond"


def test_public_package_and_case_pages_give_a_visitor_no_session_and_are_kept(app, create_org, count_queries):
    """They used to build their reviewers' forms for everyone: each visitor got a session cookie and a token."""
    from circles.workpackages.models import Case, WorkPackage

    org = create_org("Gemeente Werkstad")
    package = WorkPackage(title="Postkamer", slug="postkamer", summary="Post.", status="published",
                          visibility="public", organisation=org, published_at=utcnow())
    case = Case(title="Voorbeeld", slug="voorbeeld", summary="Goed voorbeeld.", status="published",
                visibility="public", organisation=org, published_at=utcnow())
    db.session.add_all([package, case])
    db.session.commit()
    urls = (f"/werkpakketten/{package.id}-postkamer", f"/voorbeelden/{case.id}-voorbeeld")
    for url in urls:
        first = app.test_client().get(url)
        assert first.status_code == 200 and "Set-Cookie" not in first.headers, url
        assert 'name="csrf_token"' not in first.get_data(as_text=True)
    with count_queries() as again:
        assert app.test_client().get(urls[0]).status_code == 200
    assert len(again) == 0
