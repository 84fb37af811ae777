"""The ROUTE INVENTORY: one entry per endpoint of the app's URL map (``static`` excepted).

Suites that must cover every page use it: the accessibility walk (tests/browser/test_accessibility.py),
and later the authorisation matrix and the fuzzers. tests/test_route_inventory.py fails when an
endpoint has no entry here, or when an entry names an endpoint that no longer exists.

A new route adds one entry to ``ROUTES``. For a GET route say:
  * ``params``: the ``url_for`` arguments, as a function of the ``World`` (a small set of objects that
    every suite builds the same way with ``make_world``); add to ``World`` what a new route needs;
  * ``role``: who sees it with ``status`` (None: anonymous; a Role: a user with that role who belongs
    to ``world.org``, see ``World.account``);
  * ``content``: HTML, JSON, TEXT or REDIRECT;
  * ``axe``: whether it is a page people read (HTML pages are); otherwise ``reason`` says why not.
A POST-only route is ``post_only=True`` (its ``role`` is who may post to it).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from circles.accounts import services as account_services
from circles.accounts.models import Organisation, Role, User
from circles.core.db import db
from circles.reference.models import Municipality
from tests.conftest import PASSWORD

HTML = "html"
JSON = "json"
TEXT = "text"
CSV = "csv"
CALENDAR = "calendar"
REDIRECT = "redirect"

#: The mimetype a response of each content kind has (REDIRECT: any, it has no body to speak of).
MIMETYPES = {HTML: "text/html", JSON: "application/json", TEXT: "text/plain", CSV: "text/csv",
             CALENDAR: "text/calendar", REDIRECT: None}


# --- the world: the objects that URLs are built from ------------------------------------------------

@dataclass
class World:
    """A small set of objects, enough to build a URL for every route. Make it with ``make_world``."""

    org: Organisation
    #: An ordinary member of ``org``: the subject of user-specific URLs (reset link, role change).
    member: User
    #: A valid password-reset token for ``member``.
    reset_token: str
    _accounts: dict = field(default_factory=dict, repr=False)
    #: A public, on-request circle coordinated by ``account(Role.COORDINATOR)``; ``member`` is in it.
    circle: object = None
    #: The member's membership, a pending request (by someone else), an open invitation and its token.
    membership_id: int = 0
    pending_id: int = 0
    invitation_id: int = 0
    invitation_token: str = ""
    #: An upcoming meeting of ``circle`` (capacity 10) with published minutes (revision 1), a decision,
    #: and an action item owned by ``member``; and ``member``'s personal calendar-feed token.
    meeting: object = None
    decision_id: int = 0
    action_item_id: int = 0
    calendar_token: str = ""

    def account(self, role: Role, password: str = PASSWORD) -> User:
        """The user with ``role`` who works for ``org`` (created on first use), to log in as."""
        if role not in self._accounts:
            user = account_services.register_user(
                name=f"Wereld {role.value}", email=f"wereld.{role.value}@example.org", password=password,
                function="projectleider", organisation=self.org, locale="nl",
            )
            user.role = role
            db.session.commit()
            self._accounts[role] = user
        return self._accounts[role]


def make_world() -> World:
    """Build the world in the current app's database (call inside an app context)."""
    mid = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Utrecht"))
    org = account_services.create_organisation("Gemeente Voorbeeldstad", "gemeenten", mid,
                                               website="https://www.example.org")
    member = account_services.register_user(
        name="Wereld Lid", email="wereld.lid@example.org", password=PASSWORD,
        function="projectleider banenafspraak", organisation=org, locale="nl",
    )
    db.session.commit()
    world = World(org=org, member=member, reset_token=account_services.make_reset_token(member))
    _add_circle(world)
    return world


def _add_circle(world: World) -> None:
    """The circle every circles route is tried on."""
    import secrets

    from circles.groups import services as circle_services
    from circles.groups.models import Membership, MembershipState

    coordinator = world.account(Role.COORDINATOR)
    circle = circle_services.create_circle(
        coordinator, name="Leercirkel Voorbeeldstad", description="Gemeenten in de regio delen **werkpakketten**.",
        goals="Elk jaar twee nieuwe werkpakketten.", sector_codes=["gemeenten"], region_codes=["AM13"],
        visibility="public", join_policy="request")
    member = Membership(circle=circle, user=world.member, state=MembershipState.ACTIVE)
    db.session.add(member)
    requester = account_services.register_user(
        name="Wereld Aanvrager", email="wereld.aanvrager@example.org", password=PASSWORD, function="adviseur",
        organisation=world.org, locale="nl")
    pending = Membership(circle=circle, user=requester, state=MembershipState.PENDING, motivation="Graag.")
    db.session.add(pending)
    invitation = circle_services.invite(coordinator, circle, "wereld.genodigde@example.org")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = circle_services._hash(token)  # the e-mailed token is not stored: set a known one
    db.session.commit()
    world.circle, world.membership_id, world.pending_id = circle, member.id, pending.id
    world.invitation_id, world.invitation_token = invitation.id, token
    _add_meeting(world)


def _add_meeting(world: World) -> None:
    """The meeting every meetings route is tried on."""
    from datetime import timedelta

    from circles.core.db import utcnow
    from circles.meetings import calendar, minutes
    from circles.meetings.models import Meeting

    coordinator = world.account(Role.COORDINATOR)
    start = (utcnow() + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)
    meeting = Meeting(title="Werkpakketten in de praktijk", circle=world.circle, starts_at=start,
                      ends_at=start + timedelta(hours=2), location_name="Stadhuis", address="Stadsplein 1, Utrecht",
                      agenda="1. Opening\n2. Werkpakketten", capacity=10, created_by_id=coordinator.id)
    db.session.add(meeting)
    db.session.flush()
    minutes.save_minutes(meeting, coordinator, "Besproken: **werkpakketten**.", based_on=0)
    minutes.publish_minutes(meeting, coordinator)
    decision = minutes.add_decision(meeting, coordinator, "We delen het werkpakket post en archief.")
    item = minutes.add_action_item(meeting, coordinator, text="Werkpakket beschrijven", owner=world.member,
                                   due_date=None)
    db.session.flush()
    world.meeting, world.decision_id, world.action_item_id = meeting, decision.id, item.id
    world.calendar_token = calendar.new_token(world.member)
    db.session.commit()


# --- the inventory -----------------------------------------------------------------------------------

def _no_params(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Route:
    """What the test suites need to know about one endpoint."""

    #: ``url_for`` arguments for a sample URL (path and query parameters).
    params: Callable[[World], dict] = _no_params
    #: Who gets ``status`` from a GET (or may POST, for post-only routes): None = anonymous.
    role: Role | None = None
    #: HTML, JSON, TEXT or REDIRECT.
    content: str = HTML
    #: A page people read: walked by axe, in both languages, at 320 px wide.
    axe: bool = True
    #: Why a route is not an axe page.
    reason: str = ""
    #: Only POST: no page to look at.
    post_only: bool = False
    #: What a GET by ``role`` answers.
    status: int = 200

    def __post_init__(self):
        if self.content not in MIMETYPES:
            raise ValueError(f"unknown content kind {self.content!r}")
        if self.axe and (self.content != HTML or self.post_only):
            raise ValueError("only an HTML page that answers GET can be an axe page")
        if not self.axe and not self.reason:
            raise ValueError("say why a route is not an axe page (reason=...)")

    def url(self, endpoint: str, world: World) -> str:
        """The sample URL (a path with query string) for this route in ``world``."""
        if current_app.config.get("SERVER_NAME"):
            return url_for(endpoint, **self.params(world))
        with current_app.test_request_context():
            return url_for(endpoint, **self.params(world))


def _org(world: World) -> dict:
    return {"slug": world.org.slug}


def _circle(world: World) -> dict:
    return {"slug": world.circle.slug}


def _meeting(world: World) -> dict:
    return {"meeting_id": world.meeting.id}


ROUTES: dict[str, Route] = {
    # --- pages ---
    "pages.home": Route(),
    "pages.accessibility": Route(),
    "pages.privacy": Route(),
    "pages.security_txt": Route(content=TEXT, axe=False, reason="plain-text security.txt (RFC 9116)"),
    "pages.set_language": Route(params=lambda w: {"code": "en", "next": "/privacy"}, content=REDIRECT,
                                status=302, axe=False, reason="redirects back to the page in ?next="),
    "pages.healthz": Route(content=JSON, axe=False, reason="health check for load balancers"),
    # --- accounts: registration, log-in, passwords ---
    "accounts.register": Route(),
    "accounts.login": Route(),
    "accounts.logout": Route(post_only=True, role=Role.MEMBER, axe=False, reason="POST only"),
    "accounts.forgot_password": Route(),
    "accounts.reset_password": Route(params=lambda w: {"token": w.reset_token}),
    "accounts.change_password": Route(role=Role.MEMBER),
    # --- accounts: profile, export, deletion ---
    "accounts.profile": Route(role=Role.MEMBER),
    "accounts.my_data": Route(role=Role.MEMBER),
    "accounts.my_data_download": Route(role=Role.MEMBER, content=JSON, axe=False,
                                       reason="JSON download of one's personal data"),
    "accounts.delete_account": Route(role=Role.MEMBER),
    # --- organisations ---
    "accounts.organisations": Route(role=Role.MEMBER),
    "accounts.organisation": Route(params=_org),
    "accounts.organisation_edit": Route(params=_org, role=Role.COORDINATOR),
    # --- administration ---
    "accounts.admin_users": Route(role=Role.ADMINISTRATOR),
    "accounts.admin_set_role": Route(params=lambda w: {"user_id": w.member.id}, role=Role.ADMINISTRATOR,
                                     post_only=True, axe=False, reason="POST only"),
    "accounts.admin_log": Route(role=Role.ADMINISTRATOR),
    # --- circles: finding, one circle, joining (Role.EDITOR stands for a logged-in non-member) ---
    "groups.index": Route(),
    "groups.sector": Route(params=lambda w: {"code": "gemeenten"}),
    "groups.show": Route(params=_circle),
    "groups.create": Route(role=Role.COORDINATOR),
    "groups.edit": Route(params=_circle, role=Role.COORDINATOR),
    "groups.join": Route(params=_circle, role=Role.EDITOR),
    "groups.leave": Route(params=_circle, role=Role.MEMBER, post_only=True, axe=False, reason="POST only"),
    # --- circles: coordinating ---
    "groups.manage": Route(params=_circle, role=Role.COORDINATOR),
    "groups.log": Route(params=_circle, role=Role.COORDINATOR),
    "groups.approve": Route(params=lambda w: {**_circle(w), "membership_id": w.pending_id}, role=Role.COORDINATOR,
                            post_only=True, axe=False, reason="POST only"),
    "groups.decline": Route(params=lambda w: {**_circle(w), "membership_id": w.pending_id}, role=Role.COORDINATOR,
                            post_only=True, axe=False, reason="POST only"),
    "groups.remove": Route(params=lambda w: {**_circle(w), "membership_id": w.membership_id},
                           role=Role.COORDINATOR, post_only=True, axe=False, reason="POST only"),
    "groups.set_role": Route(params=lambda w: {**_circle(w), "membership_id": w.membership_id},
                             role=Role.COORDINATOR, post_only=True, axe=False, reason="POST only"),
    "groups.invite": Route(params=_circle, role=Role.COORDINATOR, post_only=True, axe=False, reason="POST only"),
    "groups.revoke": Route(params=lambda w: {**_circle(w), "invitation_id": w.invitation_id},
                           role=Role.COORDINATOR, post_only=True, axe=False, reason="POST only"),
    "groups.invitation": Route(params=lambda w: {"token": w.invitation_token}),
    # --- meetings: list, one meeting, scheduling ---
    "meetings.index": Route(),
    "meetings.show": Route(params=_meeting),
    "meetings.create": Route(params=_circle, role=Role.COORDINATOR),
    "meetings.create_regional": Route(role=Role.COORDINATOR),
    "meetings.edit": Route(params=_meeting, role=Role.COORDINATOR),
    "meetings.cancel": Route(params=_meeting, role=Role.COORDINATOR),
    # --- meetings: answers, attendees, reminders ---
    "meetings.rsvp": Route(params=_meeting, role=Role.MEMBER, post_only=True, axe=False, reason="POST only"),
    "meetings.attendees": Route(params=_meeting, role=Role.COORDINATOR),
    "meetings.attendees_csv": Route(params=_meeting, role=Role.COORDINATOR, content=CSV, axe=False,
                                    reason="CSV download of the attendee list"),
    "meetings.attendance": Route(params=_meeting, role=Role.COORDINATOR, post_only=True, axe=False,
                                 reason="POST only"),
    "meetings.settings": Route(params=_circle, role=Role.COORDINATOR),
    # --- meetings: calendars ---
    "meetings.meeting_ics": Route(params=_meeting, content=CALENDAR, axe=False, reason="iCalendar file"),
    "meetings.personal_feed": Route(params=lambda w: {"token": w.calendar_token}, content=CALENDAR, axe=False,
                                    reason="iCalendar feed for calendar apps"),
    "meetings.circle_feed": Route(params=_circle, content=CALENDAR, axe=False,
                                  reason="iCalendar feed for calendar apps"),
    "meetings.my_calendar": Route(role=Role.MEMBER),
    "meetings.new_calendar_token": Route(role=Role.MEMBER, post_only=True, axe=False, reason="POST only"),
    # --- meetings: minutes, decisions, action items ---
    "meetings.minutes_edit": Route(params=_meeting, role=Role.COORDINATOR),
    "meetings.minutes_publish": Route(params=_meeting, role=Role.COORDINATOR, post_only=True, axe=False,
                                      reason="POST only"),
    "meetings.minutes_history": Route(params=_meeting, role=Role.COORDINATOR),
    "meetings.minutes_revision": Route(params=lambda w: {**_meeting(w), "number": 1}, role=Role.COORDINATOR),
    "meetings.minutes_restore": Route(params=lambda w: {**_meeting(w), "number": 1}, role=Role.COORDINATOR,
                                      post_only=True, axe=False, reason="POST only"),
    "meetings.minutes_editor": Route(params=_meeting, role=Role.COORDINATOR, post_only=True, axe=False,
                                     reason="POST only"),
    "meetings.decision_add": Route(params=_meeting, role=Role.COORDINATOR, post_only=True, axe=False,
                                   reason="POST only"),
    "meetings.decision_delete": Route(params=lambda w: {"decision_id": w.decision_id}, role=Role.COORDINATOR,
                                      post_only=True, axe=False, reason="POST only"),
    "meetings.action_add": Route(params=_meeting, role=Role.COORDINATOR, post_only=True, axe=False,
                                 reason="POST only"),
    "meetings.action_status": Route(params=lambda w: {"item_id": w.action_item_id}, role=Role.MEMBER,
                                    post_only=True, axe=False, reason="POST only"),
    "meetings.my_actions": Route(role=Role.MEMBER),
    "meetings.circle_decisions": Route(params=_circle),
    # --- member directory ---
    "groups.directory": Route(role=Role.MEMBER),
    "groups.member": Route(params=lambda w: {"user_id": w.member.id}, role=Role.MEMBER),
}


def axe_pages(routes: Mapping[str, Route] = ROUTES) -> list[str]:
    """The endpoints of the pages people read, in inventory order."""
    return [endpoint for endpoint, route in routes.items() if route.axe]


def app_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def check_coverage(app: Flask, routes: Iterable[str] = ROUTES) -> tuple[list[str], list[str]]:
    """(endpoints of the app without an inventory entry, entries for endpoints the app lacks)."""
    endpoints, listed = app_endpoints(app), set(routes)
    return sorted(endpoints - listed), sorted(listed - endpoints)
