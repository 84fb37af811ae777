"""Subscription pages: sign up (double opt-in), confirm, unsubscribe in one step, preferences, and a
member's own subscription. Pages that anyone can reach with an address answer the same whatever the
address's state, so they never tell whether someone is on the list."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from circles.core import slots
from circles.core.db import db
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.extensions import csrf, limiter
from circles.newsletter import bp, subscriptions
from circles.newsletter.models import SubscriberStatus
from circles.newsletter.subscription_forms import (
    LANGUAGE_LABELS,
    MemberSubscribeForm,
    PreferencesForm,
    SubscribeForm,
    UnsubscribeRequestForm,
)
from circles.reference.services import regions_by_name, sectors_in_order

#: Per client address, on the forms anyone can post an address to.
RATE_LIMIT = "5 per minute;30 per hour"


def _page_language() -> str:
    locale = str(get_locale() or "nl")
    return locale if locale in current_app.config["LANGUAGES"] else "nl"


def _with_choices(form):
    form.fill_choices(sectors_in_order(), regions_by_name())
    return form


def _prefill() -> dict:
    """Values a partner website's form (a plain GET form to this page) or a link may pass in."""
    language = request.args.get("language", "")
    return {
        "email": request.args.get("email", "")[:320].strip(),
        "name": request.args.get("name", "")[:200].strip(),
        "language": language if language in current_app.config["LANGUAGES"] else _page_language(),
    }


# --- signing up ----------------------------------------------------------------------------------

@bp.route("/nieuwsbrief", methods=["GET", "POST"])
@limiter.limit(RATE_LIMIT, methods=["POST"])
def subscribe():
    """Sign up. Whatever the address's state (new, pending, confirmed, unsubscribed), the answer is the
    same page; a filled-in honeypot gets that page too, and nothing is stored."""
    form = _with_choices(SubscribeForm(**_prefill()))
    if form.is_submitted() and form.website.data:
        return redirect(url_for("newsletter.subscribed"))
    if form.validate_on_submit():
        try:
            subscriptions.subscribe(form.email.data, name=form.name.data, language=form.language.data,
                                    sectors=form.sectors.data, regions=form.regions.data, source="website")
            db.session.commit()
        except sa.exc.IntegrityError:
            # The same address sent twice at once (a double click): the other request signed it up.
            db.session.rollback()
        return redirect(url_for("newsletter.subscribed"))
    return form_page("newsletter/subscribe.html", form)


@bp.route("/nieuwsbrief/aangemeld")
def subscribed():
    """After signing up: check your e-mail. The same page for every address and every state."""
    return render_template("newsletter/subscribe_done.html", valid_days=subscriptions.CONFIRM_VALID.days)


@bp.route("/nieuwsbrief/bevestigen/<token>")
def confirm(token: str):
    """Following the link in the confirmation e-mail confirms the subscription (double opt-in)."""
    sub, outcome = subscriptions.confirm(token)
    if outcome == "invalid":
        return render_template("newsletter/confirm_invalid.html", valid_days=subscriptions.CONFIRM_VALID.days), 404
    db.session.commit()
    return render_template("newsletter/confirm.html", sub=sub, outcome=outcome,
                           language_label=LANGUAGE_LABELS.get(sub.language, sub.language),
                           preferences_token=subscriptions.preferences_token(sub))


# --- unsubscribing -------------------------------------------------------------------------------

def _bad_link():
    return render_template("newsletter/unsubscribe_invalid.html"), 400


@bp.route("/nieuwsbrief/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET: a page with one button. POST: unsubscribe, without log-in or CSRF token (the signed token is
    the proof), also as the RFC 8058 one-click POST a mail client sends (``List-Unsubscribe=One-Click``)."""
    sub = subscriptions.subscriber_from_token(token, "unsubscribe")
    if sub is None:
        if subscriptions.token_is_genuine(token, "unsubscribe"):
            # Our link, but the subscriber is gone (account deleted): nothing is sent to them any more.
            return render_template("newsletter/unsubscribe_done.html", sub=None)
        return _bad_link()
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        subscriptions.unsubscribe(sub, channel="one-click" if one_click else "link")
        db.session.commit()
        return render_template("newsletter/unsubscribe_done.html", sub=sub)
    return render_template("newsletter/unsubscribe.html", sub=sub, token=token,
                           preferences_token=subscriptions.preferences_token(sub))


@bp.route("/nieuwsbrief/afmelden", methods=["GET", "POST"])
@limiter.limit(RATE_LIMIT, methods=["POST"])
def unsubscribe_request():
    """No link at hand: ask for one by e-mail. The answer never tells whether the address is on the list."""
    form = UnsubscribeRequestForm()
    if form.validate_on_submit():
        subscriptions.request_unsubscribe_link(form.email.data)
        db.session.commit()
        flash(_("Als dit adres is aangemeld, ontvangt u binnen enkele minuten een e-mail met een afmeldlink."), "info")
        return redirect(url_for("newsletter.unsubscribe_request"))
    return form_page("newsletter/unsubscribe_request.html", form)


# --- preferences ---------------------------------------------------------------------------------

@bp.route("/nieuwsbrief/voorkeuren/<token>", methods=["GET", "POST"])
def preferences(token: str):
    """Language and interests, with the signed link from an e-mail (no log-in needed)."""
    sub = subscriptions.subscriber_from_token(token, "preferences")
    if sub is None:
        return _bad_link()
    form = _with_choices(PreferencesForm(language=sub.language, sectors=list(sub.sectors or []),
                                         regions=list(sub.regions or [])))
    active = sub.status == SubscriberStatus.CONFIRMED
    if active and form.validate_on_submit():
        subscriptions.update_preferences(sub, form.language.data, form.sectors.data, form.regions.data, channel="link")
        db.session.commit()
        flash(_("Uw voorkeuren zijn opgeslagen."), "success")
        return redirect(url_for("newsletter.preferences", token=token))
    # Not (or no longer) subscribed: the page says so and offers to sign up; a posted form changes nothing.
    return form_page("newsletter/preferences.html", form, 409 if request.method == "POST" and not active else None,
                     sub=sub, active=active, unsubscribe_token=subscriptions.unsubscribe_token(sub))


# --- a member's own subscription -----------------------------------------------------------------

@bp.route("/nieuwsbrief/mijn", methods=["GET", "POST"])
@login_required
def my_subscription():
    """A member's subscription: sign up with the account's address (still confirmed by e-mail), or change
    language and interests, or unsubscribe."""
    require("newsletter.manage_own")
    sub = subscriptions.subscription_for(current_user)
    active = sub is not None and sub.status == SubscriberStatus.CONFIRMED
    action = request.form.get("action") if request.method == "POST" else None

    if action == "unsubscribe":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if sub is not None:
            subscriptions.unsubscribe(sub, channel="profile")
            db.session.commit()
        flash(_("U bent afgemeld voor de nieuwsbrief."), "success")
        return redirect(url_for("newsletter.my_subscription"))

    if active:
        form = _with_choices(PreferencesForm(language=sub.language, sectors=list(sub.sectors or []),
                                             regions=list(sub.regions or [])))
        if form.validate_on_submit():
            subscriptions.update_preferences(sub, form.language.data, form.sectors.data, form.regions.data,
                                             channel="profile")
            db.session.commit()
            flash(_("Uw voorkeuren zijn opgeslagen."), "success")
            return redirect(url_for("newsletter.my_subscription"))
    else:
        language = current_user.locale if current_user.locale in current_app.config["LANGUAGES"] else "nl"
        form = _with_choices(MemberSubscribeForm(language=language))
        if form.validate_on_submit():
            subscriptions.subscribe(current_user.email, name=current_user.name, language=form.language.data,
                                    sectors=form.sectors.data, regions=form.regions.data, source="profile",
                                    user=current_user)
            db.session.commit()
            flash(_("We hebben een e-mail gestuurd naar %(email)s. Volg de link in die e-mail om uw aanmelding "
                    "te bevestigen.", email=current_user.email), "success")
            return redirect(url_for("newsletter.my_subscription"))
    return form_page("newsletter/my_subscription.html", form, sub=sub, active=active,
                     language_label=LANGUAGE_LABELS.get(sub.language, sub.language) if sub else "")


# --- the profile page's newsletter section -------------------------------------------------------

def profile_slot(user=None, **_context) -> Markup:
    """On the profile page: the member's newsletter status and a link to manage it."""
    if user is None or not user.is_authenticated:
        return Markup("")
    sub = subscriptions.subscription_for(user)
    return Markup(render_template("newsletter/slots/profile_page.html", sub=sub,
                                  active=sub is not None and sub.status == SubscriberStatus.CONFIRMED))


slots.register("profile_page", profile_slot, order=50)
