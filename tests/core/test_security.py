"""Security defaults: CSRF, headers, safe redirects, rate-limited log-in, request size, session cookies."""

import pytest

from circles.core.security import is_safe_next
from tests.conftest import PASSWORD, csrf_token_from, post_form


def test_post_without_csrf_token_is_refused(client, create_user):
    user = create_user()
    response = client.post("/account/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "formulier was verlopen" in response.get_data(as_text=True)
    # and the person was not logged in
    assert client.get("/account/profiel").status_code == 302


def test_every_response_carries_the_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, create_user, auth):
    user = create_user()
    response = auth.login(user.email)
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookie_and_hsts_when_configured(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]


@pytest.mark.parametrize("target", [
    "https://example.org", "//example.org", "/\\example.org", "\\\\example.org", "http:/example.org",
    "javascript:alert(1)", "example.org", "/ok\r\nLocation: https://evil", "",
])
def test_unsafe_next_targets_are_refused(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", ["/", "/privacy", "/organisaties?q=gemeente&page=2"])
def test_local_next_targets_are_allowed(target):
    assert is_safe_next(target)


def test_open_redirect_through_next_is_refused(client, create_user):
    user = create_user()
    html = client.get("/account/inloggen?next=https://example.org").get_data(as_text=True)
    response = client.post("/account/inloggen?next=https://example.org", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_next_is_followed_after_login(client, create_user):
    user = create_user()
    response = post_form(client, "/account/inloggen?next=/account/profiel",
                         {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/profiel"


def test_six_wrong_passwords_in_a_minute_get_429(client, create_user):
    user = create_user()
    responses = [post_form(client, "/account/inloggen", {"email": user.email, "password": "wrong password!"})
                 for _ in range(6)]
    assert [r.status_code for r in responses[:5]] == [401] * 5
    assert responses[5].status_code == 429
    assert "Te veel pogingen" in responses[5].get_data(as_text=True)
    # even the right password is refused while the limit holds
    assert post_form(client, "/account/inloggen", {"email": user.email, "password": PASSWORD}).status_code == 429


def test_limit_is_per_account_across_addresses(client, app, create_user):
    """Spreading guesses over many client addresses does not escape the per-account limit."""
    user = create_user()
    statuses = []
    for i in range(6):
        env = {"REMOTE_ADDR": f"10.0.0.{i + 1}"}
        html = client.get("/account/inloggen", environ_base=env).get_data(as_text=True)
        statuses.append(client.post("/account/inloggen", environ_base=env, data={
            "email": user.email, "password": "wrong password!", "csrf_token": csrf_token_from(html)}).status_code)
    assert statuses[-1] == 429


def test_failed_login_message_does_not_reveal_whether_the_address_exists(client, create_user):
    user = create_user()
    known = post_form(client, "/account/inloggen", {"email": user.email, "password": "wrong password!"})
    unknown = post_form(client, "/account/inloggen", {"email": "nobody@example.org", "password": "wrong password!"})
    assert known.status_code == unknown.status_code == 401
    message = "Deze combinatie van e-mailadres en wachtwoord kennen we niet."
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_oversized_request_gets_413_with_a_message(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    html = client.get("/account/wachtwoord-vergeten").get_data(as_text=True)
    response = client.post("/account/wachtwoord-vergeten",
                           data={"email": "x" * 5000, "csrf_token": csrf_token_from(html)})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
