"""Demo learning circles, memberships and an invitation for ``flask --app circles seed-demo``; the data is
in circles.toml. The caller (circles/demo/) passes the people by e-mail. Idempotent: a circle is looked up
by name, a membership by person, the invitation by address."""

import tomllib
from pathlib import Path

import sqlalchemy as sa

from circles.core.db import db

# The circle services this seeder uses.
from circles.groups import services
from circles.groups.models import Circle, Invitation, Membership, MembershipState


def seed(people: dict) -> int:
    """Create the demo circles, memberships and invitation that are missing; returns how many circles were
    added. ``people``: the demo accounts by e-mail. Flushes; the caller commits."""
    data = tomllib.loads((Path(__file__).parent / "circles.toml").read_text(encoding="utf-8"))
    added = 0
    for plan in data["circles"]:
        circle = db.session.scalar(sa.select(Circle).where(Circle.name == plan["name"]))
        if circle is None:
            circle = services.create_circle(people[plan["coordinator"]], name=plan["name"],
                                            description=plan["description"], goals="",
                                            sector_codes=plan["sectors"], region_codes=plan["regions"],
                                            visibility=plan["visibility"], join_policy=plan["join_policy"])
            added += 1
        for email, state in [(e, MembershipState.ACTIVE) for e in plan["members"]] + [
                (e, MembershipState.PENDING) for e in plan["pending"]]:
            person = people[email]
            if services.membership_of(person, circle) is None:
                db.session.add(Membership(circle=circle, user=person, state=state, motivation=data["motivation"]))
    invitation = data["invitation"]
    if db.session.scalar(sa.select(Invitation).where(Invitation.email == invitation["email"])) is None:
        circle = db.session.scalar(sa.select(Circle).where(Circle.name == invitation["circle"]))
        services.invite(people[invitation["by"]], circle, invitation["email"])
    db.session.flush()
    return added
