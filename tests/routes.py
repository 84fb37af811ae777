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
MARKDOWN = "markdown"
PDF = "pdf"
ATOM = "atom"

#: The mimetype a response of each content kind has (REDIRECT: any, it has no body to speak of).
MIMETYPES = {HTML: "text/html", JSON: "application/json", TEXT: "text/plain", CSV: "text/csv",
             CALENDAR: "text/calendar", MARKDOWN: "text/markdown", PDF: "application/pdf",
             ATOM: "application/atom+xml", REDIRECT: None}


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
    #: ``other_org``'s published public package in ``circle`` (revision 1, with a PDF attachment), one of
    #: theirs waiting for review (public, in ``circle``), and ``org``'s adopted copy of the first.
    other_org: Organisation | None = None
    package: object = None
    review_package: object = None
    copy: object = None
    attachment_id: int = 0
    #: ``other_org``'s published public case in ``circle`` (revision 1), and one waiting for review.
    case: object = None
    review_case: object = None
    #: A news submission by ``member`` waiting for the editors, and an approved one (its public page).
    news_pending_id: int = 0
    news_approved_id: int = 0
    #: A confirmed subscriber, its confirmation token and its signed unsubscribe and preferences tokens.
    subscriber: object = None
    confirm_token: str = ""
    unsubscribe_token: str = ""
    preferences_token: str = ""
    #: Newsletter issues: one that went out (number 1, in the archive), one approved and waiting to be sent,
    #: and a draft with ``package`` in it and a section for one region.
    sent_issue: object = None
    approved_issue: object = None
    draft_issue: object = None
    custom_section_id: int = 0
    #: ``org``'s figures for last year (recorded by its coordinator); a signal reported by ``account(MEMBER)``
    #: (status new, recognised by the coordinator) and one reported by the coordinator (a merge target).
    signal_id: int = 0
    other_signal_id: int = 0

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
    from circles.meetings.calendar import services as calendar
    from circles.meetings.minutes import services as minutes
    from circles.meetings.models import Meeting

    coordinator = world.account(Role.COORDINATOR)
    start = (utcnow() + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)
    meeting = Meeting(title="Jobcarving in de praktijk", circle=world.circle, starts_at=start,
                      ends_at=start + timedelta(hours=2), location_name="Stadhuis", address="Stadsplein 1, Utrecht",
                      agenda="1. Opening\n2. Taken afsplitsen", capacity=10, created_by_id=coordinator.id)
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
    _add_workpackages(world)


def _add_workpackages(world: World) -> None:
    """The packages and cases every workpackages route is tried on. They belong to another organisation,
    so that ``member`` (of ``org``) may adopt; the circle's coordinator may edit and review them."""
    from circles.workpackages import services
    from circles.workpackages.cases import services as case_services
    from circles.workpackages.models import Status

    mid = db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Amersfoort"))
    other = account_services.create_organisation("Gemeente Anderstad", "gemeenten", mid)
    author = account_services.register_user(
        name="Wereld Schrijver", email="wereld.schrijver@example.org", password=PASSWORD, function="adviseur",
        organisation=other, locale="nl")
    content = {"title": "Medewerker post en archief", "summary": "Post sorteren en archief digitaliseren.",
               "setting": "post_archief", "hours_min": 12.0, "hours_max": 20.0, "sectors": ["gemeenten"],
               "instruments": ["loonkostensubsidie"], "licence": "CC-BY-4.0", "language": "nl",
               "tasks": [{"description": "Post sorteren", "frequency": "dagelijks", "hours_per_week": 8.0}]}
    package = services.create_package(author, content, circle=world.circle)
    package.status, package.visibility, package.published_at = Status.PUBLISHED, "public", package.created_at
    waiting = services.create_package(author, {**content, "title": "Assistent-conciërge"}, circle=world.circle)
    waiting.status, waiting.visibility = Status.IN_REVIEW, "public"
    copy = services.adopt(package, world.member).copy
    db.session.flush()
    world.other_org, world.package, world.review_package, world.copy = other, package, waiting, copy
    world.attachment_id = _add_attachment(package, author)
    case_content = {"title": "Conciërge na een stage", "summary": "Een oud-leerling werkt nu op school.",
                    "function_title": "Assistent-conciërge", "setting": "conciergerie", "sector_code": "vo",
                    "start_year": 2024, "placements": 1, "hours_per_week": 16.0, "instruments": ["no_riskpolis"],
                    "quotes": [], "licence": "CC-BY-4.0", "language": "nl"}
    case = case_services.create_case(author, case_content, circle=world.circle)
    case.status, case.visibility, case.published_at = Status.PUBLISHED, "public", case.created_at
    waiting_case = case_services.create_case(
        author, {**case_content, "title": "Facilitair medewerker na een proefplaatsing"}, circle=world.circle)
    waiting_case.status, waiting_case.visibility = Status.IN_REVIEW, "public"
    world.case, world.review_case = case, waiting_case
    db.session.commit()
    _add_newsletter(world)


def _add_newsletter(world: World) -> None:
    """News submissions, a subscriber with its tokens, and issues in every state the routes need."""
    import hashlib
    from datetime import timedelta

    from circles.core.db import utcnow
    from circles.newsletter import services
    from circles.newsletter.models import CONSENT_VERSION, Issue, IssueSection, IssueStatus, NewsStatus, Subscriber
    from circles.newsletter.news import services as news
    from circles.newsletter.subscriptions import services as subscriptions

    pending = news.submit(world.member, title="Open dag werkplekken", body="Kom **kijken** op 12 maart.",
                          link="https://www.example.org/open-dag", sector_code="gemeenten", region_code="AM13")
    approved = news.submit(world.member, title="Inloopochtend werkgevers Utrecht", body="Koffie en **voorbeelden**.")
    approved.status, approved.decided_at = NewsStatus.APPROVED, utcnow()
    approved.decided_by_id = world.account(Role.EDITOR).id
    db.session.flush()
    world.news_pending_id, world.news_approved_id = pending.id, approved.id

    token = "inventory-token"
    subscriber = Subscriber(email="lezer@example.org", status="confirmed", consent_version=CONSENT_VERSION,
                            confirm_token_hash=hashlib.sha256(token.encode()).hexdigest(), confirm_sent_at=utcnow(),
                            confirmed_at=utcnow())
    db.session.add(subscriber)
    db.session.flush()
    world.subscriber, world.confirm_token = subscriber, token
    world.unsubscribe_token = subscriptions.unsubscribe_token(subscriber)
    world.preferences_token = subscriptions.preferences_token(subscriber)

    editor = world.account(Role.EDITOR)
    now = utcnow()
    sent = services.new_issue(editor, now - timedelta(days=14))
    services.freeze(sent, editor, now - timedelta(days=14))
    sent.status, sent.send_started_at, sent.sent_at = IssueStatus.SENT, now - timedelta(days=14), now
    sent.send_deadline = now
    approved_issue = services.new_issue(editor, now)
    services.freeze(approved_issue, editor, now)
    draft = Issue(number=3, issue_date=now.date() + timedelta(days=14), cut_off=now, subject="Editie drie")
    db.session.add(draft)
    for position, kind in enumerate(services.DEFAULT_SECTIONS):
        draft.sections.append(IssueSection(kind=kind, title="", position=position))
    db.session.flush()
    services._add_items(draft, services.proposals(None, now))
    custom = services.add_section(draft, title="Uit de regio Utrecht", sectors=[], regions=["AM13"])
    db.session.commit()
    world.sent_issue, world.approved_issue, world.draft_issue = sent, approved_issue, draft
    world.custom_section_id = custom.id
    _add_progress(world)


def _add_progress(world: World) -> None:
    """Figures for ``org`` and two signals."""
    from decimal import Decimal

    from circles.core.timefmt import local_today
    from circles.progress import records
    from circles.progress.signals import services as signals

    coordinator = world.account(Role.COORDINATOR)
    records.record(world.org, coordinator, year=local_today().year - 1, quarter=None, target=Decimal(20),
                   realised=Decimal("12.5"), source="own_count")
    signal = signals.report_signal(world.account(Role.MEMBER), title="Schoonmaak is uitbesteed",
                                   category="uitbesteding", description="De banen gingen naar de schoonmaker.",
                                   sector_code="gemeenten")
    other = signals.report_signal(coordinator, title="Schoonmaakwerk zit bij een aannemer", category="uitbesteding",
                                  description="Zelfde knelpunt.")
    signals.recognise(coordinator, signal, "Bij ons ook.")
    db.session.commit()
    world.signal_id, world.other_signal_id = signal.id, other.id


def _add_attachment(package, author) -> int:
    from circles.core.uploads import CheckedUpload
    from circles.workpackages.attachments import services as attachments

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = CheckedUpload(data=pdf, content_type="application/pdf", filename="functieomschrijving.pdf")
    return attachments.add_attachment(package, author, upload, "Functieomschrijving").id


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


def _package(world: World) -> dict:
    return {"package_id": world.package.id, "slug": world.package.slug}


def _package_id(world: World) -> dict:
    return {"package_id": world.package.id}


def _review_package_id(world: World) -> dict:
    return {"package_id": world.review_package.id}


def _copy_id(world: World) -> dict:
    return {"package_id": world.copy.id}


def _case(world: World) -> dict:
    return {"case_id": world.case.id, "slug": world.case.slug}


def _case_id(world: World) -> dict:
    return {"case_id": world.case.id}


def _review_case_id(world: World) -> dict:
    return {"case_id": world.review_case.id}


def _post(**kwargs) -> Route:
    return Route(post_only=True, axe=False, reason="POST only", **kwargs)


def _draft(world: World) -> dict:
    return {"issue_id": world.draft_issue.id}


def _approved(world: World) -> dict:
    return {"issue_id": world.approved_issue.id}


def _sent(world: World) -> dict:
    return {"issue_id": world.sent_issue.id}


def _org(world: World) -> dict:
    return {"slug": world.org.slug}


def _signal(world: World) -> dict:
    return {"signal_id": world.signal_id}


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
    # --- work packages: the library, one package (Role.COORDINATOR coordinates the package's circle and may
    # edit and review; Role.MEMBER works for another organisation and may adopt) ---
    "workpackages.index": Route(),
    "workpackages.mine": Route(role=Role.MEMBER),
    "workpackages.show": Route(params=_package),
    "workpackages.show_by_id": Route(params=_package_id, content=REDIRECT, status=302, axe=False,
                                     reason="short link, redirects to the address with the title"),
    "workpackages.create": Route(role=Role.MEMBER),
    "workpackages.edit": Route(params=_package_id, role=Role.COORDINATOR),
    "workpackages.publish": Route(params=_package_id, role=Role.COORDINATOR, post_only=True, axe=False,
                                  reason="POST only"),
    "workpackages.approve": Route(params=_review_package_id, role=Role.COORDINATOR, post_only=True, axe=False,
                                  reason="POST only"),
    "workpackages.send_back": Route(params=_review_package_id, role=Role.COORDINATOR, post_only=True, axe=False,
                                    reason="POST only"),
    "workpackages.archive": Route(params=_package_id, role=Role.COORDINATOR, post_only=True, axe=False,
                                  reason="POST only"),
    "workpackages.reopen": Route(params=_package_id, role=Role.COORDINATOR, post_only=True, axe=False,
                                 reason="POST only"),
    "workpackages.review_queue": Route(role=Role.COORDINATOR),
    "workpackages.history": Route(params=_package_id, role=Role.COORDINATOR),
    "workpackages.revision": Route(params=lambda w: {**_package_id(w), "number": 1}, role=Role.COORDINATOR),
    "workpackages.restore": Route(params=lambda w: {**_package_id(w), "number": 1}, role=Role.COORDINATOR,
                                  post_only=True, axe=False, reason="POST only"),
    "workpackages.adopt": Route(params=_package_id, role=Role.MEMBER),
    "workpackages.report": Route(params=_copy_id, role=Role.MEMBER, post_only=True, axe=False, reason="POST only"),
    "workpackages.export_markdown": Route(params=_package_id, content=MARKDOWN, axe=False,
                                          reason="Markdown download of one package"),
    "workpackages.feed": Route(content=ATOM, axe=False, reason="Atom feed for feed readers"),
    "workpackages.api_list": Route(content=JSON, axe=False, reason="public JSON API for partner websites"),
    "workpackages.api_show": Route(params=_package_id, content=JSON, axe=False,
                                   reason="public JSON API for partner websites"),
    # --- good-practice cases (same roles as the packages) ---
    "workpackages.cases": Route(),
    "workpackages.case_show": Route(params=_case),
    "workpackages.case_create": Route(role=Role.MEMBER),
    "workpackages.case_edit": Route(params=_case_id, role=Role.COORDINATOR),
    "workpackages.case_publish": _post(params=_case_id, role=Role.COORDINATOR),
    "workpackages.case_approve": _post(params=_review_case_id, role=Role.COORDINATOR),
    "workpackages.case_send_back": _post(params=_review_case_id, role=Role.COORDINATOR),
    "workpackages.case_archive": _post(params=_case_id, role=Role.COORDINATOR),
    "workpackages.case_reopen": _post(params=_case_id, role=Role.COORDINATOR),
    "workpackages.case_history": Route(params=_case_id, role=Role.COORDINATOR),
    "workpackages.case_revision": Route(params=lambda w: {**_case_id(w), "number": 1}, role=Role.COORDINATOR),
    "workpackages.case_restore": _post(params=lambda w: {**_case_id(w), "number": 1}, role=Role.COORDINATOR),
    # --- attachments ---
    "workpackages.attachment_add": Route(params=_package_id, role=Role.COORDINATOR),
    "workpackages.case_attachment_add": Route(params=_case_id, role=Role.COORDINATOR),
    "workpackages.attachment_download": Route(
        params=lambda w: {"attachment_id": w.attachment_id, "filename": "functieomschrijving.pdf"},
        content=PDF, axe=False, reason="a file download"),
    "workpackages.attachment_delete": _post(params=lambda w: {"attachment_id": w.attachment_id},
                                            role=Role.COORDINATOR),
    # --- the instrument guide ---
    "workpackages.instruments": Route(),
    "workpackages.instrument": Route(params=lambda w: {"code": "loonkostensubsidie"}),
    # --- member directory ---
    "groups.directory": Route(role=Role.MEMBER),
    "groups.member": Route(params=lambda w: {"user_id": w.member.id}, role=Role.MEMBER),
    # --- newsletter ---
    "newsletter.subscribe": Route(),
    "newsletter.subscribed": Route(),
    "newsletter.confirm": Route(params=lambda w: {"token": w.confirm_token}),
    "newsletter.unsubscribe": Route(params=lambda w: {"token": w.unsubscribe_token}),
    "newsletter.unsubscribe_request": Route(),
    "newsletter.preferences": Route(params=lambda w: {"token": w.preferences_token}),
    "newsletter.my_subscription": Route(role=Role.MEMBER),
    "newsletter.submit_news": Route(role=Role.MEMBER),
    "newsletter.news_queue": Route(role=Role.EDITOR),
    "newsletter.approve_news": _post(params=lambda w: {"news_id": w.news_pending_id}, role=Role.EDITOR),
    "newsletter.decline_news": _post(params=lambda w: {"news_id": w.news_pending_id}, role=Role.EDITOR),
    "newsletter.news_item": Route(params=lambda w: {"news_id": w.news_approved_id}),
    "newsletter.editor_home": Route(role=Role.EDITOR),
    "newsletter.new_issue": _post(role=Role.EDITOR),
    "newsletter.compose": Route(params=_draft, role=Role.EDITOR),
    "newsletter.add_section": _post(params=_draft, role=Role.EDITOR),
    "newsletter.remove_section": _post(params=lambda w: {**_draft(w), "section_id": w.custom_section_id},
                                       role=Role.EDITOR),
    "newsletter.refresh": _post(params=_draft, role=Role.EDITOR),
    "newsletter.delete_issue": _post(params=_draft, role=Role.EDITOR),
    "newsletter.preview": Route(params=_draft, role=Role.EDITOR),
    "newsletter.preview_html": Route(params=_draft, role=Role.EDITOR, axe=False,
                                     reason="the e-mail itself, shown in the preview page's frames"),
    "newsletter.test_send": _post(params=_draft, role=Role.EDITOR),
    "newsletter.approve": _post(params=_draft, role=Role.EDITOR),
    "newsletter.reopen": _post(params=_approved, role=Role.EDITOR),
    "newsletter.send": _post(params=_approved, role=Role.EDITOR),
    "newsletter.issue_status": Route(params=_sent, role=Role.EDITOR),
    "newsletter.retry_failed": _post(params=_sent, role=Role.EDITOR),
    "newsletter.archive": Route(),
    "newsletter.archive_issue": Route(params=lambda w: {"number": w.sent_issue.number}),
    "newsletter.archive_email": Route(params=lambda w: {"number": w.sent_issue.number}, axe=False,
                                      reason="the e-mail as sent; its accessibility is checked before sending"),
    "newsletter.archive_feed": Route(content=ATOM, axe=False, reason="Atom feed for feed readers"),
    # --- progress ---
    "progress.index": Route(),
    "progress.index_csv": Route(params=lambda w: {"table": "sectoren"}, content=CSV, axe=False,
                                reason="CSV download of a table on the page"),
    "progress.sector": Route(params=lambda w: {"code": "gemeenten"}),
    "progress.sector_csv": Route(params=lambda w: {"code": "gemeenten"}, content=CSV, axe=False,
                                 reason="CSV download of a table on the page"),
    "progress.region": Route(params=lambda w: {"code": "AM13"}),
    "progress.region_csv": Route(params=lambda w: {"code": "AM13"}, content=CSV, axe=False,
                                 reason="CSV download of a table on the page"),
    "progress.circle": Route(params=lambda w: {"slug": w.circle.slug}),
    "progress.circle_csv": Route(params=lambda w: {"slug": w.circle.slug, "table": "organisaties"}, content=CSV,
                                 axe=False, reason="CSV download of a table on the page"),
    "progress.organisation": Route(params=_org),
    "progress.organisation_csv": Route(params=_org, content=CSV, axe=False,
                                       reason="CSV download of a table on the page"),
    "progress.mine": Route(role=Role.MEMBER, content=REDIRECT, status=302, axe=False,
                           reason="redirects to the reader's organisation's page"),
    "progress.record": Route(params=_org, role=Role.COORDINATOR),
    "progress.settings": Route(params=_org, role=Role.COORDINATOR),
    # --- signals ---
    "progress.signal_index": Route(role=Role.MEMBER),
    "progress.signal_csv": Route(role=Role.MEMBER, content=CSV, axe=False, reason="CSV download of the signals"),
    "progress.signal_report": Route(role=Role.MEMBER),
    "progress.signal_show": Route(params=_signal, role=Role.MEMBER),
    "progress.signal_edit": Route(params=_signal, role=Role.MEMBER),
    "progress.signal_manage": Route(params=_signal, role=Role.COORDINATOR),
    "progress.signal_merge": _post(params=_signal, role=Role.COORDINATOR),
    "progress.signal_recognise": _post(params=_signal, role=Role.COORDINATOR),
    "progress.signal_withdraw": _post(params=_signal, role=Role.COORDINATOR),
    "progress.signal_summary": Route(role=Role.MEMBER),
    "progress.signal_summary_csv": Route(role=Role.MEMBER, content=CSV, axe=False,
                                         reason="CSV download of the summary table"),
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
