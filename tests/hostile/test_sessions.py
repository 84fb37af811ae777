"""Sessions and log-in against a hostile user: no session fixation, a password change ends the other sessions, the
reset form tells nothing about which addresses exist, and guessing passwords is rate limited per address and
per IP address.

The session is Flask's signed cookie; it holds "<user id>.<session token>" (circles/accounts/views.py
load_user), and changing the password gives the account a new session token. The log-in limit
(LOGIN_RATE_LIMIT, 5 failed attempts a minute) counts per client IP (``get_remote_address``: REMOTE_ADDR, since
X-Forwarded-For is only trusted behind a proxy, BEHIND_PROXY) and per address; only failed attempts count.
These tests use the rate-limited ``app`` (tests/conftest.py), not the fuzzers' app.
"""

import shutil

import pytest

from circles import create_app
from circles.accounts.models import User
from circles.core.db import db
from tests.conftest import (
    PASSWORD,
    PG_URL,
    IsolatedClient,
    _config,
    csrf_token_from,
    in_context_then_emptied,
    post_form,
)


def _make_app(template_database, tmp_path, smtp_server, **config):
    if PG_URL:
        uri = PG_URL
    else:
        shutil.copyfile(template_database, tmp_path / "circles.db")
        uri = f"sqlite:///{tmp_path / 'circles.db'}"
    app = create_app({**_config(uri, smtp_server.port), "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "RATELIMIT_ENABLED": True, **config})
    app.test_client_class = IsolatedClient
    with in_context_then_emptied(app):
        yield app


@pytest.fixture
def proxied_app(template_database, tmp_path, smtp_server):
    """The app as deployed behind one reverse proxy (BEHIND_PROXY: it trusts the last X-Forwarded-For hop)."""
    yield from _make_app(template_database, tmp_path, smtp_server, BEHIND_PROXY=True)


PROFILE = "/account/profiel"
LOGIN_URL = "/account/inloggen"
NEW_PASSWORD = "een heel nieuw en lang wachtwoord"


def _logged_in(client) -> bool:
    response = client.get(PROFILE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _client_with(app, cookies: dict[str, str]):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def _login(client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1", **headers):
    token = csrf_token_from(client.get(LOGIN_URL, environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True))
    return client.post(LOGIN_URL, data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip}, headers=headers)


# --- the session cookie -----------------------------------------------------------------------------------

def test_the_session_cookie_changes_at_log_in_and_an_earlier_one_stays_anonymous(app, client, create_user):
    """No fixation: the cookie a visitor (or an attacker who planted it) had before logging in is not a
    logged-in session afterwards."""
    user = create_user()
    client.get(LOGIN_URL)
    before = _session_cookie(client)
    assert before
    assert _login(client, user.email).status_code == 302
    after = _session_cookie(client)
    assert after and after != before
    assert _logged_in(client)
    assert not _logged_in(_client_with(app, {"session": before}))


def test_log_out_ends_the_session_in_this_browser(app, client, auth, create_user):
    user = create_user()
    assert auth.login(user.email).status_code == 302
    assert auth.logout().status_code == 302
    assert not _logged_in(client)


def test_log_out_also_ends_a_remembered_log_in(app, client, auth, create_user):
    """Logged in with "Ingelogd blijven op dit apparaat": after logging out, this browser is logged out."""
    user = create_user()
    assert auth.login(user.email, remember="y").status_code == 302
    assert auth.logout().status_code == 302
    assert not _logged_in(client)


def test_a_session_cookie_replayed_after_log_out_is_not_logged_in(app, client, auth, create_user):
    """Someone who copied the cookie (a shared computer, a stolen backup) cannot use it once the owner logged out."""
    user = create_user()
    assert auth.login(user.email).status_code == 302
    cookie = _session_cookie(client)
    assert auth.logout().status_code == 302
    assert not _logged_in(_client_with(app, {"session": cookie}))


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, create_user):
    user = create_user()
    this, other, remembered = app.test_client(), app.test_client(), app.test_client()
    for client in (this, other):
        assert _login(client, user.email).status_code == 302
    token = csrf_token_from(remembered.get(LOGIN_URL).get_data(as_text=True))
    remembered.post(LOGIN_URL, data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    remember_only = _client_with(app, {"remember_token": remembered.get_cookie("remember_token").value})
    assert _logged_in(other) and _logged_in(remember_only)
    old_cookie_of_this = _session_cookie(this)

    response = post_form(this, "/account/wachtwoord", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _logged_in(this)
    assert not _logged_in(other)
    assert not _logged_in(_client_with(app, {"remember_token": remembered.get_cookie("remember_token").value}))
    assert not _logged_in(_client_with(app, {"session": old_cookie_of_this}))


def test_a_password_reset_ends_every_session(app, client, create_user, mailbox):
    user = create_user()
    other = app.test_client()
    assert _login(other, user.email).status_code == 302
    post_form(client, "/account/wachtwoord-vergeten", {"email": user.email})
    [link] = [u for u in mailbox.links(mailbox.to(user.email)[-1]) if "/wachtwoord-herstellen/" in u]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = post_form(client, f"/{path}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _logged_in(other)


# --- the reset form tells nothing ---------------------------------------------------------------------------

def test_the_reset_form_answers_a_known_and_an_unknown_address_alike(app, create_user, mailbox):
    known = create_user("bekend@example.org")
    answers = {}
    for address in (known.email, "onbekend@example.org", "BEKEND@example.org "):
        client = app.test_client()
        response = post_form(client, "/account/wachtwoord-vergeten", {"email": address})
        page = client.get(response.location)
        answers[address] = (response.status_code, response.location, page.status_code,
                            page.get_data(as_text=True).replace(csrf_token_from(page.get_data(as_text=True)), ""))
    assert answers[known.email] == answers["onbekend@example.org"] == answers["BEKEND@example.org "]
    assert "Als er een account met dit adres is" in answers[known.email][3]
    # one link: the second request for the same address came within five minutes (the answer did not say so)
    assert mailbox.per_recipient() == {"bekend@example.org": 1}


# --- guessing passwords -------------------------------------------------------------------------------------

LIMIT = 5


def test_guessing_one_accounts_password_from_many_ip_addresses_is_stopped(app, create_user):
    """Per address: after 5 failures in a minute (each from another IP) the address is refused with 429, even
    with the right password, from yet another IP; another account is not affected."""
    user, bystander = create_user(), create_user()
    client = app.test_client()
    for n in range(LIMIT):
        assert _login(client, user.email, "fout wachtwoord", ip=f"10.0.0.{n + 1}").status_code == 401
    assert _login(client, user.email, "nog een gok", ip="10.0.0.99").status_code == 429
    assert _login(client, user.email, ip="10.0.1.1").status_code == 429
    assert _login(client, user.email.upper() + " ", "gok", ip="10.0.1.2").status_code == 429  # the same address
    assert _login(app.test_client(), bystander.email, ip="10.0.1.3").status_code == 302


def test_guessing_many_accounts_from_one_ip_address_is_stopped(app, create_user):
    """Per IP: 5 failures in a minute, each for another address, and that IP is refused with 429."""
    users = [create_user() for _ in range(LIMIT + 1)]
    client = app.test_client()
    for user in users[:LIMIT]:
        assert _login(client, user.email, "fout wachtwoord", ip="10.0.2.1").status_code == 401
    assert _login(client, users[LIMIT].email, ip="10.0.2.1").status_code == 429
    assert _login(app.test_client(), users[LIMIT].email, ip="10.0.2.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_ip_limit(app, create_user):
    """Not behind a proxy, X-Forwarded-For is not trusted: a new value per attempt does not reset the count."""
    assert not app.config.get("BEHIND_PROXY")
    users = [create_user() for _ in range(LIMIT + 1)]
    client = app.test_client()
    for n, user in enumerate(users[:LIMIT]):
        response = _login(client, user.email, "fout", ip="10.0.3.1", **{"X-Forwarded-For": f"192.0.2.{n}"})
        assert response.status_code == 401
    response = _login(client, users[LIMIT].email, "fout", ip="10.0.3.1", **{"X-Forwarded-For": "192.0.2.200"})
    assert response.status_code == 429


def test_successful_log_ins_do_not_count(app, create_user):
    user = create_user()
    for _ in range(LIMIT + 2):
        client = app.test_client()
        assert _login(client, user.email, ip="10.0.4.1").status_code == 302
    assert _login(app.test_client(), user.email, "fout", ip="10.0.4.1").status_code == 401


@pytest.mark.parametrize("address", ["bestaat.niet@example.org", "known"])
def test_the_limit_is_the_same_for_known_and_unknown_addresses(app, create_user, address):
    """The limit does not tell which addresses have an account either."""
    user = create_user()
    email = user.email if address == "known" else address
    client = app.test_client()
    statuses = [_login(client, email, "fout", ip=f"10.0.5.{n}").status_code for n in range(LIMIT + 1)]
    assert statuses == [401] * LIMIT + [429]
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_behind_the_proxy_only_the_address_the_proxy_saw_counts(proxied_app, create_user):
    """Behind the proxy, an attacker's own X-Forwarded-For values (which the proxy keeps, and appends the address
    it saw) do not give a new count per attempt; people behind other addresses are not affected."""
    users = [create_user() for _ in range(LIMIT + 1)]
    client = proxied_app.test_client()
    for n, user in enumerate(users[:LIMIT]):
        forged = {"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.7"}  # the attacker's part, then the proxy's
        response = _login(client, user.email, "fout", ip="10.0.6.1", **forged)
        assert response.status_code == 401
    forged = {"X-Forwarded-For": "192.0.2.200, 198.51.100.7"}
    assert _login(client, users[LIMIT].email, ip="10.0.6.1", **forged).status_code == 429
    other = {"X-Forwarded-For": "198.51.100.8"}
    assert _login(proxied_app.test_client(), users[LIMIT].email, ip="10.0.6.1", **other).status_code == 302


def test_reset_mails_to_one_address_are_limited_whatever_the_ip(app, create_user, mailbox):
    """Asking for reset links for one address from many IP addresses does not flood its inbox; the answer
    stays the same for every request (it tells nothing)."""
    user = create_user("doelwit@example.org")
    answers = set()
    for n in range(12):
        client, ip = app.test_client(), {"REMOTE_ADDR": f"10.9.0.{n + 1}"}
        token = csrf_token_from(client.get("/account/wachtwoord-vergeten", environ_base=ip).get_data(as_text=True))
        response = client.post("/account/wachtwoord-vergeten", data={"email": user.email, "csrf_token": token},
                               environ_base=ip)
        answers.add((response.status_code, response.location))
    assert len(answers) == 1
    assert mailbox.per_recipient()["doelwit@example.org"] == 1
