"""Tokens in links: unguessable, for one purpose only, tamper-proof, expiring where the app says so, used once
where they should be.

The app issues these (grep circles/ for itsdangerous, secrets and token):
  * password reset: itsdangerous URLSafeTimedSerializer (salt "password-reset"), bound to the password hash,
    valid for PASSWORD_RESET_MAX_AGE (an hour): /account/wachtwoord-herstellen/<token>;
  * circle invitation: secrets.token_urlsafe(32), only its SHA-256 stored, valid 14 days, once: /uitnodiging/<token>;
  * personal calendar feed: secrets.token_urlsafe(32), hashed, until replaced: /agenda/<token>.ics, and
    ?token= on a private circle's feed /leercirkels/<slug>/agenda.ics;
  * newsletter confirmation: secrets.token_urlsafe(32), hashed, valid 30 days: /nieuwsbrief/bevestigen/<token>;
  * newsletter unsubscribe and preferences: itsdangerous URLSafeSerializer with a salt per purpose, no expiry
    (a link in an old e-mail must keep working): /nieuwsbrief/afmelden/<token>, /nieuwsbrief/voorkeuren/<token>.
The tokens are taken from what the app sends (the e-mails, the calendar page), not made up.
"""

import base64
import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from circles.accounts import services as account_services
from circles.accounts.models import Role, User
from circles.core.db import db, utcnow
from circles.groups import services as circle_services
from circles.groups.models import Invitation, Membership, MembershipState
from circles.newsletter.models import Subscriber
from circles.newsletter.subscriptions import services as subscriptions
from tests.conftest import PASSWORD, AuthActions, csrf_token_from, post_form

NEW_PASSWORD = "een heel nieuw en lang wachtwoord"


def _client(app, user: User | None = None):
    client = app.test_client()
    if user is not None:
        assert AuthActions(client).login(user.email).status_code == 302
    return client


def _link(mailbox, address: str, marker: str) -> str:
    messages = mailbox.to(address)
    assert messages, f"no e-mail to {address}"
    links = [u for u in mailbox.links(messages[-1]) if marker in u]
    assert links, f"no {marker} link in the e-mail to {address}"
    return links[0].rstrip(".,)>")


def _token_in(url: str, marker: str) -> str:
    return re.search(re.escape(marker) + r"([^/?#.]+(?:\.[^/?#.]+)*?)(?:\.ics)?(?:[?#]|$)", url).group(1)


@pytest.fixture
def tokens(fuzz_app, fuzz_world, mailbox) -> dict:
    """One token of each purpose, as the app hands it out; the circle is private (its feed needs a token)."""
    w = fuzz_world
    w.circle.visibility = "circle"
    db.session.commit()
    out = {}
    # Password reset: asked for on the site, taken from the e-mail.
    anonymous = _client(fuzz_app)
    assert post_form(anonymous, "/account/wachtwoord-vergeten", {"email": w.member.email}).status_code == 302
    out["reset"] = _token_in(_link(mailbox, w.member.email, "/wachtwoord-herstellen/"), "/wachtwoord-herstellen/")
    # Invitation: sent by the circle's coordinator, taken from the e-mail.
    coordinator = _client(fuzz_app, w.account(Role.COORDINATOR))
    response = post_form(coordinator, f"/leercirkels/{w.circle.slug}/uitnodigen", {"email": "gast@example.org"},
                         page=f"/leercirkels/{w.circle.slug}/beheer")
    assert response.status_code == 302
    out["invitation"] = _token_in(_link(mailbox, "gast@example.org", "/uitnodiging/"), "/uitnodiging/")
    # Calendar feed: made on the member's calendar page.
    member = _client(fuzz_app, w.member)
    page = post_form(member, "/account/agenda/nieuw", {}, page="/account/agenda").get_data(as_text=True)
    out["calendar"] = re.search(r"/agenda/([A-Za-z0-9_\-]+)\.ics", page).group(1)
    # Newsletter: a new reader signs up (confirmation from the e-mail); the reader of the world has the
    # signed unsubscribe and preferences links every newsletter carries.
    response = post_form(anonymous, "/nieuwsbrief", {"email": "nieuwe.lezer@example.org", "language": "nl",
                                                     "consent": "y"})
    assert response.status_code == 302
    out["confirm"] = _token_in(_link(mailbox, "nieuwe.lezer@example.org", "/bevestigen/"), "/bevestigen/")
    out["unsubscribe"] = subscriptions.unsubscribe_token(w.subscriber)
    out["preferences"] = subscriptions.preferences_token(w.subscriber)
    return out


#: purpose -> (method, url of the route that takes it, the answer to a valid token)
ROUTES_BY_PURPOSE = {
    "reset": ("GET", lambda w, t: f"/account/wachtwoord-herstellen/{t}", 200),
    "invitation": ("GET", lambda w, t: f"/uitnodiging/{t}", 200),
    "calendar": ("GET", lambda w, t: f"/agenda/{t}.ics", 200),
    "circle feed": ("GET", lambda w, t: f"/leercirkels/{w.circle.slug}/agenda.ics?token={t}", 200),
    "confirm": ("GET", lambda w, t: f"/nieuwsbrief/bevestigen/{t}", 200),
    "unsubscribe": ("GET", lambda w, t: f"/nieuwsbrief/afmelden/{t}", 200),
    "preferences": ("GET", lambda w, t: f"/nieuwsbrief/voorkeuren/{t}", 200),
}
#: The token purpose each route takes.
PURPOSE_OF_ROUTE = {"reset": "reset", "invitation": "invitation", "calendar": "calendar", "circle feed": "calendar",
                    "confirm": "confirm", "unsubscribe": "unsubscribe", "preferences": "preferences"}
REFUSED = (400, 404, 410)
RANDOM = ("invitation", "calendar", "confirm")
SIGNED = ("reset", "unsubscribe", "preferences")


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_tokens_are_long_enough_to_be_unguessable(tokens):
    """Random tokens carry at least 128 bits; signed ones carry a signature of at least 128 bits."""
    for purpose in RANDOM:
        assert len(_b64(tokens[purpose])) >= 16, f"{purpose}: {tokens[purpose]!r} is short"
    for purpose in SIGNED:
        signature = tokens[purpose].rsplit(".", 1)[-1]
        assert len(_b64(signature)) >= 16, f"{purpose}: signature {signature!r} is short"


def test_each_token_is_new(fuzz_app, fuzz_world, tokens, mailbox):
    """Asking again gives another token (no counter, no value derived from the address alone)."""
    member = _client(fuzz_app, fuzz_world.member)
    page = post_form(member, "/account/agenda/nieuw", {}, page="/account/agenda").get_data(as_text=True)
    assert re.search(r"/agenda/([A-Za-z0-9_\-]+)\.ics", page).group(1) != tokens["calendar"]
    coordinator = _client(fuzz_app, fuzz_world.account(Role.COORDINATOR))
    post_form(coordinator, f"/leercirkels/{fuzz_world.circle.slug}/uitnodigen", {"email": "gast2@example.org"},
              page=f"/leercirkels/{fuzz_world.circle.slug}/beheer")
    assert _token_in(_link(mailbox, "gast2@example.org", "/uitnodiging/"), "/uitnodiging/") != tokens["invitation"]


@pytest.mark.parametrize("route", list(ROUTES_BY_PURPOSE))
def test_a_token_works_only_for_its_own_purpose(fuzz_app, fuzz_world, tokens, route):
    """Every other purpose's token (and a CSRF token) is refused by the route; its own token works."""
    client = _client(fuzz_app)
    method, url_of, ok = ROUTES_BY_PURPOSE[route]
    foreign = {p: t for p, t in tokens.items() if p != PURPOSE_OF_ROUTE[route]}
    foreign["csrf"] = csrf_token_from(client.get("/account/inloggen").get_data(as_text=True))
    problems = []
    for purpose, token in foreign.items():
        response = client.get(url_of(fuzz_world, token))
        if response.status_code not in REFUSED:
            problems.append(f"{route} took the {purpose} token: {response.status_code}")
    assert problems == []
    assert client.get(url_of(fuzz_world, tokens[PURPOSE_OF_ROUTE[route]])).status_code == ok


def test_writes_with_a_token_of_another_purpose_change_nothing(fuzz_app, fuzz_world, tokens):
    """The token-only writes (reset the password, accept an invitation, unsubscribe in one click, save
    preferences) refuse every other purpose's token."""
    w = fuzz_world
    hash_before = w.member.password_hash
    outsider = _client(fuzz_app, w.account(Role.EDITOR))
    csrf = csrf_token_from(outsider.get("/").get_data(as_text=True))
    writes = {
        "reset": lambda t: outsider.post(f"/account/wachtwoord-herstellen/{t}", data={
            "csrf_token": csrf, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        "invitation": lambda t: outsider.post(f"/uitnodiging/{t}", data={"csrf_token": csrf}),
        "unsubscribe": lambda t: outsider.post(f"/nieuwsbrief/afmelden/{t}", data={"List-Unsubscribe": "One-Click"}),
        "preferences": lambda t: outsider.post(f"/nieuwsbrief/voorkeuren/{t}", data={
            "csrf_token": csrf, "language": "en"}),
    }
    problems = []
    for route, write in writes.items():
        for purpose, token in tokens.items():
            if purpose != route and (status := write(token).status_code) not in REFUSED:
                problems.append(f"POST {route} took the {purpose} token: {status}")
    assert problems == []
    db.session.expire_all()
    assert db.session.get(User, w.member.id).password_hash == hash_before
    editor = w.account(Role.EDITOR)
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == editor.id)) is None
    subscriber = db.session.get(Subscriber, w.subscriber.id)
    assert (subscriber.status, subscriber.language) == ("confirmed", "nl")


def _altered(token: str, position: int) -> str:
    """The token with the character at ``position`` changed in its high bit (so its bytes change too)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    char = token[position]
    new = alphabet[(alphabet.index(char) + 32) % 64] if char in alphabet else "A"
    return token[:position] + new + token[position + 1:]


@pytest.mark.parametrize("route", list(ROUTES_BY_PURPOSE))
def test_a_token_altered_in_one_character_is_refused(fuzz_app, fuzz_world, tokens, route):
    client = _client(fuzz_app)
    method, url_of, _ok = ROUTES_BY_PURPOSE[route]
    token = tokens[PURPOSE_OF_ROUTE[route]]
    positions = sorted({0, 1, len(token) // 3, len(token) // 2, len(token) - 2, len(token) - 1}
                       | {i + 1 for i, c in enumerate(token) if c == "." and i + 1 < len(token)})
    problems = []
    for position in positions:
        altered = _altered(token, position)
        if altered == token:
            continue
        status = client.get(url_of(fuzz_world, altered)).status_code
        if status not in REFUSED:
            problems.append(f"{route}: altered at {position} ({altered!r}): {status}")
    for cut in (token[:-1], token[1:], token + "A", token.upper(), ""):
        if cut and cut != token and (status := client.get(url_of(fuzz_world, cut)).status_code) not in REFUSED:
            problems.append(f"{route}: {cut!r}: {status}")
    assert problems == []


def test_a_reset_link_expires_after_an_hour(fuzz_app, fuzz_world, monkeypatch):
    """The link works for PASSWORD_RESET_MAX_AGE seconds (the e-mail says an hour), not longer."""
    max_age = fuzz_app.config["PASSWORD_RESET_MAX_AGE"]
    assert max_age == 3600
    client = _client(fuzz_app)
    issued = {}
    for age in (max_age - 60, max_age + 60):
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, age=age: int(time.time()) - age)
        issued[age] = account_services.make_reset_token(fuzz_world.member)
        monkeypatch.undo()
    assert client.get(f"/account/wachtwoord-herstellen/{issued[max_age - 60]}").status_code == 200
    assert client.get(f"/account/wachtwoord-herstellen/{issued[max_age + 60]}").status_code == 404
    response = post_form(client, f"/account/wachtwoord-herstellen/{issued[max_age + 60]}",
                         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page="/account/inloggen")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, fuzz_world.member.id).check_password(PASSWORD)


def test_an_invitation_expires_after_fourteen_days(fuzz_app, tokens, monkeypatch):
    client = _client(fuzz_app)
    url = f"/uitnodiging/{tokens['invitation']}"
    later = utcnow() + timedelta(days=circle_services.INVITATION_DAYS, minutes=-5)
    monkeypatch.setattr("circles.groups.views.utcnow", lambda: later)
    assert client.get(url).status_code == 200
    too_late = utcnow() + timedelta(days=circle_services.INVITATION_DAYS, minutes=5)
    monkeypatch.setattr("circles.groups.views.utcnow", lambda: too_late)
    monkeypatch.setattr("circles.groups.services.utcnow", lambda: too_late)
    assert client.get(url).status_code == 410
    stranger = _client(fuzz_app, db.session.scalar(db.select(User).where(User.email == "wereld.lid@example.org")))
    response = post_form(stranger, url, {}, page="/")
    assert response.status_code == 410
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "gast@example.org"))
    db.session.refresh(invitation)
    assert invitation.accepted_at is None


def test_a_newsletter_confirmation_expires_after_thirty_days(fuzz_app, tokens, monkeypatch):
    client = _client(fuzz_app)
    too_late = utcnow() + subscriptions.CONFIRM_VALID + timedelta(minutes=5)
    monkeypatch.setattr("circles.newsletter.subscriptions.services.utcnow", lambda: too_late)
    assert client.get(f"/nieuwsbrief/bevestigen/{tokens['confirm']}").status_code == 404
    assert subscriptions.get_by_email("nieuwe.lezer@example.org").status == "pending"
    monkeypatch.undo()
    assert client.get(f"/nieuwsbrief/bevestigen/{tokens['confirm']}").status_code == 200
    db.session.expire_all()
    assert subscriptions.get_by_email("nieuwe.lezer@example.org").status == "confirmed"


def test_unsubscribe_and_preferences_links_do_not_expire_but_die_with_the_subscriber(fuzz_app, fuzz_world, tokens,
                                                                                     monkeypatch):
    """By design (an old e-mail's link must keep working): still valid years later; a token of a subscriber
    that was deleted and signed up again (a new row, perhaps the same id) does not work for the new one."""
    years_later = time.time() + 3 * 365 * 24 * 3600
    monkeypatch.setattr("time.time", lambda: years_later)
    client = _client(fuzz_app)
    assert client.get(f"/nieuwsbrief/voorkeuren/{tokens['preferences']}").status_code == 200
    assert client.get(f"/nieuwsbrief/afmelden/{tokens['unsubscribe']}").status_code == 200
    monkeypatch.undo()
    subscriber = db.session.get(Subscriber, fuzz_world.subscriber.id)
    subscriber.email = "iemand.anders@example.org"  # another person now behind this row
    db.session.commit()
    assert client.get(f"/nieuwsbrief/voorkeuren/{tokens['preferences']}").status_code in REFUSED


def test_a_reset_link_works_once(fuzz_app, fuzz_world, tokens):
    client = _client(fuzz_app)
    url = f"/account/wachtwoord-herstellen/{tokens['reset']}"
    response = post_form(client, url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    response = post_form(client, url, {"password": "en nog eens een ander wachtwoord",
                                       "confirm": "en nog eens een ander wachtwoord"}, page="/account/inloggen")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, fuzz_world.member.id).check_password(NEW_PASSWORD)


def test_a_reset_link_dies_when_the_password_is_changed_otherwise(fuzz_app, fuzz_world, tokens):
    """Changed on the account page after the link was sent: the link no longer works."""
    member = _client(fuzz_app, fuzz_world.member)
    response = post_form(member, "/account/wachtwoord", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                         "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _client(fuzz_app).get(f"/account/wachtwoord-herstellen/{tokens['reset']}").status_code == 404


def test_an_invitation_works_once(fuzz_app, fuzz_world, tokens):
    url = f"/uitnodiging/{tokens['invitation']}"
    first = fuzz_app.test_client()
    first_user = fuzz_world.account(Role.EDITOR)
    assert AuthActions(first).login(first_user.email).status_code == 302
    assert post_form(first, url, {}).status_code == 302
    second_user = account_services.register_user(
        name="Tweede Gast", email="tweede.gast@example.org", password=PASSWORD, function="",
        organisation=fuzz_world.org, locale="nl")
    db.session.commit()
    second = _client(fuzz_app, second_user)
    assert second.get(url).status_code == 410
    assert post_form(second, url, {}, page="/").status_code == 410
    members = db.session.scalars(db.select(Membership.user_id).where(
        Membership.circle_id == fuzz_world.circle.id, Membership.state == MembershipState.ACTIVE)).all()
    assert first_user.id in members and second_user.id not in members


def test_a_replaced_calendar_token_stops_working(fuzz_app, fuzz_world, tokens):
    member = _client(fuzz_app, fuzz_world.member)
    post_form(member, "/account/agenda/nieuw", {}, page="/account/agenda")
    anonymous = _client(fuzz_app)
    assert anonymous.get(f"/agenda/{tokens['calendar']}.ics").status_code == 404
    feed = f"/leercirkels/{fuzz_world.circle.slug}/agenda.ics?token={tokens['calendar']}"
    assert anonymous.get(feed).status_code == 404


def test_a_calendar_token_of_someone_who_left_the_circle_no_longer_opens_its_feed(fuzz_app, fuzz_world, tokens):
    feed = f"/leercirkels/{fuzz_world.circle.slug}/agenda.ics?token={tokens['calendar']}"
    anonymous = _client(fuzz_app)
    assert anonymous.get(feed).status_code == 200
    membership = db.session.get(Membership, fuzz_world.membership_id)
    db.session.delete(membership)
    db.session.commit()
    assert anonymous.get(feed).status_code == 404
