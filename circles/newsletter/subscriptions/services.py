"""Subscriptions: double opt-in, the consent log, and the links in every newsletter e-mail.

Rules, in one place:
  * A new address is pending until the single-use link in the confirmation e-mail is followed; only
    the SHA-256 of that token is stored. Pending sign-ups that nobody confirms go after 30 days.
  * Signing up again never downgrades a confirmed subscriber, and never changes their details: the
    person at the form has not proven they own the address. The owner gets an "already subscribed"
    e-mail instead, with a link to their preferences.
  * Every subscribe, confirm, unsubscribe and change is a row in the append-only consent log, with the
    version of the consent text it refers to.
  * Unsubscribe and preferences links are signed (no expiry: a link in a two-year-old e-mail still works).

These functions never commit, flash or read the request: the views do.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer

from circles.core.activity import public_url
from circles.core.db import db, utcnow
from circles.core.mail import queue_mail, recently_mailed
from circles.newsletter.models import CONSENT_VERSION, ConsentAction, ConsentEvent, Subscriber, SubscriberStatus

#: A confirmation link works this long; pending sign-ups older than this are deleted.
CONFIRM_VALID = timedelta(days=30)
#: Signing up again while pending resends the confirmation, but not more often than this. The same
#: interval holds for the "already subscribed" and "your unsubscribe link" e-mails to one address.
RESEND_INTERVAL = timedelta(minutes=5)

_SALTS = {"unsubscribe": "newsletter-unsubscribe", "preferences": "newsletter-preferences"}
#: The outbox batch of the e-mails this module sends (used to throttle them per address).
_BATCH_ALREADY = "subscription:already_subscribed"
_BATCH_UNSUBSCRIBE_LINK = "subscription:unsubscribe_link"


def normalise_email(email: str) -> str:
    """Trimmed and lower-case: the form the address is stored and looked up in."""
    return (email or "").strip().lower()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _log(sub: Subscriber, action: ConsentAction, channel: str, version: str | None = None) -> None:
    db.session.add(ConsentEvent(subscriber_id=sub.id, action=action.value, channel=channel,
                                text_version=version or sub.consent_version or CONSENT_VERSION))


def _channel_for(source: str) -> str:
    """The consent-log channel of a sign-up: the website's form, a member's profile, the demo data."""
    return "form" if source == "website" else source


def get_by_email(email: str) -> Subscriber | None:
    return db.session.scalar(sa.select(Subscriber).where(Subscriber.email == normalise_email(email)))


# --- signing up and confirming -------------------------------------------------------------------

def subscribe(email: str, *, name: str = "", language: str = "nl", sectors=(), regions=(),
              source: str = "website", user=None, now: datetime | None = None) -> Subscriber:
    """Sign ``email`` up (see the module docstring for what happens in each state). The caller shows
    the same answer whatever happened, so the form never tells whether an address is on the list."""
    now = now or utcnow()
    email = normalise_email(email)
    sub = get_by_email(email)
    if sub is not None and sub.status == SubscriberStatus.CONFIRMED:
        _send_already_subscribed(sub, now)
        return sub

    resend = True
    if sub is None:
        sub = Subscriber(email=email, status=SubscriberStatus.PENDING, source=source, created_at=now)
        db.session.add(sub)
    elif sub.status == SubscriberStatus.PENDING:
        resend = sub.confirm_sent_at is None or sub.confirm_sent_at <= now - RESEND_INTERVAL
    else:  # unsubscribed or bouncing: start over, fresh consent needed
        sub.status = SubscriberStatus.PENDING
        sub.source = source
    sub.name = (name or "").strip()[:200]
    sub.language = language if language in current_app.config["LANGUAGES"] else "nl"
    sub.sectors = sorted(set(sectors or ()))
    sub.regions = sorted(set(regions or ()))
    sub.consent_version = CONSENT_VERSION
    if user is not None:
        _link_user(sub, user)
    if resend:
        token = secrets.token_urlsafe(32)
        sub.confirm_token_hash = _hash(token)
        sub.confirm_sent_at = now
    db.session.flush()
    _log(sub, ConsentAction.SUBSCRIBE, _channel_for(source), CONSENT_VERSION)
    if resend:
        queue_mail(sub.email, _l("Bevestig uw aanmelding voor de nieuwsbrief"),
                   "newsletter/subscriptions/email/confirm",
                   locale=sub.language, sub=sub, confirm_url=public_url("newsletter.confirm", token=token),
                   valid_days=CONFIRM_VALID.days)
    return sub


def _link_user(sub: Subscriber, user) -> None:
    """A member has at most one subscription: linking this one unlinks any other."""
    if sub.user_id == user.id:
        return
    other = db.session.scalar(sa.select(Subscriber).where(Subscriber.user_id == user.id))
    if other is not None and other is not sub:
        other.user_id = None
        db.session.flush()  # before the new link, or the unique constraint sees two rows
    sub.user_id = user.id


def _recently_mailed(email: str, batch: str, now: datetime) -> bool:
    return recently_mailed(email, batch, RESEND_INTERVAL, now)


def _send_already_subscribed(sub: Subscriber, now: datetime) -> None:
    if _recently_mailed(sub.email, _BATCH_ALREADY, now):
        return
    mail = queue_mail(sub.email, _l("U bent al aangemeld voor de nieuwsbrief"),
                      "newsletter/subscriptions/email/already_subscribed",
                      locale=sub.language, sub=sub, preferences_url=preferences_url(sub),
                      unsubscribe_url=unsubscribe_url(sub))
    mail.batch = _BATCH_ALREADY


def confirm(token: str, *, now: datetime | None = None) -> tuple[Subscriber | None, str]:
    """Follow a confirmation link. Outcome "confirmed"; "already" when the link was used before;
    "invalid" when it is unknown, forged, expired, or belongs to a sign-up that was since ended."""
    now = now or utcnow()
    if not token or len(token) > 200:
        return None, "invalid"
    sub = db.session.scalar(sa.select(Subscriber).where(Subscriber.confirm_token_hash == _hash(token)))
    if sub is None:
        return None, "invalid"
    if sub.status == SubscriberStatus.CONFIRMED:
        return sub, "already"
    if sub.status != SubscriberStatus.PENDING or _expired(sub, now):
        return None, "invalid"
    sub.status = SubscriberStatus.CONFIRMED
    sub.confirmed_at = now
    _log(sub, ConsentAction.CONFIRM, "link")
    return sub, "confirmed"


def _expired(sub: Subscriber, now: datetime) -> bool:
    sent = sub.confirm_sent_at or sub.created_at
    return sent is None or sent <= now - CONFIRM_VALID


def purge_pending(now: datetime | None = None) -> int:
    """Delete sign-ups nobody confirmed within 30 days (created, and last sent a link, more than 30 days
    ago). Their consent rows go with them. Returns how many were deleted."""
    cutoff = (now or utcnow()) - CONFIRM_VALID
    ids = list(db.session.scalars(sa.select(Subscriber.id).where(
        Subscriber.status == SubscriberStatus.PENDING,
        Subscriber.created_at < cutoff,
        sa.or_(Subscriber.confirm_sent_at.is_(None), Subscriber.confirm_sent_at < cutoff),
    )))
    if not ids:
        return 0
    # Explicitly, not by ON DELETE CASCADE: SQLite without foreign keys on would leave them behind.
    db.session.execute(sa.delete(ConsentEvent).where(ConsentEvent.subscriber_id.in_(ids)))
    db.session.execute(sa.delete(Subscriber).where(Subscriber.id.in_(ids)))
    return len(ids)


# --- signed links: unsubscribe and preferences ---------------------------------------------------

def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[purpose])


def _email_tag(email: str) -> str:
    """Binds a token to the address, so a token never works for a later subscriber with the same id."""
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def _token(sub: Subscriber, purpose: str) -> str:
    return _serializer(purpose).dumps([sub.id, _email_tag(sub.email)])


def unsubscribe_token(sub: Subscriber) -> str:
    return _token(sub, "unsubscribe")


def preferences_token(sub: Subscriber) -> str:
    return _token(sub, "preferences")


def _token_payload(token: str, purpose: str) -> tuple[int, str] | None:
    if purpose not in _SALTS or not token or len(token) > 200:
        return None
    try:
        data = _serializer(purpose).loads(token)
    except (BadData, UnicodeError, ValueError):
        return None
    if (not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], int)
            or isinstance(data[0], bool) or not isinstance(data[1], str)):
        return None
    return data[0], data[1]


def token_is_genuine(token: str, purpose: str) -> bool:
    """True when we signed this token, whether or not its subscriber still exists."""
    return _token_payload(token, purpose) is not None


def subscriber_from_token(token: str, purpose: str) -> Subscriber | None:
    """The subscriber of a signed unsubscribe or preferences token; None for a forged or garbled token
    or a subscriber that no longer exists."""
    payload = _token_payload(token, purpose)
    if payload is None:
        return None
    sub = db.session.get(Subscriber, payload[0])
    if sub is None or _email_tag(sub.email) != payload[1]:
        return None
    return sub


def unsubscribe_url(sub: Subscriber) -> str:
    return public_url("newsletter.unsubscribe", token=unsubscribe_token(sub))


def preferences_url(sub: Subscriber) -> str:
    return public_url("newsletter.preferences", token=preferences_token(sub))


def unsubscribe_mailto() -> str:
    configured = current_app.config.get("NEWSLETTER_UNSUBSCRIBE_MAILTO")
    if configured:
        return configured
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rsplit("@", 1)[-1].strip().strip(">").strip() or "localhost"
    return f"nieuwsbrief-afmelden@{domain}"


def list_unsubscribe_headers(sub: Subscriber) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: the mail client offers "unsubscribe" and POSTs to the https link
    (one click), or sends a mail to the mailto address with the token in the subject."""
    return recipient_links(sub)[0]


def recipient_links(sub: Subscriber) -> tuple[dict[str, str], dict[str, str]]:
    """What one newsletter message needs for its reader: the List-Unsubscribe headers, and the
    unsubscribe and preferences links for its footer (each token signed once)."""
    token = unsubscribe_token(sub)
    url = public_url("newsletter.unsubscribe", token=token)
    headers = {
        "List-Unsubscribe": f"<{url}>, <mailto:{unsubscribe_mailto()}?subject=unsubscribe%20{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return headers, {"unsubscribe_url": url, "preferences_url": preferences_url(sub)}


# --- unsubscribing and preferences ---------------------------------------------------------------

def unsubscribe(sub: Subscriber, channel: str, *, now: datetime | None = None) -> bool:
    """Stop sending to ``sub``. Idempotent: True when this call unsubscribed, False when it already was."""
    if sub.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    sub.status = SubscriberStatus.UNSUBSCRIBED
    sub.unsubscribed_at = now or utcnow()
    _log(sub, ConsentAction.UNSUBSCRIBE, channel)
    return True


def update_preferences(sub: Subscriber, language: str, sectors, regions, channel: str) -> bool:
    """Change language and interests; logged as a change when something changed. True when it did."""
    language = language if language in current_app.config["LANGUAGES"] else sub.language
    sectors, regions = sorted(set(sectors or ())), sorted(set(regions or ()))
    if (language, sectors, regions) == (sub.language, list(sub.sectors or []), list(sub.regions or [])):
        return False
    sub.language, sub.sectors, sub.regions = language, sectors, regions
    _log(sub, ConsentAction.CHANGE, channel)
    return True


def subscription_for(user) -> Subscriber | None:
    """A member's subscription: the one linked to their account, else the one with their account's address."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    sub = db.session.scalar(sa.select(Subscriber).where(Subscriber.user_id == user.id))
    return sub if sub is not None else get_by_email(user.email)


def request_unsubscribe_link(email: str, *, now: datetime | None = None) -> None:
    """Mail the unsubscribe link to ``email`` if it is a confirmed subscriber, otherwise do nothing. The
    caller answers the same either way. At most one such e-mail per address per five minutes."""
    now = now or utcnow()
    sub = get_by_email(email)
    if sub is None or sub.status != SubscriberStatus.CONFIRMED:
        return
    if _recently_mailed(sub.email, _BATCH_UNSUBSCRIBE_LINK, now):
        return
    mail = queue_mail(sub.email, _l("Uw link om u af te melden voor de nieuwsbrief"),
                      "newsletter/subscriptions/email/unsubscribe_link", locale=sub.language, sub=sub,
                      unsubscribe_url=unsubscribe_url(sub), preferences_url=preferences_url(sub))
    mail.batch = _BATCH_UNSUBSCRIBE_LINK
