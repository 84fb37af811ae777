"""Who reads a published package or case is written once (permissions.AUDIENCE) and read twice: as the
Python predicate the pages use and as the SQL condition the lists and searches use. They must agree on
every status x visibility x reader, for packages and cases alike."""

import itertools

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.permissions import is_admin
from circles.groups.models import CircleRole, Visibility
from circles.workpackages.models import Case, Status, WorkPackage
from circles.workpackages.permissions import may_read_published, visible_clause

READERS = ("anonymous", "outsider", "circle member", "owner", "coordinator", "admin")


@pytest.fixture
def readers(create_user, create_org, create_circle, add_member):
    """Every kind of reader, the circle the items are in, and the owning organisation."""
    owner_org = create_org("Gemeente Eigenaar")
    coordinator = create_user(role=Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    member = create_user()
    add_member(circle, member, role=CircleRole.MEMBER)
    people = {"anonymous": AnonymousUserMixin(), "outsider": create_user(), "circle member": member,
              "owner": create_user(org=owner_org), "coordinator": coordinator,
              "admin": create_user(role=Role.ADMINISTRATOR)}
    return people, circle, owner_org


@pytest.mark.parametrize("model", [WorkPackage, Case], ids=["package", "case"])
def test_the_predicate_and_the_sql_agree_on_every_row(app, readers, make_package, make_case, model):
    people, circle, owner_org = readers
    make = make_package if model is WorkPackage else make_case
    items = [make(status=status, visibility=visibility, circle=in_circle, organisation=owner_org,
                  author=people["owner"])
             for status, visibility, in_circle in itertools.product(Status, Visibility, (circle, None))]
    db.session.commit()
    for name in READERS:
        reader = people[name]
        listed = set(db.session.scalars(sa.select(model.id).where(visible_clause(model, reader))))
        readable = {item.id for item in items if item.status == Status.PUBLISHED
                    and (is_admin(reader) or may_read_published(reader, item))}
        assert listed == readable, name
    # Not agreeing by both being empty: an anonymous reader gets the public ones, a member of the circle more.
    public = {i.id for i in items if i.status == Status.PUBLISHED and i.visibility == Visibility.PUBLIC}
    anonymous = set(db.session.scalars(sa.select(model.id).where(visible_clause(model, people["anonymous"]))))
    member = set(db.session.scalars(sa.select(model.id).where(visible_clause(model, people["circle member"]))))
    assert anonymous == public and len(public) == 2
    assert len(member) == 5
