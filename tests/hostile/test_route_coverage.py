"""Route coverage: every route of the URL map is covered by an authorisation matrix, the accessibility walk and
the form fuzzer, so a new route cannot slip past any of them.

(a) Authorisation: each method of each route has a row in one of the matrices (tests/<feature>/
    test_authorization.py, tests/progress/test_progress_authorization.py and test_signal_authorization.py, and
    tests/hostile/test_access_across_circles.py ACCOUNT_MATRIX for accounts and pages). A GET route that the
    route inventory (tests/routes.py) declares public is covered by tests/test_route_inventory.py, which proves
    anyone gets it; a route for a role needs a matrix row (who else is refused).
(b) Accessibility: each route that answers GET is in the inventory, so tests/browser/test_accessibility.py
    walks it when it is an HTML page (``Route.axe``) or the entry says why not (``Route.reason``); each HTML
    form page is also checked in its error state (that test's FORMS) or ``NO_ERROR_STATE`` says why not.
(c) Fuzzing: each route that takes a POST is in tests/hostile/test_fuzz_forms.py FORMS.

The tables are imported, not parsed: importing the browser test module loads Playwright's Python package but
starts no browser (Chromium is only launched by its fixtures).
"""

from flask import Blueprint, Flask

from circles import create_app
from tests.browser.test_accessibility import FORMS as ACCESSIBILITY_FORMS
from tests.groups.test_authorization import MATRIX as GROUPS_MATRIX
from tests.hostile.test_access_across_circles import ACCOUNT_MATRIX
from tests.hostile.test_fuzz_forms import FORMS as FUZZED_FORMS
from tests.meetings.test_authorization import MATRIX as MEETINGS_MATRIX
from tests.newsletter.test_authorization import MATRIX as NEWSLETTER_MATRIX
from tests.progress.test_progress_authorization import MATRIX as PROGRESS_MATRIX
from tests.progress.test_signal_authorization import MATRIX as SIGNAL_MATRIX
from tests.routes import HTML, ROUTES, Route
from tests.workpackages.test_authorization import MATRIX as WORKPACKAGES_MATRIX

#: Every authorisation matrix: key "<endpoint>", "<endpoint> POST" or "<endpoint> (another sample)" ->
#: (method, url builder, form data builder, {actor: status}).
MATRICES = {
    "tests/groups/test_authorization.py": GROUPS_MATRIX,
    "tests/meetings/test_authorization.py": MEETINGS_MATRIX,
    "tests/workpackages/test_authorization.py": WORKPACKAGES_MATRIX,
    "tests/newsletter/test_authorization.py": NEWSLETTER_MATRIX,
    "tests/progress/test_progress_authorization.py": PROGRESS_MATRIX,
    "tests/progress/test_signal_authorization.py": SIGNAL_MATRIX,
    "tests/hostile/test_access_across_circles.py": ACCOUNT_MATRIX,
}

#: HTML form pages not checked in their error state by the accessibility walk: why.
NO_ERROR_STATE = {
    "groups.invitation": "one button (accept the invitation): no field to leave empty",
    "groups.join": "its one field (motivation) is optional: sent empty, the request is made",
    "meetings.cancel": "its one field (a message) is optional: sent empty, the meeting is cancelled",
    "meetings.minutes_edit": "an empty text is a valid save",
    "meetings.settings": "its one field is a number, which 'sent empty' leaves filled",
    "newsletter.compose": "a button per item; its error state is walked by tests/browser/test_newsletter_flows.py",
    "newsletter.preferences": "every field may be empty",
    "newsletter.unsubscribe": "one button (confirm the unsubscribe): no field to leave empty",
    "progress.settings": "a check box and radio buttons with a default: nothing to leave empty",
    "progress.signal_manage": "a status (radio buttons) and an optional response: sent empty, it saves",
    "workpackages.adopt": "one button (adopt the package): no field to leave empty",
    "workpackages.case_attachment_add": "the same form and template as workpackages.attachment_add, which is checked",
}


def _rules(app: Flask):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def matrix_rows(matrices=MATRICES) -> set[tuple[str, str]]:
    """(endpoint, method) of every row of every matrix."""
    return {(key.split(" ")[0], row[0]) for matrix in matrices.values() for key, row in matrix.items()}


def authorisation_gaps(app: Flask, matrices=MATRICES, routes=ROUTES) -> list[str]:
    """"<endpoint> <METHOD>" of each route method that no matrix row (or, for a public GET, the inventory) covers."""
    covered = matrix_rows(matrices)
    gaps = set()
    for rule in _rules(app):
        for method in rule.methods & {"GET", "POST"}:
            if (rule.endpoint, method) in covered:
                continue
            route = routes.get(rule.endpoint)
            if method == "GET" and route is not None and route.role is None and not route.post_only:
                continue  # public: tests/test_route_inventory.py proves anyone gets it as declared
            gaps.add(f"{rule.endpoint} {method}")
    return sorted(gaps)


def accessibility_gaps(app: Flask, routes=ROUTES, forms=ACCESSIBILITY_FORMS,
                       no_error_state=NO_ERROR_STATE) -> list[str]:
    """Routes that answer GET but are not in the walk (no inventory entry, or an HTML page neither walked nor
    saying why), and HTML form pages not checked in their error state without a reason."""
    gaps = set()
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        route = routes.get(rule.endpoint)
        if route is None:
            gaps.add(f"{rule.endpoint}: not in the route inventory, so not in the walk")
        elif route.content == HTML and not route.axe and not route.reason:
            gaps.add(f"{rule.endpoint}: an HTML page that is not walked and does not say why")
        elif "POST" in rule.methods and route.axe and rule.endpoint not in set(forms) | set(no_error_state):
            gaps.add(f"{rule.endpoint}: a form page whose error state is not checked (add it to FORMS in "
                     "tests/browser/test_accessibility.py, or say why not in NO_ERROR_STATE)")
    return sorted(gaps)


def fuzzing_gaps(app: Flask, forms=FUZZED_FORMS) -> list[str]:
    """Routes that take a POST but are not fuzzed."""
    return sorted({rule.endpoint for rule in _rules(app) if "POST" in rule.methods} - set(forms))


# --- the tests ----------------------------------------------------------------------------------------------

def test_every_route_is_in_an_authorisation_matrix(app):
    gaps = authorisation_gaps(app)
    assert gaps == [], (
        "routes without a row in an authorisation matrix (tests/<feature>/test_authorization.py, or "
        f"ACCOUNT_MATRIX in tests/hostile/test_access_across_circles.py): {gaps}")


def test_every_page_is_in_the_accessibility_walk(app):
    gaps = accessibility_gaps(app)
    assert gaps == [], "pages the accessibility walk misses:\n" + "\n".join(gaps)


def test_every_form_is_fuzzed(app):
    gaps = fuzzing_gaps(app)
    assert gaps == [], f"POST routes without an entry in FORMS (tests/hostile/test_fuzz_forms.py): {gaps}"


def test_the_tables_name_only_routes_the_app_has(app):
    """A row for a route that is gone is a sign a table was not kept up to date."""
    endpoints = {rule.endpoint for rule in _rules(app)}
    stale = {f"{name}: {key}" for name, matrix in MATRICES.items() for key in matrix
             if key.split(" ")[0] not in endpoints}
    stale |= {f"NO_ERROR_STATE: {e}" for e in NO_ERROR_STATE if e not in endpoints}
    stale |= {f"accessibility FORMS: {e}" for e in ACCESSIBILITY_FORMS if e not in endpoints}
    assert sorted(stale) == []
    both = {e for e in NO_ERROR_STATE if e in ROUTES and ROUTES[e].axe}
    assert both == set(NO_ERROR_STATE), "NO_ERROR_STATE names a route that is not an HTML form page"
    assert not set(NO_ERROR_STATE) & set(ACCESSIBILITY_FORMS), "a form both checked and excused"


def _app_with_new_routes() -> Flask:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    extra = Blueprint("extra_feature", __name__)

    @extra.route("/nieuwe-pagina")
    def new_page():
        return "<p>nieuw</p>"

    @extra.route("/nieuw-formulier", methods=["GET", "POST"])
    def new_form():
        return "<form method=post></form>"

    app.register_blueprint(extra)
    return app


def test_the_checks_notice_a_new_page_and_a_new_form():
    """A test of the test: a page and a form added without rows, entries and excuses are reported by each check,
    and no longer once they are covered."""
    app = _app_with_new_routes()
    assert [g for g in authorisation_gaps(app) if g.startswith("extra_feature.")] == [
        "extra_feature.new_form GET", "extra_feature.new_form POST", "extra_feature.new_page GET"]
    assert [g.split(":")[0] for g in accessibility_gaps(app) if g.startswith("extra_feature.")] == [
        "extra_feature.new_form", "extra_feature.new_page"]
    assert [g for g in fuzzing_gaps(app) if g.startswith("extra_feature.")] == ["extra_feature.new_form"]

    # Covered: a matrix row for each method (the page is public, so the inventory covers its GET), inventory
    # entries, the form's error state checked, the form fuzzed.
    matrices = {**MATRICES, "new": {"extra_feature.new_form": ("GET", None, None, {"*": 200}),
                                    "extra_feature.new_form POST": ("POST", None, None, {"*": 302})}}
    routes = {**ROUTES, "extra_feature.new_page": Route(), "extra_feature.new_form": Route(role=None)}
    assert not [g for g in authorisation_gaps(app, matrices, routes) if g.startswith("extra_feature.")]
    assert not [g for g in accessibility_gaps(app, routes, [*ACCESSIBILITY_FORMS, "extra_feature.new_form"])
                if g.startswith("extra_feature.")]
    assert not [g for g in fuzzing_gaps(app, {**FUZZED_FORMS, "extra_feature.new_form": None})
                if g.startswith("extra_feature.")]
    # A page for a role is not covered by the inventory alone: it needs a matrix row saying who else is refused.
    routes["extra_feature.new_page"] = Route(role=next(iter({r.role for r in ROUTES.values() if r.role})))
    assert "extra_feature.new_page GET" in authorisation_gaps(app, matrices, routes)
    # A form page that is walked but whose error state is neither checked nor excused is reported.
    assert [g.split(":")[0] for g in accessibility_gaps(app, routes) if g.startswith("extra_feature.")] == [
        "extra_feature.new_form"]
