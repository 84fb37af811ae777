"""Account and organisation pages. Each view: load, authorise, validate, call a service, commit, redirect."""

import json
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from circles.accounts import bp, services
from circles.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    OrganisationFields,
    OrganisationForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    RoleForm,
)
from circles.accounts.models import Organisation, Role, User
from circles.core import notifications
from circles.core.loading import load_or_404
from circles.core.mail import queue_mail, recently_mailed
from circles.core.models import AuditEntry
from circles.core.paging import paginate_rows
from circles.core.permissions import require
from circles.core.security import safe_next
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.extensions import db, limiter, login_manager
from circles.reference.services import sectors_in_order

#: Reset links: the outbox batch they are queued in, and how often one address may get one.
RESET_BATCH = "accounts:reset"
RESET_RESEND_INTERVAL = timedelta(minutes=5)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session holds "<id>.<session token>"; a changed token (new password) ends the session."""
    uid, _sep, token = user_id.partition(".")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    return user if user is not None and user.session_token == token else None


def _reference_choices(form) -> None:
    OrganisationFields.fill(form, sectors_in_order(), services.municipalities_by_name())


# --- Registration and log-in ---------------------------------------------------------------------

@bp.route("/account/registreren", methods=["GET", "POST"])
def register():
    """Anyone with a work address can create a member account."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegistrationForm()
    _reference_choices(form)
    if form.is_submitted():
        user = _registered(form)
        if user is not None:
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Welkom, %(name)s. Uw account is aangemaakt.", name=user.name), "success")
            return redirect(safe_next(url_for("pages.home")))
        db.session.rollback()
    return form_page("accounts/register.html", form, organisation_names=services.organisation_names())


def _registered(form: RegistrationForm) -> User | None:
    """The new account, with its organisation when that is new too; None when the form says what is wrong."""
    valid = form.validate()
    named = form.organisation.data and not form.organisation.errors
    org = services.find_organisation_by_name(form.organisation.data) if named else None
    if org is None and named:
        valid = _new_organisation_fields_valid(form) and valid
    if not valid:
        return None
    if org is None:
        org = services.create_organisation(form.organisation.data, form.sector.data, int(form.municipality.data))
    try:
        return services.register_user(name=form.name.data, email=form.email.data, password=form.password.data,
                                      function=form.function.data or "", organisation=org,
                                      locale=str(_current_locale()))
    except services.AccountError as err:
        getattr(form, err.field).errors.append(err.message)
        return None


def _new_organisation_fields_valid(form: RegistrationForm) -> bool:
    """A new organisation needs a sector and a municipality; say which is missing."""
    ok = True
    if form.sector.data not in {choice.value for choice in form.sector.choices if choice.value}:
        form.sector.errors = [*form.sector.errors, _("Uw organisatie staat nog niet in de lijst: kies de sector.")]
        ok = False
    if form.municipality.data not in {choice.value for choice in form.municipality.choices if choice.value}:
        form.municipality.errors = [*form.municipality.errors,
                                    _("Uw organisatie staat nog niet in de lijst: kies de gemeente.")]
        ok = False
    return ok


def _current_locale():
    from flask_babel import get_locale

    return get_locale() or "nl"


def _login_failed(response) -> bool:
    """Only failed attempts count against the log-in limit."""
    return request.method == "POST" and response.status_code in (401, 422)


def _login_email_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))[:320]


@bp.route("/account/inloggen", methods=["GET", "POST"])
@limiter.limit(lambda: _login_limit(), methods=["POST"], deduct_when=_login_failed)
@limiter.limit(lambda: _login_limit(), methods=["POST"], key_func=_login_email_key, deduct_when=_login_failed)
def login():
    """Log in with e-mail and password. Failures get one message that does not say which part was wrong."""
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("pages.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            session.clear()  # a new session at log-in: nothing from before survives
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale
            flash(_("U bent ingelogd."), "success")
            return redirect(safe_next(url_for("pages.home")))
        form.email.errors.append(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet."))
        return render_template("accounts/login.html", form=form), 401
    return form_page("accounts/login.html", form)


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/account/uitloggen", methods=["POST"])
def logout():
    """Log out: the session and the remember-me cookie end."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        # The session lives in a signed cookie: a copy of it (or of the remember-me cookie) would still log in.
        # A new session token ends them all, on every device this person is logged in on.
        current_user.end_other_sessions()
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the mark that deletes the remember-me cookie
    flash(_("U bent uitgelogd, ook op uw andere apparaten."), "info")
    return redirect(url_for("pages.home"))


def _end_session() -> None:
    """After a new password or a deleted account: nobody is logged in on this browser any more."""
    logout_user()
    session.clear()


# --- Passwords -----------------------------------------------------------------------------------

@bp.route("/account/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    """Send a reset link. The answer is the same whether or not the address has an account, and whether or not
    a link was sent (at most one per address per five minutes, whatever the IP address: no flooded inbox)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and not recently_mailed(user.email, RESET_BATCH, RESET_RESEND_INTERVAL):
            message = queue_mail(user.email, _l("Nieuw wachtwoord instellen"), "accounts/email/reset_password",
                                 locale=user.locale, user=user, token=services.make_reset_token(user))
            message.batch = RESET_BATCH
            db.session.commit()
        flash(_("Als er een account met dit adres is, ontvangt u binnen enkele minuten een e-mail met een link. "
                "De link werkt een uur."), "info")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/forgot_password.html", form)


@bp.route("/account/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password with the e-mailed link; the link works once and for an hour."""
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_new_password(user, form.password.data)
        db.session.commit()
        _end_session()
        flash(_("Uw wachtwoord is gewijzigd. U kunt nu inloggen."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_password.html", form)


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other devices are logged out, this one stays in."""
    form = ChangePasswordForm(meta={"user": current_user})
    if form.validate_on_submit():
        services.set_new_password(current_user, form.password.data)
        db.session.commit()
        login_user(current_user)  # the session token changed: renew this session's cookie
        flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page("accounts/change_password.html", form)


# --- Profile, export, deletion -------------------------------------------------------------------

@bp.route("/account/profiel", methods=["GET", "POST"])
@login_required
def profile():
    """Edit one's own name, address, function, language and e-mail visibility."""
    kinds = notifications.KINDS
    form = ProfileForm(obj=current_user,
                       notifications=[k for k in kinds if k not in (current_user.muted_notifications or [])])
    form.fill_notification_choices(kinds)
    if form.validate_on_submit():
        chosen = set(form.notifications.data or [])
        try:
            services.update_profile(current_user, name=form.name.data, email=form.email.data,
                                    function=form.function.data or "", locale=form.locale.data,
                                    show_email=form.show_email.data,
                                    muted_notifications=sorted(k for k in kinds if k not in chosen))
        except services.AccountError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            db.session.commit()
            session["lang"] = current_user.locale
            flash(_("Uw profiel is opgeslagen."), "success")
            return redirect(url_for("accounts.profile"))
    return form_page("accounts/profile.html", form)


@bp.route("/account/mijn-gegevens")
@login_required
def my_data():
    """Explains what is stored and offers the download (AVG art. 15 and 20)."""
    return render_template("accounts/my_data.html")


@bp.route("/account/mijn-gegevens.json")
@login_required
def my_data_download():
    """Everything the platform stores about me, as a JSON file."""
    data = services.export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="mijn-gegevens-leercirkels.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/account/verwijderen", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete my account (AVG art. 17), choosing what happens to what I wrote."""
    form = DeleteAccountForm(meta={"user": current_user})
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            services.delete_account(user, keep_contributions=form.contributions.data == "keep")
        except services.AccountError as err:
            db.session.rollback()
            flash(err.message, "error")
            return form_page("accounts/delete_account.html", form)
        db.session.commit()
        _end_session()
        flash(_("Uw account en uw gegevens zijn verwijderd."), "success")
        return redirect(url_for("pages.home"))
    return form_page("accounts/delete_account.html", form)


def _search_text() -> str:
    """What a list page's search box asked for (``?q=``)."""
    return request.args.get("q", "", type=str).strip()[:100]


# --- Organisations -------------------------------------------------------------------------------

@bp.route("/organisaties")
@login_required
def organisations():
    """All organisations, with their sector and region, searchable by name."""
    require("organisation.list")
    q = _search_text()
    page = db.paginate(services.organisations_query(q), per_page=50, error_out=False)
    return render_template("accounts/organisations.html", page=page, q=q)


def _load_organisation(slug: str) -> Organisation:
    return load_or_404(Organisation, where=[Organisation.slug == slug])


@bp.route("/organisaties/<slug>")
def organisation(slug: str):
    """An organisation's page; its members are listed for logged-in members only."""
    org = _load_organisation(slug)
    return render_template("accounts/organisation.html", org=org)


@bp.route("/organisaties/<slug>/bewerken", methods=["GET", "POST"])
@login_required
def organisation_edit(slug: str):
    """Edit an organisation's name, sector, municipality and website."""
    org = _load_organisation(slug)
    require("organisation.edit", org)
    # no obj=org: WTForms would take org.sector (an object) over the code given here, and select nothing
    form = OrganisationForm(name=org.name, website=org.website, sector=org.sector_code,
                            municipality=str(org.municipality_id or ""))
    _reference_choices(form)
    if form.validate_on_submit():
        try:
            services.update_organisation(org, name=form.name.data, sector_code=form.sector.data,
                                         municipality_id=int(form.municipality.data), website=form.website.data or "")
        except services.AccountError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            db.session.commit()
            flash(_("De organisatie is opgeslagen."), "success")
            return redirect(url_for("accounts.organisation", slug=org.slug))
    return form_page("accounts/organisation_edit.html", form, org=org)


# --- Administration of roles ---------------------------------------------------------------------

@bp.route("/beheer/gebruikers")
@login_required
def admin_users():
    """Administrators see every account with its role and can change it."""
    require("user.manage_roles")
    return _admin_users_page()


def _admin_users_page(status: int = 200, error: str | None = None):
    q = _search_text()
    page = db.paginate(services.users_query(q), per_page=50, error_out=False)
    return render_template("accounts/admin_users.html", page=page, q=q, error=error,
                           role_choices=RoleForm.role_choices()), status


@bp.route("/beheer/gebruikers/<int:user_id>/rol", methods=["POST"])
@login_required
def admin_set_role(user_id: int):
    """Change one account's platform role; recorded in the audit log."""
    require("user.manage_roles")
    user = load_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _admin_users_page(422, _("Kies een geldige rol."))
    try:
        changed = services.set_role(current_user, user, Role(form.role.data))
    except services.AccountError as err:
        db.session.rollback()
        return _admin_users_page(409, str(err.message))
    db.session.commit()
    if changed:
        flash(_("De rol van %(name)s is nu: %(role)s.", name=user.name, role=user.role_label), "success")
    return redirect(url_for("accounts.admin_users"))


@bp.route("/beheer/logboek")
@login_required
def admin_log():
    """The whole audit log, newest first, for administrators."""
    require("audit.view_all")
    action = request.args.get("actie", "", type=str).strip()[:60]
    query = services.audit_log_query(*([AuditEntry.action == action] if action else []))
    return render_template("accounts/admin_log.html", page=paginate_rows(query, per_page=100), action=action)
