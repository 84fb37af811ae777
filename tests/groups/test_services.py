"""Circle rules without HTTP: visibility, joining, decisions, the last coordinator, invitations."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.core.models import AuditEntry
from circles.groups import services
from circles.groups.models import CircleRole, MembershipState


def test_visibility_clause_hides_circle_only_circles(create_circle, create_user, add_member):
    public = create_circle("Openbaar", visibility="public")
    platform = create_circle("Platform", visibility="platform")
    private = create_circle("Besloten", visibility="circle", join_policy="invitation")
    outsider, insider = create_user(), create_user()
    add_member(private, insider)
    assert [c.name for c in services.list_circles(None)] == ["Openbaar"]
    from flask_login import AnonymousUserMixin

    assert [c.name for c in services.list_circles(AnonymousUserMixin())] == ["Openbaar"]
    assert {c.name for c in services.list_circles(outsider)} == {"Openbaar", "Platform"}
    assert {c.name for c in services.list_circles(insider)} == {"Openbaar", "Platform", "Besloten"}
    admin = create_user(role=Role.ADMINISTRATOR)
    assert len(services.list_circles(admin)) == 3
    assert public and platform


def test_a_pending_request_does_not_reveal_a_private_circle(create_circle, create_user, add_member):
    private = create_circle("Besloten", visibility="circle")
    requester = create_user()
    add_member(private, requester, state=MembershipState.PENDING)
    assert services.list_circles(requester) == []


def test_region_filter_includes_national_circles(create_circle):
    create_circle("Rijnmond", regions=["AM22"], visibility="public")
    create_circle("Twente", regions=["AM05"], visibility="public")
    create_circle("Landelijk", visibility="public")
    assert {c.name for c in services.list_circles(None, region="AM22")} == {"Rijnmond", "Landelijk"}


def test_search_treats_wildcards_literally(create_circle):
    create_circle("100% inclusief", visibility="public")
    create_circle("Gewoon", visibility="public")
    assert [c.name for c in services.list_circles(None, q="%")] == ["100% inclusief"]
    assert services.list_circles(None, q="_") == []


def test_joining_an_open_circle_is_immediate(create_circle, create_user):
    circle = create_circle(join_policy="open")
    user = create_user()
    membership = services.join(user, circle)
    db.session.commit()
    assert membership.is_active
    with pytest.raises(services.CircleError):
        services.join(user, circle)


def test_request_notifies_coordinators_unless_they_switched_it_off(create_circle, create_user, mailbox, app):
    first = create_user(role=Role.COORDINATOR, email="eerste@example.org")
    second = create_user(role=Role.COORDINATOR, email="tweede@example.org")
    circle = create_circle(coordinator=first)
    services.join(second, circle)  # placeholder membership to promote below
    db.session.commit()
    membership = services.membership_of(second, circle)
    services.decide(first, membership, approve=True)
    services.set_circle_role(first, membership, CircleRole.COORDINATOR)
    second.muted_notifications = ["join_requests"]
    db.session.commit()
    from circles.core import mail

    mail.deliver()
    mailbox.messages.clear()
    services.join(create_user(name="Aanvrager"), circle, "Wij hebben veel facilitair werk.")
    db.session.commit()
    mail.deliver()
    assert [m["To"] for m in mailbox.messages] == ["eerste@example.org"]
    assert "Wij hebben veel facilitair werk." in mailbox.text(mailbox.messages[0])


def test_deciding_twice_is_refused(create_circle, create_user):
    circle = create_circle()
    membership = services.join(create_user(), circle)
    coordinator = services.coordinators(circle)[0]
    services.decide(coordinator, membership, approve=True)
    with pytest.raises(services.CircleError):
        services.decide(coordinator, membership, approve=True)


def test_invitation_only_circles_cannot_be_joined_directly(create_circle, create_user):
    circle = create_circle(join_policy="invitation")
    with pytest.raises(services.CircleError) as err:
        services.join(create_user(), circle)
    assert err.value.status == 403


def test_archived_circles_cannot_be_joined(create_circle, create_user):
    circle = create_circle(join_policy="open")
    circle.status = "archived"
    with pytest.raises(services.CircleError):
        services.join(create_user(), circle)


def test_the_last_coordinator_cannot_leave_step_down_or_be_removed(create_circle, create_user):
    coordinator = create_user(role=Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    membership = services.membership_of(coordinator, circle)
    with pytest.raises(services.CircleError):
        services.leave(coordinator, circle)
    with pytest.raises(services.CircleError):
        services.set_circle_role(coordinator, membership, CircleRole.MEMBER)
    with pytest.raises(services.CircleError):
        services.remove_member(coordinator, membership)
    # with a co-coordinator it works
    other = create_user()
    other_membership = services.join(other, circle)
    services.decide(coordinator, other_membership, approve=True)
    services.set_circle_role(coordinator, other_membership, CircleRole.COORDINATOR)
    services.leave(coordinator, circle)
    db.session.commit()
    assert [u.id for u in services.coordinators(circle)] == [other.id]


def test_membership_changes_are_audited(create_circle, create_user):
    circle = create_circle(join_policy="open")
    user = create_user()
    services.join(user, circle)
    services.leave(user, circle)
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == circle.id,
                                                                   AuditEntry.object_type == "circle")).all()
    assert actions == ["circle.created", "membership.coordinator_added", "membership.joined", "membership.left"]


def test_invitation_token_is_stored_hashed_single_use_and_expires(create_circle, create_user, mailbox):
    circle = create_circle(join_policy="invitation")
    coordinator = services.coordinators(circle)[0]
    invitation = services.invite(coordinator, circle, "Nieuw@Example.org")
    db.session.commit()
    from circles.core import mail

    mail.deliver()
    [msg] = mailbox.to("nieuw@example.org")
    [link] = [u for u in mailbox.links(msg) if "/uitnodiging/" in u]
    token = link.rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(token) >= 40
    assert services.invitation_for_token(token).id == invitation.id
    user = create_user()
    services.accept_invitation(user, invitation)
    db.session.commit()
    with pytest.raises(services.CircleError):
        services.accept_invitation(create_user(), invitation)
    second = services.invite(coordinator, circle, "later@example.org")
    second.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(services.CircleError) as err:
        services.accept_invitation(create_user(), second)
    assert err.value.status == 410


def test_inviting_a_member_again_is_refused(create_circle, create_user, add_member):
    circle = create_circle()
    member = create_user(email="al.lid@example.org")
    add_member(circle, member)
    with pytest.raises(services.CircleError):
        services.invite(services.coordinators(circle)[0], circle, "al.lid@example.org")


def test_unknown_sectors_or_regions_are_refused(create_user):
    with pytest.raises(services.CircleError):
        services.create_circle(create_user(), name="X", description="", goals="", sector_codes=["nope"],
                               region_codes=[], visibility="public", join_policy="open")
    with pytest.raises(services.CircleError):
        services.create_circle(create_user(), name="X", description="", goals="", sector_codes=["po"],
                               region_codes=["AM99"], visibility="public", join_policy="open")
