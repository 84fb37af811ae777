"""People and the organisations they work for."""

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from circles.core.db import UTCDateTime, db, utcnow
from circles.reference.models import Municipality, Sector


class Role(StrEnum):
    """Platform roles, from least to most rights. Circle roles are a separate thing (per circle)."""

    MEMBER = "member"
    COORDINATOR = "coordinator"
    EDITOR = "editor"
    ADMINISTRATOR = "administrator"


ROLE_LABELS = {
    Role.MEMBER: _l("Lid (projectleider)"),
    Role.COORDINATOR: _l("Coördinator"),
    Role.EDITOR: _l("Redacteur"),
    Role.ADMINISTRATOR: _l("Beheerder"),
}


class Organisation(db.Model):
    """An employer: a municipality, school board, ministry, university... Its region and province
    follow from its municipality."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(220), unique=True)
    sector_code: Mapped[str] = mapped_column(sa.ForeignKey("sectors.code"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sector: Mapped[Sector] = relationship(lazy="joined")
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    members: Mapped[list["User"]] = relationship(back_populates="organisation", order_by="User.name")

    @property
    def region(self):
        return self.municipality.region if self.municipality else None

    @property
    def province(self):
        return self.municipality.province if self.municipality else None


class User(UserMixin, db.Model):
    """A person with an account: a project leader, coordinator, editor or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case, so log-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Job title at the organisation ("functie"), e.g. "projectleider banenafspraak".
    function: Mapped[str] = mapped_column(sa.String(120), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.MEMBER)
    #: The interface language the person chose: "nl" or "en".
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl")
    #: Whether other logged-in members may see the e-mail address (hidden by default, AVG art. 25).
    show_email: Mapped[bool] = mapped_column(default=False)
    #: Notification kinds (see core.notifications) the person switched off.
    muted_notifications: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Part of the session cookie: changing it logs the account out everywhere (password change).
    session_token: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members", lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_other_sessions(self) -> None:
        self.session_token = secrets.token_hex(16)

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(Role(self.role), self.role))
