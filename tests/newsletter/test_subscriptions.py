"""Subscriptions: double opt-in through a real SMTP server, the consent log, unsubscribing in one step
(RFC 8058), preferences, a member's own subscription, and answers that never tell whether an address
is on the list."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from circles.core.db import db, utcnow
from circles.core.models import OutgoingMail
from circles.newsletter.models import CONSENT_VERSION, ConsentEvent, Subscriber, SubscriberStatus
from circles.newsletter.subscriptions import services as subscriptions
from tests.conftest import csrf_token_from, post_form


def _sign_up(client, email="piet@example.org", **extra):
    data = {"email": email, "name": "Piet Jansen", "language": "nl", "consent": "y", **extra}
    return post_form(client, "/nieuwsbrief", data)


def _subscriber(email="piet@example.org") -> Subscriber | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))


def _log(sub: Subscriber) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(sa.select(ConsentEvent).where(ConsentEvent.subscriber_id == sub.id)
                              .order_by(ConsentEvent.id))
    return [(e.action, e.channel, e.text_version) for e in rows]


def _link(mailbox, msg, fragment: str) -> str:
    """The path of the link in ``msg`` that contains ``fragment`` (the test client takes paths)."""
    link = next(u for u in mailbox.links(msg) if fragment in u)
    return urlsplit(link).path


def _confirmed(client, mailbox, email="piet@example.org", **extra) -> Subscriber:
    assert _sign_up(client, email, **extra).status_code == 302
    assert client.get(_link(mailbox, mailbox.to(email)[-1], "/bevestigen/")).status_code == 200
    return _subscriber(email)


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- signing up and confirming -------------------------------------------------------------------

def test_the_form_states_sender_content_frequency_and_privacy_with_an_unticked_consent_box(client):
    html = _text(client.get("/nieuwsbrief"))
    assert "Leercirkels banenafspraak" in html and "Tweewekelijks" in html and "tweewekelijks" in html
    assert "werkpakketten" in html
    assert 'href="/privacy"' in html and 'href="/nieuwsbrief/archief"' in html
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', html).group(0)
    assert "checked" not in consent
    # interests: sectors as a checkbox group with a legend, the regions folded away in <details>
    assert "<legend" in html and "Sectoren" in html
    details = html[html.index("<details"):html.index("</details>")]
    assert details.count('name="regions"') == 35
    # the honeypot is hidden from sight and from the tab order, and tells people to leave it empty
    honeypot = re.search(r'<input[^>]*name="website"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert "Laat dit veld leeg" in html


def test_partner_site_form_prefills_address_and_name(client):
    html = _text(client.get("/nieuwsbrief?email=Anna@Example.org&name=Anna%20de%20Vries&language=en"))
    assert 'value="Anna@Example.org"' in html and 'value="Anna de Vries"' in html
    assert re.search(r'<input[^>]*checked[^>]*value="en"|<input[^>]*value="en"[^>]*checked', html)


def test_sign_up_confirm_by_mail_link_and_consent_log(client, mailbox):
    response = _sign_up(client, "Piet@Example.org ", sectors=["gemeenten", "po"], regions=["AM01"])
    assert response.status_code == 302 and response.headers["Location"] == "/nieuwsbrief/aangemeld"
    page = _text(client.get("/nieuwsbrief/aangemeld"))
    assert "kijk in uw e-mail" in page and "30 dagen" in page

    sub = _subscriber("piet@example.org")
    assert sub.status == SubscriberStatus.PENDING
    assert (sub.name, sub.language, sub.sectors, sub.regions) == ("Piet Jansen", "nl", ["gemeenten", "po"], ["AM01"])
    assert sub.confirm_token_hash and len(sub.confirm_token_hash) == 64

    [msg] = mailbox.to("piet@example.org")
    assert msg["Subject"] == "Bevestig uw aanmelding voor de nieuwsbrief"
    assert "30 dagen" in mailbox.text(msg)
    assert 'lang="nl"' in mailbox.html(msg)
    path = _link(mailbox, msg, "/nieuwsbrief/bevestigen/")
    assert path.rsplit("/", 1)[-1] not in sub.confirm_token_hash  # only the hash is stored

    confirmed = client.get(path)
    assert confirmed.status_code == 200
    assert "Uw aanmelding is bevestigd" in _text(confirmed)
    sub = _subscriber("piet@example.org")
    assert sub.status == SubscriberStatus.CONFIRMED and sub.confirmed_at is not None
    assert _log(sub) == [("subscribe", "form", CONSENT_VERSION), ("confirm", "link", CONSENT_VERSION)]


def test_confirming_twice_says_it_was_already_confirmed(client, mailbox):
    _sign_up(client)
    path = _link(mailbox, mailbox.to("piet@example.org")[0], "/bevestigen/")
    assert client.get(path).status_code == 200
    again = client.get(path)
    assert again.status_code == 200
    assert "Uw aanmelding was al bevestigd" in _text(again)
    assert [a for a, _c, _v in _log(_subscriber())].count("confirm") == 1


@pytest.mark.parametrize("token", ["abc", "x" * 43, "abc.def-ghi_", "a" * 500])
def test_unknown_or_forged_confirmation_links_get_a_clear_404(client, token):
    response = client.get(f"/nieuwsbrief/bevestigen/{token}")
    assert response.status_code == 404
    text = _text(response)
    assert "Deze bevestigingslink werkt niet" in text and 'href="/nieuwsbrief"' in text


def test_a_replaced_or_expired_confirmation_link_no_longer_works(app, client, mailbox):
    _sign_up(client)
    old = _link(mailbox, mailbox.to("piet@example.org")[0], "/bevestigen/")
    sub = _subscriber()
    # six minutes later the person signs up again: a new link, and the old one stops working
    sub.confirm_sent_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    _sign_up(client)
    new = _link(mailbox, mailbox.to("piet@example.org")[-1], "/bevestigen/")
    assert new != old
    assert client.get(old).status_code == 404
    # a link sent more than 30 days ago has expired
    sub = _subscriber()
    sub.confirm_sent_at = sub.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert client.get(new).status_code == 404
    assert _subscriber().status == SubscriberStatus.PENDING


def test_malformed_address_gets_422_with_the_dutch_message_and_keeps_what_was_typed(client, mailbox):
    response = _sign_up(client, "piet-at-example", name="Piet Jansen")
    assert response.status_code == 422
    text = _text(response)
    assert "Vul een geldig e-mailadres in, zoals naam@organisatie.nl." in text
    assert 'value="Piet Jansen"' in text and 'value="piet-at-example"' in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 0
    assert mailbox.messages == []


def test_consent_box_must_be_ticked(client, mailbox):
    response = post_form(client, "/nieuwsbrief", {"email": "piet@example.org", "language": "nl",
                                                  "sectors": ["po"]})
    assert response.status_code == 422
    text = _text(response)
    assert "Vink het vakje aan als u de nieuwsbrief wilt ontvangen." in text
    assert re.search(r'<input[^>]*checked[^>]*value="po"|<input[^>]*value="po"[^>]*checked', text)
    assert _subscriber() is None and mailbox.messages == []


def test_honeypot_gets_the_success_page_but_nothing_is_stored_or_sent(client, mailbox):
    response = _sign_up(client, website="https://spam.example")
    assert response.status_code == 302 and response.headers["Location"] == "/nieuwsbrief/aangemeld"
    assert _subscriber() is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentEvent)) == 0
    assert mailbox.messages == []


def test_signing_up_a_confirmed_address_again_changes_nothing_and_looks_the_same(app, client, mailbox):
    _confirmed(client, mailbox, sectors=["po"])
    mailbox.messages.clear()

    again = _sign_up(client, "piet@example.org", name="Someone Else", language="en", sectors=["wo"])
    again_page = client.get(again.headers["Location"]).get_data(as_text=True)
    fresh = _sign_up(client, "nieuw@example.org")
    fresh_page = client.get(fresh.headers["Location"]).get_data(as_text=True)
    assert (again.status_code, again.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert again_page == fresh_page

    sub = _subscriber()
    assert sub.status == SubscriberStatus.CONFIRMED
    assert (sub.name, sub.language, sub.sectors) == ("Piet Jansen", "nl", ["po"])
    [msg] = mailbox.to("piet@example.org")
    assert msg["Subject"] == "U bent al aangemeld voor de nieuwsbrief"
    assert client.get(_link(mailbox, msg, "/nieuwsbrief/voorkeuren/")).status_code == 200
    assert _subscriber("nieuw@example.org").status == SubscriberStatus.PENDING


def test_confirmation_is_resent_at_most_every_five_minutes(app):
    def queued() -> list[str]:
        query = sa.select(OutgoingMail.subject).where(OutgoingMail.to_address == "an@example.org")
        return list(db.session.scalars(query))

    now = utcnow()
    sub = subscriptions.subscribe("an@example.org", name="An", language="en", now=now)
    db.session.commit()
    subscriptions.subscribe("an@example.org", name="An B", language="nl", now=now + timedelta(minutes=2))
    db.session.commit()
    assert len(queued()) == 1
    assert sub.name == "An B" and sub.language == "nl"  # still pending: the details follow the latest form
    subscriptions.subscribe("an@example.org", name="An", language="nl", now=now + timedelta(minutes=6))
    db.session.commit()
    # each in the language chosen at the time
    assert queued() == ["Confirm your subscription to the newsletter", "Bevestig uw aanmelding voor de nieuwsbrief"]
    assert [a for a, _c, _v in _log(sub)] == ["subscribe"] * 3


def test_an_unsubscribed_address_signs_up_again_as_pending(client, mailbox):
    sub = _confirmed(client, mailbox)
    subscriptions.unsubscribe(sub, "link")
    db.session.commit()
    mailbox.messages.clear()
    _sign_up(client)
    sub = _subscriber()
    assert sub.status == SubscriberStatus.PENDING
    path = _link(mailbox, mailbox.to("piet@example.org")[0], "/bevestigen/")
    assert client.get(path).status_code == 200
    assert _subscriber().status == SubscriberStatus.CONFIRMED
    assert [a for a, _c, _v in _log(sub)] == ["subscribe", "confirm", "unsubscribe", "subscribe", "confirm"]


def test_an_old_confirmation_link_does_not_resubscribe_after_unsubscribing(client, mailbox):
    _sign_up(client)
    path = _link(mailbox, mailbox.to("piet@example.org")[0], "/bevestigen/")
    client.get(path)
    subscriptions.unsubscribe(_subscriber(), "link")
    db.session.commit()
    assert client.get(path).status_code == 404
    assert _subscriber().status == SubscriberStatus.UNSUBSCRIBED


# --- unsubscribing -------------------------------------------------------------------------------

def test_unsubscribe_page_shows_one_button_and_a_post_without_login_or_csrf_unsubscribes(client, mailbox):
    sub = _confirmed(client, mailbox)
    url = urlsplit(subscriptions.unsubscribe_url(sub)).path
    page = _text(client.get(url))
    main = page[page.index("<main"):page.index("</main>")]
    assert main.count("<button") == 1 and "csrf_token" not in main
    assert "piet@example.org" in page

    response = client.post(url)  # no CSRF token, nobody logged in
    assert response.status_code == 200
    assert "U bent afgemeld" in _text(response)
    sub = _subscriber()
    assert sub.status == SubscriberStatus.UNSUBSCRIBED and sub.unsubscribed_at is not None
    assert _log(sub)[-1] == ("unsubscribe", "link", CONSENT_VERSION)
    # again: the same answer, and no second log row
    assert client.post(url).status_code == 200
    assert [a for a, _c, _v in _log(sub)].count("unsubscribe") == 1


def test_one_click_unsubscribe_from_the_mail_client(client, mailbox):
    sub = _confirmed(client, mailbox)
    url = urlsplit(subscriptions.unsubscribe_url(sub)).path
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "U bent afgemeld" in _text(response)
    assert _subscriber().status == SubscriberStatus.UNSUBSCRIBED
    assert _log(_subscriber())[-1][:2] == ("unsubscribe", "one-click")


@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_or_garbled_unsubscribe_tokens_get_400_with_a_message(client, mailbox, method):
    sub = _confirmed(client, mailbox)
    token = subscriptions.unsubscribe_token(sub)
    for bad in ["garbage", token[:-3] + "xyz", subscriptions.preferences_token(sub), "W1sxLDJdXQ.abc"]:
        response = getattr(client, method)(f"/nieuwsbrief/afmelden/{bad}")
        assert response.status_code == 400, bad
        assert "Deze link werkt niet" in _text(response)
    # no address of this site holds a NUL character
    assert getattr(client, method)("/nieuwsbrief/afmelden/%00").status_code == 404
    assert _subscriber().status == SubscriberStatus.CONFIRMED


def test_a_genuine_link_of_a_deleted_subscriber_says_unsubscribed(client, mailbox):
    sub = _confirmed(client, mailbox)
    url = urlsplit(subscriptions.unsubscribe_url(sub)).path
    db.session.delete(sub)
    db.session.commit()
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "U bent afgemeld" in _text(response)


def test_the_consent_log_is_append_only(client, mailbox):
    sub = _confirmed(client, mailbox)
    event = db.session.scalars(sa.select(ConsentEvent).where(ConsentEvent.subscriber_id == sub.id)).first()
    event.channel = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_asking_for_an_unsubscribe_link_answers_the_same_for_known_and_unknown_addresses(client, mailbox):
    _confirmed(client, mailbox)
    mailbox.messages.clear()
    known = post_form(client, "/nieuwsbrief/afmelden", {"email": "piet@example.org"})
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = post_form(client, "/nieuwsbrief/afmelden", {"email": "niemand@example.org"})
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert re.sub(r'value="[^"]+"', "", known_page) == re.sub(r'value="[^"]+"', "", unknown_page)
    assert "Als dit adres is aangemeld, ontvangt u" in unescape(known_page)

    assert mailbox.to("niemand@example.org") == []
    [msg] = mailbox.to("piet@example.org")
    response = client.post(_link(mailbox, msg, "/nieuwsbrief/afmelden/"))
    assert response.status_code == 200
    assert _subscriber().status == SubscriberStatus.UNSUBSCRIBED


def test_list_unsubscribe_headers(app, client, mailbox):
    sub = _confirmed(client, mailbox)
    headers = subscriptions.list_unsubscribe_headers(sub)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = re.fullmatch(r"<(https?://[^>]+)>, <mailto:([^?>]+)\?subject=unsubscribe%20([^>]+)>",
                         headers["List-Unsubscribe"])
    assert match, headers["List-Unsubscribe"]
    url, address, token = match.groups()
    assert url == subscriptions.unsubscribe_url(sub) and url.startswith(app.config["BASE_URL"])
    assert address == "nieuwsbrief-afmelden@leercirkels.example"
    assert subscriptions.subscriber_from_token(token, "unsubscribe").id == sub.id
    app.config["NEWSLETTER_UNSUBSCRIBE_MAILTO"] = "afmelden@example.net"
    assert "<mailto:afmelden@example.net?subject=" in subscriptions.list_unsubscribe_headers(sub)["List-Unsubscribe"]
    # the https link takes the one-click POST
    assert client.post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _subscriber().status == SubscriberStatus.UNSUBSCRIBED


# --- housekeeping and limits ---------------------------------------------------------------------

def test_purge_deletes_only_pending_sign_ups_older_than_30_days(app):
    now = utcnow()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    for email, status, created, sent in [
        ("old-pending@example.org", SubscriberStatus.PENDING, old, old),
        ("recent-pending@example.org", SubscriberStatus.PENDING, recent, recent),
        ("resent-pending@example.org", SubscriberStatus.PENDING, old, recent),  # signed up again lately
        ("old-confirmed@example.org", SubscriberStatus.CONFIRMED, old, old),
        ("old-unsubscribed@example.org", SubscriberStatus.UNSUBSCRIBED, old, old),
    ]:
        sub = Subscriber(email=email, status=status, created_at=created, confirm_sent_at=sent)
        db.session.add(sub)
        db.session.flush()
        db.session.add(ConsentEvent(subscriber_id=sub.id, action="subscribe", text_version=CONSENT_VERSION))
    db.session.commit()
    assert subscriptions.purge_pending(now) == 1
    db.session.commit()
    left = set(db.session.scalars(sa.select(Subscriber.email)))
    assert left == {"recent-pending@example.org", "resent-pending@example.org", "old-confirmed@example.org",
                    "old-unsubscribed@example.org"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentEvent)) == 4
    assert subscriptions.purge_pending(now) == 0


def test_the_sixth_sign_up_in_a_minute_gets_429(client, mailbox):
    statuses = [_sign_up(client, f"persoon{i}@example.org").status_code for i in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_unsubscribe_requests_are_rate_limited_too(client):
    statuses = [post_form(client, "/nieuwsbrief/afmelden", {"email": f"p{i}@example.org"}).status_code
                for i in range(6)]
    assert statuses == [302] * 5 + [429]


# --- preferences and a member's own subscription -------------------------------------------------

def test_preferences_by_token_change_language_and_interests(client, mailbox):
    sub = _confirmed(client, mailbox, sectors=["po"])
    url = urlsplit(subscriptions.preferences_url(sub)).path
    page = _text(client.get(url))
    assert "piet@example.org" in page and "Afmelden voor de nieuwsbrief" in page
    response = post_form(client, url, {"language": "en", "sectors": ["wo", "hbo"], "regions": ["AM01", "AM03"]})
    assert response.status_code == 302
    assert "Uw voorkeuren zijn opgeslagen." in _text(client.get(url))
    sub = _subscriber()
    assert (sub.language, sub.sectors, sub.regions) == ("en", ["hbo", "wo"], ["AM01", "AM03"])
    assert _log(sub)[-1][:2] == ("change", "link")
    # the unsubscribe button on that page works without a CSRF token
    assert client.post(urlsplit(subscriptions.unsubscribe_url(sub)).path).status_code == 200


def test_preferences_with_a_bad_token_get_400(client):
    assert client.get("/nieuwsbrief/voorkeuren/garbage").status_code == 400
    assert "Deze link werkt niet" in _text(client.get("/nieuwsbrief/voorkeuren/garbage"))


def test_my_subscription_needs_a_login(client):
    response = client.get("/nieuwsbrief/mijn")
    assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"]


def test_member_manages_the_subscription_from_the_profile(client, login_as, mailbox):
    member = login_as(email="lid@example.org", name="Lid Eén")
    profile = _text(client.get("/account/profiel"))
    assert "Nieuwsbrief" in profile and "U bent niet aangemeld" in profile
    assert 'href="/nieuwsbrief/mijn"' in profile

    page = client.get("/nieuwsbrief/mijn")
    assert page.status_code == 200 and "Niet aangemeld" in _text(page)
    refused = post_form(client, "/nieuwsbrief/mijn", {"action": "subscribe", "language": "nl"})
    assert refused.status_code == 422
    response = post_form(client, "/nieuwsbrief/mijn", {"action": "subscribe", "language": "en", "sectors": ["po"],
                                                      "consent": "y"})
    assert response.status_code == 302
    sub = _subscriber("lid@example.org")
    assert (sub.status, sub.source, sub.user_id, sub.name) == ("pending", "profile", member.id, "Lid Eén")
    assert _log(sub) == [("subscribe", "profile", CONSENT_VERSION)]
    [msg] = mailbox.to("lid@example.org")
    assert 'lang="en"' in mailbox.html(msg)
    assert client.get(_link(mailbox, msg, "/bevestigen/")).status_code == 200

    assert "U bent aangemeld voor de nieuwsbrief" in _text(client.get("/account/profiel"))
    page = _text(client.get("/nieuwsbrief/mijn"))
    assert "Aangemeld" in page and "Taal en interesses" in page
    response = post_form(client, "/nieuwsbrief/mijn", {"action": "preferences", "language": "nl",
                                                       "sectors": ["wo"], "regions": ["AM05"]})
    assert response.status_code == 302
    sub = _subscriber("lid@example.org")
    assert (sub.language, sub.sectors, sub.regions) == ("nl", ["wo"], ["AM05"])

    # the unsubscribe button is a CSRF-protected form
    assert client.post("/nieuwsbrief/mijn", data={"action": "unsubscribe"}).status_code == 400
    response = post_form(client, "/nieuwsbrief/mijn", {"action": "unsubscribe"})
    assert response.status_code == 302
    assert _subscriber("lid@example.org").status == SubscriberStatus.UNSUBSCRIBED
    assert "U bent afgemeld voor de nieuwsbrief." in _text(client.get("/nieuwsbrief/mijn"))
    assert [a for a, c, _v in _log(sub)] == ["subscribe", "confirm", "change", "unsubscribe"]


def test_a_member_subscribed_on_the_website_sees_it_on_the_profile(client, login_as, mailbox):
    _confirmed(client, mailbox, "lid@example.org")
    login_as(email="lid@example.org")
    assert "U bent aangemeld voor de nieuwsbrief" in _text(client.get("/account/profiel"))
    html = client.get("/nieuwsbrief/mijn").get_data(as_text=True)
    assert csrf_token_from(html) and "Taal en interesses" in html
