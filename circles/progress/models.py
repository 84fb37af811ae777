"""Progress towards the banenafspraak targets, and the register of bottlenecks ("signalen") from practice.

Figures are self-reported by organisations and never name a placed employee: only numbers of jobs
(one job = 25.5 paid hours a week), the source of the count and a note.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.accounts.models import Organisation, User
from circles.core.db import UTCDateTime, db, utcnow
from circles.reference.models import Region, Sector

#: The first year the banenafspraak counted jobs (the Wet banenafspraak dates from 2015; the agreement from 2013).
FIRST_YEAR = 2013


class Jobs(sa.types.TypeDecorator):
    """A number of jobs with one decimal (12.5 banen), stored as whole tenths so that sums are exact on
    every database (SQLite has no decimal type)."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 10).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)) / 10


class Source(StrEnum):
    OWN_COUNT = "own_count"
    SECTOR_MONITOR = "sector_monitor"
    UWV = "uwv"


SOURCE_LABELS = {
    Source.OWN_COUNT: _l("Eigen telling"),
    Source.SECTOR_MONITOR: _l("Sectormonitor"),
    Source.UWV: _l("UWV"),
}


class Recorders(StrEnum):
    """Who may record an organisation's figures: its coordinators only, or every member."""

    COORDINATORS = "coordinators"
    MEMBERS = "members"


RECORDER_LABELS = {
    Recorders.COORDINATORS: _l("Alleen coördinatoren van onze organisatie"),
    Recorders.MEMBERS: _l("Alle leden van onze organisatie"),
}


class ProgressSettings(db.Model):
    """How an organisation shares its figures. No row means the defaults: figures shown, coordinators record."""

    __tablename__ = "progress_settings"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    #: Hidden figures are never shown per organisation and count only in totals that protect them.
    hidden: Mapped[bool] = mapped_column(default=False)
    recorders: Mapped[str] = mapped_column(sa.String(12), default=Recorders.COORDINATORS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                      info={"personal": "anonymise"})


class ProgressRecord(db.Model):
    """One report of an organisation's target and realised jobs for a year (or a quarter of it).

    Records are never changed: a correction is a new record for the same year and quarter, and the newest
    one counts. A quarter record is the state at the end of that quarter (realised so far that year); a
    record without a quarter is the whole year and counts before any quarter of the same year.
    """

    __tablename__ = "progress_records"
    __table_args__ = (
        sa.Index("ix_progress_records_org_year", "organisation_id", "year"),
        sa.CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="quarter"),
        sa.CheckConstraint("target IS NULL OR target >= 0", name="target"),
        sa.CheckConstraint("realised IS NULL OR realised >= 0", name="realised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int | None] = mapped_column()
    target: Mapped[Decimal | None] = mapped_column(Jobs)
    realised: Mapped[Decimal | None] = mapped_column(Jobs)
    source: Mapped[str] = mapped_column(sa.String(20), default=Source.OWN_COUNT)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "anonymise"})
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


class ProgressFigure(db.Model):
    """The figure that counts for an organisation and year, derived from its records (see ``figures.effective``)
    whenever one is added, so that dashboards sum a row per organisation and year instead of ranking every
    record on every page view. Never edited by hand: ``records.refresh_figures`` rebuilds it."""

    __tablename__ = "progress_figures"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, index=True)
    target: Mapped[Decimal | None] = mapped_column(Jobs)
    realised: Mapped[Decimal | None] = mapped_column(Jobs)
    #: The quarter the realised number is about; None: the whole year (or no realised number).
    quarter: Mapped[int | None] = mapped_column()


# --- signals ---------------------------------------------------------------------------------------

class Category(StrEnum):
    REGULATIONS = "regelgeving"
    INSTRUMENTS = "instrumenten"
    FUNDING = "financiering"
    SUPPORT = "begeleiding"
    COMMITMENT = "draagvlak"
    SHRINKAGE = "krimp"
    OUTSOURCING = "uitbesteding"
    OTHER = "overig"


CATEGORY_LABELS = {
    Category.REGULATIONS: _l("Regelgeving"),
    Category.INSTRUMENTS: _l("Instrumenten"),
    Category.FUNDING: _l("Financiering"),
    Category.SUPPORT: _l("Begeleiding"),
    Category.COMMITMENT: _l("Draagvlak"),
    Category.SHRINKAGE: _l("Krimp"),
    Category.OUTSOURCING: _l("Uitbesteding"),
    Category.OTHER: _l("Overig"),
}


class SignalStatus(StrEnum):
    NEW = "nieuw"
    DISCUSSED = "besproken"
    FORWARDED = "doorgezet"
    SOLVED = "opgelost"


SIGNAL_STATUS_LABELS = {
    SignalStatus.NEW: _l("Nieuw"),
    SignalStatus.DISCUSSED: _l("Besproken in de leercirkel"),
    SignalStatus.FORWARDED: _l("Doorgezet naar beleid"),
    SignalStatus.SOLVED: _l("Opgelost"),
}


class Signal(db.Model):
    """A bottleneck a member meets in practice. Duplicates are merged into one signal (``merged_into``),
    which then carries their recognitions."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    #: None: it plays in every sector.
    sector_code: Mapped[str | None] = mapped_column(sa.ForeignKey("sectors.code"), index=True)
    #: None: national, not bound to one labour-market region.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=SignalStatus.NEW, index=True)
    #: The coordinators' answer (Markdown): what was done with it.
    response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                        info={"personal": "anonymise"})
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "contribution"})
    #: The reporter's organisation when it was reported (kept when the person leaves).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signals.id", ondelete="SET NULL"),
                                                       index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sector: Mapped[Sector | None] = relationship()
    region: Mapped[Region | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    merged_into: Mapped["Signal | None"] = relationship(remote_side=[id])
    recognitions: Mapped[list["Recognition"]] = relationship(back_populates="signal", cascade="all, delete-orphan",
                                                             passive_deletes=True,
                                                             order_by="Recognition.created_at")

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    @property
    def status_label(self) -> str:
        return str(SIGNAL_STATUS_LABELS.get(self.status, self.status))


class Recognition(db.Model):
    """"Wij herkennen dit": someone else meets the same bottleneck, with an optional note."""

    __tablename__ = "signal_recognitions"
    __table_args__ = (sa.UniqueConstraint("signal_id", "user_id", name="uq_signal_recognitions_signal_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(sa.ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                info={"personal": "contribution"})
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signal: Mapped[Signal] = relationship(back_populates="recognitions")
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
