"""Learning-circle rules: who sees which circle, joining, requests, invitations, roles.

Plain functions; they never commit. Membership and role changes are written to the audit log.
"""

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import takewhile

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from circles.accounts.models import Organisation, User
from circles.core import audit
from circles.core.db import db, utcnow
from circles.core.mail import queue_mail
from circles.core.notifications import wants
from circles.core.paging import RowPage, paginate_counted
from circles.core.rules import RuleBroken
from circles.core.text import slugify
from circles.groups.models import (
    Circle,
    CircleRole,
    CircleStatus,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipState,
    Visibility,
)
from circles.groups.visibility import visible_circles_clause
from circles.reference.models import Municipality, Region, Sector

INVITATION_DAYS = 14


class CircleError(RuleBroken, ValueError):
    """A rule was broken; the message says which, in words the user understands."""


def membership_of(user, circle: Circle) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Membership).where(Membership.circle_id == circle.id,
                                                         Membership.user_id == user.id))


def memberships_by_circle(user) -> dict[int, Membership]:
    """The user's memberships keyed by circle id, in one query (for listings)."""
    if user is None or not user.is_authenticated:
        return {}
    rows = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
    return {m.circle_id: m for m in rows}


def member_counts(circle_ids: list[int]) -> dict[int, int]:
    if not circle_ids:
        return {}
    rows = db.session.execute(
        sa.select(Membership.circle_id, sa.func.count())
        .where(Membership.circle_id.in_(circle_ids), Membership.state == MembershipState.ACTIVE)
        .group_by(Membership.circle_id)
    )
    return dict(rows.all())


def list_circles(user, *, sector: str | None = None, region: str | None = None, q: str = "",
                 include_archived: bool = False) -> list[Circle]:
    """Circles the user may see, filtered; sectors and regions loaded in the same fixed queries."""
    return list(db.session.scalars(circles_query(user, sector=sector, region=region, q=q,
                                                 include_archived=include_archived)))


def circle_choices(user) -> list[sa.Row]:
    """``id``, ``slug``, ``name`` and ``status`` of the circles a filter offers (archived ones too), by name: a
    logged-in reader's own circles (a list of every circle on the platform, thousands, helps nobody choose and
    was most of the meeting list's time); a visitor's, the public circles. Plain rows, not objects."""
    if user is not None and user.is_authenticated:
        mine = sa.exists().where(Membership.circle_id == Circle.id, Membership.user_id == user.id,
                                 Membership.state == MembershipState.ACTIVE)
        condition = sa.and_(mine, visible_circles_clause(user))
    else:
        condition = visible_circles_clause(user)
    return list(db.session.execute(
        sa.select(Circle.id, Circle.slug, Circle.name, Circle.status).where(condition)
        .order_by(Circle.name, Circle.id)))


def visible_circle_by_slug(user, slug: str) -> Circle | None:
    """The circle with this address part, if ``user`` may see it (a filter's choice from the address)."""
    return db.session.scalar(sa.select(Circle).where(Circle.slug == slug, visible_circles_clause(user)))


def circles_query(user, *, sector: str | None = None, region: str | None = None, q: str = "",
                  include_archived: bool = False) -> sa.Select:
    """The select behind ``list_circles``, by name, for a page of them (``db.paginate``)."""
    query = (sa.select(Circle).where(visible_circles_clause(user)).order_by(Circle.name)
             .options(selectinload(Circle.sectors), selectinload(Circle.regions)))
    if not include_archived:
        query = query.where(Circle.status == CircleStatus.ACTIVE)
    if sector:
        query = query.where(Circle.sectors.any(Sector.code == sector))
    if region:
        # a national circle (no regions) is open to every region
        query = query.where(sa.or_(Circle.regions.any(Region.code == region), ~Circle.regions.any()))
    if q:
        query = query.where(_contains(Circle.name, q))
    return query.order_by(Circle.id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    """``column`` contains ``text``, letter for letter: % and _ are no wildcards (case-insensitive)."""
    return column.ilike(f"%{_escape_like(text)}%", escape="\\")


@dataclass(frozen=True)
class IndexFilters:
    """The circle list's filters, checked against what exists ("" means: not filtered)."""

    sector: str = ""
    #: The region's code; ``asked_region`` is what the address said ("mijn" for the reader's own region).
    region: str = ""
    asked_region: str = ""
    q: str = ""

    def url_args(self) -> dict[str, str]:
        """The filters as URL parameters for the paging links, leaving out empty ones."""
        return {k: v for k, v in (("sector", self.sector), ("regio", self.asked_region), ("q", self.q)) if v}


def parse_index_filters(args: Mapping[str, str], sector_codes: set[str], region_codes: set[str], *,
                        logged_in: bool, own_region: Callable[[], Region | None]) -> tuple[IndexFilters, list[str]]:
    """Sector, region ("mijn": the reader's organisation's, ``own_region()``, looked up only then) and search
    text from URL parameters; an unknown value is ignored with a notice for the reader."""
    sector, region = args.get("sector", "", type=str), args.get("regio", "", type=str)
    notices = []
    if sector and sector not in sector_codes:
        notices.append(_("De gekozen sector bestaat niet; er is niet op sector gefilterd."))
        sector = ""
    if region == "mijn" and logged_in:
        own = own_region()
        region = own.code if own else ""
        if not own:
            notices.append(_("Uw organisatie heeft geen regio; er is niet op regio gefilterd."))
    elif region and region not in region_codes:
        notices.append(_("De gekozen regio bestaat niet; er is niet op regio gefilterd."))
        region = ""
    asked_region = "mijn" if args.get("regio") == "mijn" else region
    return IndexFilters(sector=sector, region=region, asked_region=asked_region,
                        q=args.get("q", "", type=str).strip()[:100]), notices


def directory_query(*, name: str = "", organisation: str = "", sector: str = "", region: str = "",
                    circle: Circle | None = None) -> sa.Select:
    """The member directory: people by name with their organisation and its sector, whose name or
    organisation's name contains the text given, of a sector or region, or active members of ``circle``."""
    query = (sa.select(User).join(User.organisation, isouter=True)
             .join(Municipality, Municipality.id == Organisation.municipality_id, isouter=True)
             .options(joinedload(User.organisation).joinedload(Organisation.sector))
             .order_by(User.name, User.id))
    if name:
        query = query.where(_contains(User.name, name))
    if organisation:
        query = query.where(_contains(Organisation.name, organisation))
    if sector:
        query = query.where(Organisation.sector_code == sector)
    if region:
        query = query.where(Municipality.region_code == region)
    if circle is not None:
        query = query.where(sa.exists().where(Membership.user_id == User.id, Membership.circle_id == circle.id,
                                              Membership.state == MembershipState.ACTIVE))
    return query


def circles_of_member(reader, person: User) -> list[Circle]:
    """The circles ``person`` is an active member of that ``reader`` may see, by name (a profile page)."""
    return list(db.session.scalars(
        sa.select(Circle).join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.user_id == person.id, Membership.state == MembershipState.ACTIVE,
               visible_circles_clause(reader))
        .order_by(Circle.name)))


def my_circles(user) -> list[tuple[Circle, Membership, int]]:
    """The user's circles with their membership and, where they coordinate, the number of requests
    waiting: two queries, whatever the number of circles."""
    rows = db.session.execute(
        sa.select(Circle, Membership).join(Membership, Membership.circle_id == Circle.id)
        .where(Membership.user_id == user.id).order_by(Circle.name)
    ).all()
    coordinated = [c.id for c, m in rows if m.is_coordinator]
    waiting = dict(db.session.execute(
        sa.select(Membership.circle_id, sa.func.count())
        .where(Membership.circle_id.in_(coordinated), Membership.state == MembershipState.PENDING)
        .group_by(Membership.circle_id)
    ).all()) if coordinated else {}
    return [(c, m, waiting.get(c.id, 0)) for c, m in rows]


def coordinators(circle: Circle) -> list[User]:
    return [m.user for m in active_memberships(circle) if m.role == CircleRole.COORDINATOR]


def active_memberships(circle: Circle) -> list[Membership]:
    return list(db.session.scalars(
        sa.select(Membership)
        .where(Membership.circle_id == circle.id, Membership.state == MembershipState.ACTIVE)
        .options(selectinload(Membership.user).joinedload(User.organisation).joinedload(Organisation.sector))
        .join(User, User.id == Membership.user_id).order_by(User.name)
    ))


#: Members on one page of a circle page (a national circle has hundreds).
MEMBERS_PER_PAGE = 50


def member_page(circle: Circle) -> RowPage:
    """The active members, a page at a time (``?page=``): coordinators first, then by name, with the total.
    One query: each member's user, organisation and sector come joined."""
    coordinator_first = sa.case((Membership.role == CircleRole.COORDINATOR, 0), else_=1)
    page = paginate_counted(
        sa.select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.circle_id == circle.id, Membership.state == MembershipState.ACTIVE)
        .options(contains_eager(Membership.user))
        .order_by(coordinator_first, User.name, Membership.id), per_page=MEMBERS_PER_PAGE)
    page.items = [membership for (membership,) in page.items]
    return page


def coordinators_of(circle: Circle, members: RowPage) -> list[User]:
    """The circle's coordinators. They lead the member list, so its first page holds them all unless the
    page is nothing but coordinators; otherwise they are looked up."""
    if members.page == 1:
        leading = list(takewhile(lambda m: m.is_coordinator, members.items))
        if len(leading) < len(members.items) or members.total == len(members.items):
            return [m.user for m in leading]
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.circle_id == circle.id, Membership.state == MembershipState.ACTIVE,
               Membership.role == CircleRole.COORDINATOR).order_by(User.name, Membership.id)))


def pending_memberships(circle: Circle) -> list[Membership]:
    return list(db.session.scalars(
        sa.select(Membership)
        .where(Membership.circle_id == circle.id, Membership.state == MembershipState.PENDING)
        .order_by(Membership.created_at)
    ))


# --- Creating and editing ------------------------------------------------------------------------

def _unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name, "leercirkel")
    slug, n = base, 1
    while True:
        query = sa.select(Circle.id).where(Circle.slug == slug)
        if exclude_id is not None:
            query = query.where(Circle.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        n += 1
        slug = f"{base}-{n}"


def create_circle(creator: User, *, name: str, description: str, goals: str, sector_codes: list[str],
                  region_codes: list[str], visibility: str, join_policy: str) -> Circle:
    """A new circle; its creator is its first coordinator."""
    circle = Circle(name=name, slug=_unique_slug(name), description=description, goals=goals,
                    visibility=Visibility(visibility), join_policy=JoinPolicy(join_policy), created_by_id=creator.id)
    _set_sectors_and_regions(circle, sector_codes, region_codes)
    db.session.add(circle)
    db.session.flush()
    membership = Membership(circle=circle, user=creator, role=CircleRole.COORDINATOR,
                            state=MembershipState.ACTIVE, joined_at=utcnow())
    db.session.add(membership)
    audit.record("circle.created", actor=creator, obj_type="circle", obj_id=circle.id)
    audit.record("membership.coordinator_added", actor=creator, subject=creator, obj_type="circle", obj_id=circle.id)
    return circle


def update_circle(actor: User, circle: Circle, *, name: str, description: str, goals: str, sector_codes: list[str],
                  region_codes: list[str], visibility: str, join_policy: str, status: str) -> None:
    circle.name = name
    circle.description = description
    circle.goals = goals
    circle.visibility = Visibility(visibility)
    circle.join_policy = JoinPolicy(join_policy)
    if circle.status != status:
        audit.record("circle.status_changed", actor=actor, obj_type="circle", obj_id=circle.id,
                     old=circle.status, new=status)
    circle.status = CircleStatus(status)
    _set_sectors_and_regions(circle, sector_codes, region_codes)


def _set_sectors_and_regions(circle: Circle, sector_codes: list[str], region_codes: list[str]) -> None:
    sectors = list(db.session.scalars(sa.select(Sector).where(Sector.code.in_(sector_codes))))
    regions = list(db.session.scalars(sa.select(Region).where(Region.code.in_(region_codes))))
    if not sectors or len(sectors) != len(set(sector_codes)):
        raise CircleError(_l("Kies een of meer bestaande sectoren."), 422)
    if len(regions) != len(set(region_codes)):
        raise CircleError(_l("Kies alleen bestaande arbeidsmarktregio's."), 422)
    circle.sectors = sectors
    circle.regions = regions


# --- Joining, requests, leaving ------------------------------------------------------------------

def join(user: User, circle: Circle, motivation: str = "") -> Membership:
    """Open circle: member at once. On request: a pending request the coordinators are told about."""
    if not circle.is_active:
        raise CircleError(_l("Deze leercirkel is gearchiveerd; meedoen kan niet meer."))
    existing = membership_of(user, circle)
    if existing is not None:
        raise CircleError(_l("U bent al lid van deze leercirkel.") if existing.is_active
                          else _l("U heeft al gevraagd om mee te doen. Een coördinator beslist daarover."))
    if circle.join_policy == JoinPolicy.INVITATION:
        raise CircleError(_l("Voor deze leercirkel heeft u een uitnodiging van een coördinator nodig."), 403)
    if circle.join_policy == JoinPolicy.OPEN:
        membership = Membership(circle=circle, user=user, state=MembershipState.ACTIVE, joined_at=utcnow())
        db.session.add(membership)
        audit.record("membership.joined", actor=user, subject=user, obj_type="circle", obj_id=circle.id)
        return membership
    membership = Membership(circle=circle, user=user, state=MembershipState.PENDING, motivation=motivation)
    db.session.add(membership)
    audit.record("membership.requested", actor=user, subject=user, obj_type="circle", obj_id=circle.id)
    for coordinator in coordinators(circle):
        if wants(coordinator, "join_requests"):
            queue_mail(coordinator.email, _l("Aanvraag voor %(circle)s", circle=circle.name),
                       "groups/email/join_request", locale=coordinator.locale, circle=circle,
                       requester=user, motivation=motivation, recipient=coordinator)
    return membership


def decide(actor: User, membership: Membership, *, approve: bool, reason: str = "") -> None:
    """Approve or decline a pending request; the requester hears either way."""
    if membership.state != MembershipState.PENDING:
        raise CircleError(_l("Over deze aanvraag is al beslist."))
    circle, user = membership.circle, membership.user
    if approve:
        membership.state = MembershipState.ACTIVE
        membership.joined_at = utcnow()
        audit.record("membership.approved", actor=actor, subject=user, obj_type="circle", obj_id=circle.id)
    else:
        db.session.delete(membership)
        audit.record("membership.declined", actor=actor, subject=user, obj_type="circle", obj_id=circle.id)
    if wants(user, "decisions"):
        subject = (_l("U doet mee in %(circle)s", circle=circle.name) if approve
                   else _l("Uw aanvraag voor %(circle)s", circle=circle.name))
        queue_mail(user.email, subject, "groups/email/decision", locale=user.locale, circle=circle,
                   approved=approve, reason=reason, recipient=user)


def _ensure_another_coordinator(membership: Membership) -> None:
    if not membership.is_coordinator:
        return
    others = [m for m in active_memberships(membership.circle)
              if m.role == CircleRole.COORDINATOR and m.id != membership.id]
    if not others:
        raise CircleError(_l("Een leercirkel heeft altijd minstens één coördinator. "
                             "Benoem eerst iemand anders tot coördinator."))


def leave(user: User, circle: Circle) -> None:
    membership = membership_of(user, circle)
    if membership is None:
        raise CircleError(_l("U bent geen lid van deze leercirkel."))
    _ensure_another_coordinator(membership)
    action = "membership.left" if membership.is_active else "membership.request_withdrawn"
    db.session.delete(membership)
    audit.record(action, actor=user, subject=user, obj_type="circle", obj_id=circle.id)


def remove_member(actor: User, membership: Membership) -> None:
    _ensure_another_coordinator(membership)
    db.session.delete(membership)
    audit.record("membership.removed", actor=actor, subject=membership.user, obj_type="circle",
                 obj_id=membership.circle_id)


def set_circle_role(actor: User, membership: Membership, role: str) -> bool:
    """Appoint a co-coordinator, or make a coordinator an ordinary member again."""
    role = CircleRole(role)
    if not membership.is_active:
        raise CircleError(_l("Alleen actieve leden kunnen een rol krijgen."))
    if membership.role == role:
        return False
    if role == CircleRole.MEMBER:
        _ensure_another_coordinator(membership)
    membership.role = role
    audit.record("membership.role_changed", actor=actor, subject=membership.user, obj_type="circle",
                 obj_id=membership.circle_id, new=str(role))
    return True


# --- Invitations ---------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(actor: User, circle: Circle, email: str) -> Invitation:
    """E-mail an invitation link; it works for people without an account and expires."""
    email = email.strip().lower()
    existing_user = db.session.scalar(sa.select(User).where(User.email == email))
    if existing_user is not None:
        membership = membership_of(existing_user, circle)
        if membership is not None and membership.is_active:
            raise CircleError(_l("%(email)s is al lid van deze leercirkel.", email=email), 422)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(circle=circle, email=email, token_hash=_hash(token), invited_by_id=actor.id,
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.sent", actor=actor, obj_type="circle", obj_id=circle.id, invitation=invitation.id)
    locale = existing_user.locale if existing_user else "nl"
    if existing_user is None or wants(existing_user, "invitations"):
        queue_mail(email, _l("Uitnodiging voor %(circle)s", circle=circle.name), "groups/email/invitation",
                   locale=locale, circle=circle, inviter=actor, token=token, expires_at=invitation.expires_at)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, open or not (the page explains why a link no longer works)."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _hash(token)))


def open_invitations(circle: Circle) -> list[Invitation]:
    return list(db.session.scalars(
        sa.select(Invitation).where(Invitation.circle_id == circle.id, Invitation.accepted_at.is_(None),
                                    Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())
    ))


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if not invitation.is_open(utcnow()):
        raise CircleError(_l("Deze uitnodiging is al gebruikt, verlopen of ingetrokken."))
    invitation.revoked_at = utcnow()
    audit.record("invitation.revoked", actor=actor, obj_type="circle", obj_id=invitation.circle_id,
                 invitation=invitation.id)


def accept_invitation(user: User, invitation: Invitation) -> Membership:
    """The invited person (logged in, whatever their address now) joins the circle."""
    if not invitation.is_open(utcnow()):
        raise CircleError(_l("Deze uitnodiging is al gebruikt, verlopen of ingetrokken."), 410)
    circle = invitation.circle
    membership = membership_of(user, circle)
    if membership is None:
        membership = Membership(circle=circle, user=user)
        db.session.add(membership)
    elif membership.is_active:
        raise CircleError(_l("U bent al lid van deze leercirkel."))
    membership.state = MembershipState.ACTIVE
    membership.joined_at = utcnow()
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.record("membership.invitation_accepted", actor=user, subject=user, obj_type="circle", obj_id=circle.id,
                 invitation=invitation.id)
    return membership
