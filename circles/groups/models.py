"""Learning circles, their memberships and invitations."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.accounts.models import User
from circles.core.db import UTCDateTime, db, utcnow
from circles.reference.models import Region, Sector


class Visibility(StrEnum):
    PUBLIC = "public"  #: anyone, also without an account
    PLATFORM = "platform"  #: every logged-in member of the platform
    CIRCLE = "circle"  #: only the circle's own members: its name does not appear anywhere else


class JoinPolicy(StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITATION = "invitation"


class CircleStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class CircleRole(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


class MembershipState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"


VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Openbaar: iedereen kan de leercirkel zien"),
    Visibility.PLATFORM: _l("Alleen ingelogde leden van het platform"),
    Visibility.CIRCLE: _l("Alleen leden van deze leercirkel"),
}
JOIN_POLICY_LABELS = {
    JoinPolicy.OPEN: _l("Open: iedereen die de leercirkel ziet, kan meedoen"),
    JoinPolicy.REQUEST: _l("Op aanvraag: een coördinator beslist"),
    JoinPolicy.INVITATION: _l("Alleen op uitnodiging"),
}
STATUS_LABELS = {CircleStatus.ACTIVE: _l("Actief"), CircleStatus.ARCHIVED: _l("Gearchiveerd")}
CIRCLE_ROLE_LABELS = {CircleRole.MEMBER: _l("Lid"), CircleRole.COORDINATOR: _l("Coördinator")}

circle_sectors = sa.Table(
    "circle_sectors",
    db.metadata,
    sa.Column("circle_id", sa.ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sector_code", sa.ForeignKey("sectors.code"), primary_key=True, index=True),
)
circle_regions = sa.Table(
    "circle_regions",
    db.metadata,
    sa.Column("circle_id", sa.ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("region_code", sa.ForeignKey("regions.code"), primary_key=True, index=True),
)


class Circle(db.Model):
    """A learning circle: employers of one or more sectors, in zero (national) or more regions."""

    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Markdown, rendered through the one sanitiser.
    description: Mapped[str] = mapped_column(sa.Text, default="")
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[str] = mapped_column(sa.String(10), default=Visibility.PLATFORM, index=True)
    join_policy: Mapped[str] = mapped_column(sa.String(12), default=JoinPolicy.REQUEST)
    status: Mapped[str] = mapped_column(sa.String(10), default=CircleStatus.ACTIVE, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "contribution"}
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sectors: Mapped[list[Sector]] = relationship(secondary=circle_sectors, order_by=Sector.position)
    regions: Mapped[list[Region]] = relationship(secondary=circle_regions, order_by=Region.name)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="circle", cascade="all, delete-orphan",
                                                           passive_deletes=True)

    @property
    def is_national(self) -> bool:
        return not self.regions

    @property
    def is_active(self) -> bool:
        return self.status == CircleStatus.ACTIVE


class Membership(db.Model):
    """A person's place in a circle: pending (asked to join) or active, as member or coordinator."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("circle_id", "user_id", name="uq_memberships_circle_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                         info={"personal": "delete"})
    role: Mapped[str] = mapped_column(sa.String(12), default=CircleRole.MEMBER)
    state: Mapped[str] = mapped_column(sa.String(10), default=MembershipState.ACTIVE, index=True)
    #: What the requester wrote when asking to join (on-request circles).
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == CircleRole.COORDINATOR


class Invitation(db.Model):
    """An e-mailed invitation. Only a hash of the token is stored; the link works once, until it expires."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("circles.id", ondelete="CASCADE"), index=True)
    #: The invited address (the person may not have an account yet).
    email: Mapped[str] = mapped_column(sa.String(320), index=True, info={"personal_email": True})
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "anonymise"}
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), info={"personal": "anonymise"}
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
