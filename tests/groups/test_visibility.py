"""Who sees a circle is answered twice, by the rule "circle.view" for one loaded circle and by the SQL every
listing uses (circles.groups.visibility): both must say the same for every kind of circle and reader."""

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.permissions import can
from circles.groups.models import Circle, CircleStatus, MembershipState, Visibility
from circles.groups.visibility import visible_circles_clause


def test_the_rule_and_the_sql_agree_on_every_circle_and_reader(create_circle, create_user, add_member):
    coordinator = create_user(role=Role.COORDINATOR)
    readers = {
        "anonymous": AnonymousUserMixin(),
        "nobody at all": None,
        "platform member": create_user(),
        "platform coordinator": create_user(role=Role.COORDINATOR),
        "circle member": create_user(),
        "pending member": create_user(),
        "circle coordinator": coordinator,
        "administrator": create_user(role=Role.ADMINISTRATOR),
    }
    circles = []
    for visibility in Visibility:
        for status in CircleStatus:
            circle = create_circle(f"{visibility} {status}", coordinator=coordinator, visibility=visibility.value)
            circle.status = status
            add_member(circle, readers["circle member"])
            add_member(circle, readers["pending member"], state=MembershipState.PENDING)
            circles.append(circle)
    db.session.commit()

    for kind, reader in readers.items():
        by_sql = set(db.session.scalars(sa.select(Circle.id).where(visible_circles_clause(reader))))
        by_rule = {c.id for c in circles if can(reader, "circle.view", c)}
        assert by_sql == by_rule, kind

    # and the answers are the ones the product promises
    def seen_by(kind):
        return {(c.visibility, c.status) for c in circles if can(readers[kind], "circle.view", c)}

    everything = {(v, s) for v in Visibility for s in CircleStatus}
    public = {(Visibility.PUBLIC, s) for s in CircleStatus}
    platform = public | {(Visibility.PLATFORM, s) for s in CircleStatus}
    assert seen_by("anonymous") == seen_by("nobody at all") == public
    assert seen_by("platform member") == seen_by("platform coordinator") == seen_by("pending member") == platform
    assert seen_by("circle member") == seen_by("circle coordinator") == seen_by("administrator") == everything
