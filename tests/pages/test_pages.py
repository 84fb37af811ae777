"""Public pages: Dutch first, an English switch, the statements, security.txt and error pages."""

import re


def test_home_is_dutch_by_default(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Samen meer banen voor mensen met een arbeidsbeperking" in html
    assert 'href="#inhoud"' in html  # skip link


def test_browser_preference_for_english_is_honoured(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Samen meer banen" not in html


def test_language_switch_returns_to_the_same_page(client):
    response = client.get("/taal/en?next=/privacy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    html = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Privacyverklaring" not in html
    # and back to Dutch
    client.get("/taal/nl?next=/privacy")
    assert "Privacyverklaring" in client.get("/privacy").get_data(as_text=True)


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    assert client.get("/taal/xx").status_code == 404
    response = client.get("/taal/en?next=https://example.org/")
    assert response.headers["Location"] == "/"


def test_footer_links_to_statements_and_security_txt(client):
    html = client.get("/").get_data(as_text=True)
    for href in ("/toegankelijkheid", "/privacy", "/.well-known/security.txt"):
        assert f'href="{href}"' in html
    assert client.get("/toegankelijkheid").status_code == 200
    assert "WCAG 2.1" in client.get("/toegankelijkheid").get_data(as_text=True)
    privacy = client.get("/privacy").get_data(as_text=True)
    for word in ("Grondslag", "Bewaartermijn", "Autoriteit Persoonsgegevens"):
        assert word in privacy


def test_security_txt_follows_rfc_9116(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert re.search(r"^Contact: mailto:\S+$", body, re.M)
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body, re.M)


def test_not_found_page_in_the_readers_language(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
    english = client.get("/bestaat-niet", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Page not found" in english.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_server_error_page_is_friendly_and_has_no_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/_kapot")
    def broken():
        raise RuntimeError("geheim detail uit de code")

    response = client.get("/_kapot")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in html
    assert "geheim detail" not in html and "Traceback" not in html


def test_database_outage_gives_a_503_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    import sqlalchemy as sa

    @app.route("/_db-weg")
    def db_down():
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    response = client.get("/_db-weg", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"  # a proxy or a browser may try again by itself
    assert "temporarily" in response.get_data(as_text=True).lower()


def test_a_logged_in_reader_gets_the_503_page_while_the_database_is_down(app, client, auth, create_user,
                                                                        monkeypatch):
    """Loading the logged-in user is the first query of a request: when it fails, the error page itself must
    not ask the database again (it did, and the reader got a bare 500)."""
    import sqlalchemy as sa

    from circles.extensions import login_manager

    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login(create_user().email)

    def database_down(user_id):
        raise sa.exc.OperationalError("SELECT users", {}, Exception("the database system is starting up"))

    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get("/werkpakketten")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Tijdelijk niet beschikbaar" in response.get_data(as_text=True)


def test_a_connection_that_died_during_the_request_does_not_turn_the_page_into_a_bare_500(app, client,
                                                                                         monkeypatch):
    """PostgreSQL restarted during a request: closing the session's dead connection afterwards raised where no
    error handler sees it, and gunicorn answered its own bare 500 (found by `make stress`)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    def dead_connection(self):
        raise sa.exc.OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    from circles.core.db import db

    monkeypatch.setattr(Session, "close", dead_connection)
    response = client.get("/werkpakketten")
    monkeypatch.undo()
    assert response.status_code == 200 and "Werkpakketten" in response.get_data(as_text=True)
    # the connection went back to the pool as unusable: one kept checked out in its transaction would hold
    # its locks for the life of the process
    assert db.engine.pool.checkedout() == 0
    assert client.get("/werkpakketten").status_code == 200  # the next request gets a new session


def test_two_writes_of_the_same_thing_at_once_give_a_409_page_not_a_500(app, client, create_user):
    """A double click that got past the checks: the database's unique constraint refuses the second row, and the
    reader gets the conflict page (nothing half-written stays behind)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    import sqlalchemy as sa

    from circles.core.db import db
    from circles.progress.models import Recognition, Signal

    reporter, reader = create_user(), create_user()
    signal = Signal(title="Knelpunt", description="Tekst", category="overig", reported_by_id=reporter.id)
    db.session.add(signal)
    db.session.commit()

    @app.route("/_dubbel")
    def twice():
        db.session.add(Recognition(signal_id=signal.id, user_id=reader.id))
        db.session.flush()
        db.session.add(Recognition(signal_id=signal.id, user_id=reader.id))
        db.session.commit()
        return "opgeslagen"

    response = client.get("/_dubbel")
    assert response.status_code == 409
    assert "dubbele klik" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0


def test_forbidden_page_in_english(client, login_as):
    from circles.accounts.models import Role

    login_as(Role.MEMBER, locale="en")
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 403
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_not_found_on_any_route(app, client, login_as):
    """Every route with a number in its address, with a number no database id can be: 404, never an overflow
    in the database driver (a 500 on both SQLite and PostgreSQL before ``RecordIdConverter``)."""
    from circles.accounts.models import Role

    login_as(Role.ADMINISTRATOR)
    huge = "99999999999999999999"
    tried = 0
    for rule in app.url_map.iter_rules():
        numbers = [name for name, conv in rule._converters.items() if type(conv).__name__ == "RecordIdConverter"]
        if not numbers:
            continue
        path = rule.rule
        for name in rule.arguments:
            converter = rule._converters[name]
            value = huge if name in numbers else ("nl" if "any" in type(converter).__name__.lower() else "x")
            path = re.sub(rf"<[^>]*:?{name}>", value, path)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method)
        assert response.status_code in (400, 404), (rule.endpoint, path, response.status_code)
        tried += 1
    assert tried > 50
