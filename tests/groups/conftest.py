"""Factories for the circles feature."""

import pytest

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups import services
from circles.groups.models import CircleRole, Membership, MembershipState


@pytest.fixture
def create_circle(app, create_user):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, *, coordinator=None, sectors=("gemeenten",), regions=(),
             visibility="platform", join_policy="request", description="Over deze leercirkel."):
        coordinator = coordinator or create_user(role=Role.COORDINATOR)
        circle = services.create_circle(coordinator, name=name or f"Leercirkel {next(counter)}",
                                        description=description, goals="", sector_codes=list(sectors),
                                        region_codes=list(regions), visibility=visibility, join_policy=join_policy)
        db.session.commit()
        return circle

    return make


@pytest.fixture
def add_member(app):
    def add(circle, user, *, role=CircleRole.MEMBER, state=MembershipState.ACTIVE):
        membership = Membership(circle=circle, user=user, role=role, state=state)
        db.session.add(membership)
        db.session.commit()
        return membership

    return add
