"""Circle pages. Each view: load (404, also for circles the reader may not see), authorise (403),
validate, call one service, commit, flash, redirect."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circles.accounts.models import User
from circles.accounts.services import audit_log_query, organisations_in_sector
from circles.core import slots
from circles.core.db import db, utcnow
from circles.core.loading import load_or_404
from circles.core.models import AuditEntry
from circles.core.pagecache import for_everyone
from circles.core.permissions import can, require
from circles.core.setup import EmptyForm
from circles.core.views import form_page
from circles.groups import bp, services
from circles.groups.forms import CircleForm, CircleRoleForm, DeclineForm, InviteForm, JoinRequestForm
from circles.groups.loading import load_circle, load_membership
from circles.groups.models import Circle, CircleStatus, Invitation
from circles.groups.permissions import membership_in
from circles.reference.models import Sector
from circles.reference.services import regions_by_name, sectors_in_order


def _show_page(circle: Circle, status: int = 200):
    members = services.member_page(circle)
    manager = can(current_user, "circle.manage_members", circle)
    return render_template("groups/show.html", circle=circle, members=members,
                           coordinators=services.coordinators_of(circle, members),
                           membership=membership_in(current_user, circle),
                           pending_count=len(services.pending_memberships(circle)) if manager else 0), status


def _manage_page(circle: Circle, status: int = 200, invite_form: InviteForm | None = None):
    return render_template("groups/manage.html", circle=circle, pending=services.pending_memberships(circle),
                           memberships=services.active_memberships(circle),
                           invitations=services.open_invitations(circle), invite_form=invite_form or InviteForm(),
                           decline_form=DeclineForm(), role_form=CircleRoleForm()), status


def _refused(err: services.CircleError, page, circle: Circle):
    """A broken rule: undo, and show the page again with the message and a 4xx status."""
    db.session.rollback()
    flash(str(err.message), "error")
    return page(circle, status=err.status)


# --- Finding circles -----------------------------------------------------------------------------

CIRCLES_PER_PAGE = 50


def _own_region():
    """The region of the reader's organisation (asked only when the list is filtered on "mijn")."""
    return current_user.organisation.region if current_user.organisation else None


def _page_of(query):
    """The page asked for; past the last page, the last page."""
    page = db.paginate(query, per_page=CIRCLES_PER_PAGE, error_out=False)
    if page.page > 1 and not page.items and page.total:
        page = db.paginate(query, page=page.pages, per_page=CIRCLES_PER_PAGE, error_out=False)
    return page


@bp.route("/leercirkels")
@for_everyone
def index():
    """Circles the reader may see, grouped by sector; filter by sector, region or my region; search."""
    sectors, regions = sectors_in_order(), regions_by_name()
    filters, notices = services.parse_index_filters(
        request.args, {s.code for s in sectors}, {r.code for r in regions},
        logged_in=current_user.is_authenticated, own_region=_own_region)
    # A page of circles at a time: the whole list grows with the platform (a second and a megabyte of HTML at
    # 4,000 circles).
    page = _page_of(services.circles_query(current_user, sector=filters.sector or None,
                                           region=filters.region or None, q=filters.q))
    circles = page.items
    counts, mine = services.member_counts([c.id for c in circles]), services.memberships_by_circle(current_user)
    slots.prepare("circle_card", circles)
    groups = [(s, [c for c in circles if s in c.sectors]) for s in sectors
              if not filters.sector or s.code == filters.sector]
    return render_template("groups/index.html", groups=[g for g in groups if g[1]], total=page.total, page=page,
                           page_filters=filters.url_args(), counts=counts, mine=mine, sectors=sectors,
                           regions=regions, sector=filters.sector, region=filters.region, q=filters.q,
                           notices=notices)


@bp.route("/sectoren/<code>")
@for_everyone
def sector(code: str):
    """One sector: its circles and organisations."""
    sector = load_or_404(Sector, code)
    circles = services.list_circles(current_user, sector=code)
    organisations = organisations_in_sector(code)
    slots.prepare("circle_card", circles)
    return render_template("groups/sector.html", sector=sector, circles=circles, organisations=organisations,
                           counts=services.member_counts([c.id for c in circles]))


# --- One circle ----------------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>")
@for_everyone
def show(slug: str):
    """About, coordinators, members (for those who may see them) and what the other features add."""
    return _show_page(load_circle(slug, for_page=True))


@bp.route("/leercirkels/nieuw", methods=["GET", "POST"])
@login_required
def create():
    """A coordinator starts a circle and becomes its first coordinator."""
    require("circle.create")
    form = CircleForm(status=CircleStatus.ACTIVE.value)
    return _circle_form(form, None, lambda: services.create_circle(current_user, **_circle_fields(form)),
                        lambda circle: _("De leercirkel %(name)s is aangemaakt.", name=circle.name))


def _circle_form(form: CircleForm, circle: Circle | None, save, saved_message):
    """The circle form: when valid, ``save()`` (one service call, giving the circle), commit, say
    ``saved_message(circle)`` and show the circle; otherwise the form again with what is wrong."""
    form.fill_choices(sectors_in_order(), regions_by_name())
    if form.validate_on_submit():
        try:
            saved = save()
        except services.CircleError as err:
            db.session.rollback()
            form.sectors.errors = [*form.sectors.errors, err.message]
        else:
            db.session.commit()
            flash(saved_message(saved), "success")
            return redirect(url_for("groups.show", slug=saved.slug))
    return form_page("groups/form.html", form, circle=circle)


def _value(choice) -> str:
    """The form value of an enum member (or of a plain string)."""
    return getattr(choice, "value", choice)


def _circle_fields(form: CircleForm) -> dict:
    return {"name": form.name.data, "description": form.description.data or "", "goals": form.goals.data or "",
            "sector_codes": form.sectors.data or [], "region_codes": form.regions.data or [],
            "visibility": form.visibility.data, "join_policy": form.join_policy.data}


@bp.route("/leercirkels/<slug>/bewerken", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Coordinators edit the description, goals, sectors, regions, visibility, join policy and status."""
    circle = load_circle(slug)
    require("circle.edit", circle)
    # no obj=circle: WTForms would take circle.sectors (objects) over the codes given here, and tick nothing
    form = CircleForm(name=circle.name, description=circle.description, goals=circle.goals,
                      sectors=[s.code for s in circle.sectors], regions=[r.code for r in circle.regions],
                      visibility=_value(circle.visibility), join_policy=_value(circle.join_policy),
                      status=_value(circle.status))

    def save() -> Circle:
        services.update_circle(current_user, circle, status=form.status.data, **_circle_fields(form))
        return circle

    return _circle_form(form, circle, save, lambda _circle: _("De leercirkel is opgeslagen."))


# --- Joining and leaving -------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>/meedoen", methods=["GET", "POST"])
@login_required
def join(slug: str):
    """Join an open circle at once, or ask to join an on-request circle (with an optional motivation)."""
    circle = load_circle(slug)
    membership = services.membership_of(current_user, circle)
    if membership is not None:
        flash(_("U bent al lid van deze leercirkel.") if membership.is_active
              else _("U heeft al gevraagd om mee te doen. Een coördinator beslist daarover."), "info")
        if request.method == "GET":
            return redirect(url_for("groups.show", slug=slug))
        return _show_page(circle, status=409)
    require("circle.join", circle)
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            membership = services.join(current_user, circle, form.motivation.data or "")
        except services.CircleError as err:
            return _refused(err, _show_page, circle)
        db.session.commit()
        if membership.is_active:
            flash(_("U doet nu mee in %(name)s.", name=circle.name), "success")
        else:
            flash(_("Uw aanvraag is verstuurd. U krijgt een e-mail als een coördinator heeft beslist."), "success")
        return redirect(url_for("groups.show", slug=slug))
    return form_page("groups/join.html", form, circle=circle)


@bp.route("/leercirkels/<slug>/verlaten", methods=["POST"])
@login_required
def leave(slug: str):
    """Leave the circle, or withdraw a request. The last coordinator cannot leave."""
    circle = load_circle(slug)
    _empty_form_sent()
    require("circle.leave", circle)
    try:
        services.leave(current_user, circle)
    except services.CircleError as err:
        return _refused(err, _show_page, circle)
    db.session.commit()
    flash(_("U doet niet meer mee in %(name)s.", name=circle.name), "success")
    return redirect(url_for("groups.index"))


# --- Coordinating --------------------------------------------------------------------------------

@bp.route("/leercirkels/<slug>/beheer")
@login_required
def manage(slug: str):
    """Pending requests, members and roles, invitations: the coordinator's page."""
    circle = load_circle(slug)
    require("circle.manage_members", circle)
    return _manage_page(circle)


def _managed(slug: str, membership_id: int | None = None, *, empty_form: bool = False):
    """The circle (and one of its memberships) for its coordinators; ``empty_form``: a button's POST, whose
    only field is its CSRF token (checked after loading, so a wrong address is a 404 first)."""
    circle = load_circle(slug)
    require("circle.manage_members", circle)
    membership = load_membership(circle, membership_id) if membership_id is not None else None
    if empty_form:
        _empty_form_sent()
    return circle, membership


def _empty_form_sent() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _to_manage(slug: str, message: str | None = None):
    """A coordinator's change is done: commit, say so and show the coordinator's page again."""
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect(url_for("groups.manage", slug=slug))


@bp.route("/leercirkels/<slug>/aanvragen/<int:membership_id>/goedkeuren", methods=["POST"])
@login_required
def approve(slug: str, membership_id: int):
    """Approve a request to join; the requester gets an e-mail."""
    circle, membership = _managed(slug, membership_id, empty_form=True)
    try:
        services.decide(current_user, membership, approve=True)
    except services.CircleError as err:
        return _refused(err, _manage_page, circle)
    return _to_manage(slug, _("%(name)s doet nu mee.", name=membership.user.name))


@bp.route("/leercirkels/<slug>/aanvragen/<int:membership_id>/afwijzen", methods=["POST"])
@login_required
def decline(slug: str, membership_id: int):
    """Decline a request, optionally with a reason; the requester gets an e-mail."""
    circle, membership = _managed(slug, membership_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.reason.errors) or _("Het formulier was onvolledig."), "error")
        return _manage_page(circle, status=422)
    name = membership.user.name
    try:
        services.decide(current_user, membership, approve=False, reason=form.reason.data or "")
    except services.CircleError as err:
        return _refused(err, _manage_page, circle)
    return _to_manage(slug, _("De aanvraag van %(name)s is afgewezen.", name=name))


@bp.route("/leercirkels/<slug>/leden/<int:membership_id>/verwijderen", methods=["POST"])
@login_required
def remove(slug: str, membership_id: int):
    """Remove a member from the circle (never the last coordinator)."""
    circle, membership = _managed(slug, membership_id, empty_form=True)
    name = membership.user.name
    try:
        services.remove_member(current_user, membership)
    except services.CircleError as err:
        return _refused(err, _manage_page, circle)
    return _to_manage(slug, _("%(name)s is uit de leercirkel gehaald.", name=name))


@bp.route("/leercirkels/<slug>/leden/<int:membership_id>/rol", methods=["POST"])
@login_required
def set_role(slug: str, membership_id: int):
    """Appoint a co-coordinator, or make a coordinator a member again."""
    circle, membership = _managed(slug, membership_id)
    form = CircleRoleForm()
    if not form.validate_on_submit():
        flash(_("Kies een geldige rol."), "error")
        return _manage_page(circle, status=422)
    try:
        changed = services.set_circle_role(current_user, membership, form.role.data)
    except services.CircleError as err:
        return _refused(err, _manage_page, circle)
    return _to_manage(slug, _("De rol van %(name)s is gewijzigd.", name=membership.user.name) if changed else None)


@bp.route("/leercirkels/<slug>/uitnodigen", methods=["POST"])
@login_required
def invite(slug: str):
    """Invite someone by e-mail, with or without an account."""
    circle, _none = _managed(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite(current_user, circle, form.email.data)
        except services.CircleError as err:
            db.session.rollback()
            form.email.errors = [*form.email.errors, err.message]
        else:
            return _to_manage(slug, _("De uitnodiging is verstuurd naar %(email)s.", email=form.email.data))
    return _manage_page(circle, status=422, invite_form=form)


@bp.route("/leercirkels/<slug>/uitnodigingen/<int:invitation_id>/intrekken", methods=["POST"])
@login_required
def revoke(slug: str, invitation_id: int):
    """Revoke an invitation that has not been used yet."""
    circle, _none = _managed(slug)
    invitation = load_or_404(Invitation, invitation_id, parent=("circle_id", circle.id))
    _empty_form_sent()
    try:
        services.revoke_invitation(current_user, invitation)
    except services.CircleError as err:
        return _refused(err, _manage_page, circle)
    return _to_manage(slug, _("De uitnodiging is ingetrokken."))


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The e-mailed link: log in or register first, then accept and land in the circle."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render_template("groups/invitation_invalid.html", reason="unknown"), 404
    if not invitation.is_open(utcnow()):
        return render_template("groups/invitation_invalid.html", reason="closed"), 410
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        _empty_form_sent()
        try:
            services.accept_invitation(current_user, invitation)
        except services.CircleError as err:
            return _refused(err, _show_page, invitation.circle)
        db.session.commit()
        flash(_("Welkom in %(name)s.", name=invitation.circle.name), "success")
        return redirect(url_for("groups.show", slug=invitation.circle.slug))
    return render_template("groups/invitation.html", invitation=invitation, circle=invitation.circle)


@bp.route("/leercirkels/<slug>/logboek")
@login_required
def log(slug: str):
    """Who changed which membership or role, and when."""
    circle = load_circle(slug)
    require("circle.view_log", circle)
    rows = db.session.execute(audit_log_query(AuditEntry.object_type == "circle",
                                              AuditEntry.object_id == circle.id).limit(500)).all()
    return render_template("groups/log.html", circle=circle, rows=rows)


# --- Member directory ----------------------------------------------------------------------------

@bp.route("/leden")
@login_required
def directory():
    """Find peers by name, organisation, sector, region or circle (logged-in members only)."""
    require("directory.view")
    args = {k: request.args.get(k, "", type=str).strip()[:100] for k in ("q", "organisatie", "sector", "regio",
                                                                        "leercirkel")}
    circles = services.list_circles(current_user)
    chosen = next((c for c in circles if c.slug == args["leercirkel"]), None) if args["leercirkel"] else None
    if chosen is None:
        args["leercirkel"] = ""
    query = services.directory_query(name=args["q"], organisation=args["organisatie"], sector=args["sector"],
                                     region=args["regio"], circle=chosen)
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("groups/directory.html", page=page, args=args, sectors=sectors_in_order(),
                           regions=regions_by_name(), circles=circles)


@bp.route("/leden/<int:user_id>")
@login_required
def member(user_id: int):
    """A member's profile: organisation, function, the circles the reader may see, e-mail if shown."""
    require("directory.view")
    person = load_or_404(User, user_id)
    return render_template("groups/member.html", person=person,
                           circles=services.circles_of_member(current_user, person))


def _home_slot(**_context):
    """On the home page: a logged-in member's circles, and requests waiting for a coordinator."""
    if not current_user.is_authenticated:
        return ""
    return render_template("groups/slots/home.html", rows=services.my_circles(current_user))


slots.register("home", _home_slot, order=10)
