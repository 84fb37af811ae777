"""Reference records, keyed by their official codes (CBS codes for regions and provinces)."""

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.core.db import db
from circles.reference.sectors import SECTOR_LABELS


class Sector(db.Model):
    """A sector of government and education (gemeenten, po, umc, ...): a reporting dimension that
    stays after the legal market/government split goes."""

    __tablename__ = "sectors"
    __table_args__ = {"info": {"reference": True}}

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    #: "overheid" or "onderwijs": how the sector list is grouped on screen.
    group: Mapped[str] = mapped_column(sa.String(12))
    position: Mapped[int] = mapped_column()

    @property
    def label(self) -> str:
        """The name in the reader's language (labels live in code so they can be translated)."""
        return gettext(SECTOR_LABELS[self.code]) if self.code in SECTOR_LABELS else self.code


class Province(db.Model):
    __tablename__ = "provinces"
    __table_args__ = {"info": {"reference": True}}

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)  #: CBS code, PV20..PV31
    name: Mapped[str] = mapped_column(sa.String(60))


class Region(db.Model):
    """A labour-market region (arbeidsmarktregio). Names vary between sources; the CBS code is the key."""

    __tablename__ = "regions"
    __table_args__ = {"info": {"reference": True}}

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)  #: CBS code, AM01..AM38
    name: Mapped[str] = mapped_column(sa.String(80))
    former_names: Mapped[str] = mapped_column(sa.String(200), default="")


class Municipality(db.Model):
    __tablename__ = "municipalities"
    __table_args__ = {"info": {"reference": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)

    region: Mapped[Region] = relationship(lazy="joined")
    province: Mapped[Province] = relationship(lazy="joined")
