"""The route inventory (tests/routes.py) lists every endpoint, and each entry is true of the app."""

import pytest
from flask import Blueprint

from circles import create_app
from tests.routes import MIMETYPES, REDIRECT, ROUTES, Route, check_coverage, make_world


def test_every_endpoint_has_an_inventory_entry(app):
    missing, stale = check_coverage(app)
    assert not missing, (
        "endpoints without an entry in tests/routes.py ROUTES (add one: URL params, role, content "
        f"type, axe page or why not): {missing}"
    )
    assert not stale, f"entries in tests/routes.py for endpoints the app no longer has: {stale}"


def test_the_coverage_check_notices_a_new_route_and_a_removed_one():
    """A test of the test: a route added without an entry is reported, and so is an entry too many."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    missing_before, _stale = check_coverage(app)
    extra = Blueprint("extra_feature", __name__)

    @extra.route("/nieuw")
    def new_page():
        return "nieuw"

    app.register_blueprint(extra)
    missing, stale = check_coverage(app)
    assert "extra_feature.new_page" not in missing_before
    assert sorted(set(missing) - set(missing_before)) == ["extra_feature.new_page"]
    assert stale == []
    inventory = {**ROUTES, "extra_feature.new_page": Route(), "gone.page": Route()}
    missing, stale = check_coverage(app, inventory)
    assert "extra_feature.new_page" not in missing
    assert stale == ["gone.page"]


def test_an_entry_must_say_why_it_is_not_an_axe_page():
    with pytest.raises(ValueError):
        Route(content="json")
    with pytest.raises(ValueError):
        Route(axe=False)
    with pytest.raises(ValueError):
        Route(post_only=True)


@pytest.mark.parametrize("endpoint", list(ROUTES))
def test_entry_methods_match_the_url_map(app, endpoint):
    methods = set().union(*(rule.methods for rule in app.url_map.iter_rules(endpoint=endpoint)))
    if ROUTES[endpoint].post_only:
        assert "POST" in methods and "GET" not in methods
    else:
        assert "GET" in methods


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if not r.post_only])
def test_entry_answers_as_declared(app, client, auth, endpoint):
    """A GET of the sample URL by the entry's role gives the declared status and content type."""
    route = ROUTES[endpoint]
    world = make_world()
    if route.role is not None:
        assert auth.login(world.account(route.role).email).status_code == 302
    url = route.url(endpoint, world)
    response = client.get(url)
    assert response.status_code == route.status, url
    if route.content == REDIRECT:
        assert response.location
    else:
        assert response.mimetype == MIMETYPES[route.content], url
