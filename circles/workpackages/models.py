"""Work packages (werkpakketten: a bundle of tasks that forms a job another employer can copy), their
task lines, adoptions (copies taken into another organisation, with the jobs they produced),
good-practice cases (one employer's real placement) and attachments.

No column holds anything that identifies a placed employee: numbers are aggregates, and a quote from
an employee is kept only with a recorded consent.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circles.accounts.models import Organisation, User
from circles.core.db import UTCDateTime, db, utcnow
from circles.groups.models import Circle, Visibility
from circles.reference.models import Region, Sector

#: Paid hours a week that make one job (baan) in the banenafspraak.
HOURS_PER_JOB = 25.5


class Setting(StrEnum):
    """The department or setting the work is done in (afdeling/context)."""

    FACILITIES = "facilitaire_dienst"
    ADMIN_OFFICE = "bestuursbureau"
    CLASSROOM = "onderwijs_in_de_klas"
    CARETAKING = "conciergerie"
    CLEANING = "schoonmaak"
    CATERING = "catering"
    MAIL_ARCHIVE = "post_archief"
    ICT = "ict"
    GREEN = "groen"
    LAB_CARE = "laboratorium_zorg"
    OTHER = "overig"


SETTING_LABELS = {
    Setting.FACILITIES: _l("Facilitaire dienst"),
    Setting.ADMIN_OFFICE: _l("Bestuursbureau"),
    Setting.CLASSROOM: _l("In de klas / onderwijsondersteuning"),
    Setting.CARETAKING: _l("Conciërgerie"),
    Setting.CLEANING: _l("Schoonmaak"),
    Setting.CATERING: _l("Catering"),
    Setting.MAIL_ARCHIVE: _l("Post en archief"),
    Setting.ICT: _l("ICT"),
    Setting.GREEN: _l("Groen en buitendienst"),
    Setting.LAB_CARE: _l("Laboratorium / zorg"),
    Setting.OTHER: _l("Anders"),
}


class WorkLevel(StrEnum):
    PRACTICAL = "praktisch"
    MBO1 = "mbo1_entree"
    MBO2 = "mbo2"
    MBO3 = "mbo3_plus"
    HIGHER = "hbo_wo"


WORK_LEVEL_LABELS = {
    WorkLevel.PRACTICAL: _l("Praktisch werk"),
    WorkLevel.MBO1: _l("Mbo 1 / entree"),
    WorkLevel.MBO2: _l("Mbo 2"),
    WorkLevel.MBO3: _l("Mbo 3 of hoger"),
    WorkLevel.HIGHER: _l("Hbo / wo"),
}


class ContractForm(StrEnum):
    FIXED_TERM = "bepaalde_tijd"
    PERMANENT = "onbepaalde_tijd"
    SECONDMENT = "detachering_sw"
    AGENCY = "uitzend_payroll"
    TRIAL = "proefplaatsing"
    INTERNSHIP = "stage_wep"


CONTRACT_LABELS = {
    ContractForm.FIXED_TERM: _l("Arbeidsovereenkomst voor bepaalde tijd"),
    ContractForm.PERMANENT: _l("Arbeidsovereenkomst voor onbepaalde tijd"),
    ContractForm.SECONDMENT: _l("Detachering vanuit een sw-bedrijf"),
    ContractForm.AGENCY: _l("Uitzend- of payrollconstructie"),
    ContractForm.TRIAL: _l("Proefplaatsing (nog geen baan)"),
    ContractForm.INTERNSHIP: _l("Stage of werkervaringsplaats (telt niet als baan)"),
}


class Guidance(StrEnum):
    SUPERVISOR = "interne_werkbegeleider"
    BUDDY = "buddy"
    INTERNAL_COACH = "jobcoach_intern"
    EXTERNAL_COACH = "jobcoach_extern"
    MANAGER_TRAINING = "training_leidinggevende"


GUIDANCE_LABELS = {
    Guidance.SUPERVISOR: _l("Interne werkbegeleider"),
    Guidance.BUDDY: _l("Buddy of maatje"),
    Guidance.INTERNAL_COACH: _l("Interne jobcoach"),
    Guidance.EXTERNAL_COACH: _l("Externe jobcoach"),
    Guidance.MANAGER_TRAINING: _l("Training voor de leidinggevende"),
}


class Frequency(StrEnum):
    DAILY = "dagelijks"
    WEEKLY = "wekelijks"
    MONTHLY = "maandelijks"
    SEASONAL = "piek_seizoen"


FREQUENCY_LABELS = {
    Frequency.DAILY: _l("Dagelijks"),
    Frequency.WEEKLY: _l("Wekelijks"),
    Frequency.MONTHLY: _l("Maandelijks"),
    Frequency.SEASONAL: _l("Bij pieken of per seizoen"),
}


class Independence(StrEnum):
    GUIDED = "onder_begeleiding"
    AFTER_INSTRUCTION = "zelfstandig_na_instructie"


INDEPENDENCE_LABELS = {
    Independence.GUIDED: _l("Onder begeleiding"),
    Independence.AFTER_INSTRUCTION: _l("Zelfstandig na instructie"),
}


class Licence(StrEnum):
    CC_BY = "CC-BY-4.0"
    CC_BY_SA = "CC-BY-SA-4.0"
    CC0 = "CC0-1.0"


LICENCE_LABELS = {
    Licence.CC_BY: _l("CC BY 4.0: hergebruik met naamsvermelding"),
    Licence.CC_BY_SA: _l("CC BY-SA 4.0: hergebruik met naamsvermelding, onder dezelfde licentie"),
    Licence.CC0: _l("CC0: vrij van rechten"),
}
LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.nl",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.nl",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.nl",
}


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


STATUS_LABELS = {
    Status.DRAFT: _l("Concept"),
    Status.IN_REVIEW: _l("Ter beoordeling"),
    Status.PUBLISHED: _l("Gepubliceerd"),
    Status.ARCHIVED: _l("Gearchiveerd"),
}

#: Who may read a published package or case (the same three levels as a circle).
CONTENT_VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Openbaar: iedereen, ook zonder account"),
    Visibility.PLATFORM: _l("Alle ingelogde leden van het platform"),
    Visibility.CIRCLE: _l("Alleen de leden van de leercirkel"),
}

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}

package_sectors = sa.Table(
    "workpackage_sectors",
    db.metadata,
    sa.Column("package_id", sa.ForeignKey("workpackages.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sector_code", sa.ForeignKey("sectors.code"), primary_key=True, index=True),
)
package_instruments = sa.Table(
    "workpackage_instruments",
    db.metadata,
    sa.Column("package_id", sa.ForeignKey("workpackages.id", ondelete="CASCADE"), primary_key=True),
    #: A code from ``circles.workpackages.instruments.INSTRUMENTS``.
    sa.Column("instrument", sa.String(40), primary_key=True, index=True),
)


class PublishableMixin:
    """Status, visibility, language and licence: the publishing state packages and cases share."""

    status: Mapped[str] = mapped_column(sa.String(12), default=Status.DRAFT, index=True)
    visibility: Mapped[str] = mapped_column(sa.String(10), default=Visibility.CIRCLE, index=True)
    #: The language the content is written in (not the reader's interface language).
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    licence: Mapped[str] = mapped_column(sa.String(20), default=Licence.CC_BY)
    #: The number of the latest revision (core.revisions); an edit form carries it to detect collisions.
    revision: Mapped[int] = mapped_column(default=0)
    #: What a reviewer wrote when sending it back to draft.
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


class WorkPackage(PublishableMixin, db.Model):
    """A reusable task bundle that forms a job for someone from the target group."""

    __tablename__ = "workpackages"
    #: The package search without words lists the newest published first: read in this order from the index,
    #: it stops after one page instead of sorting every published package.
    __table_args__ = (sa.Index("ix_workpackages_status_published", "status", "published_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(160))
    #: At most 300 characters, for cards, search results and the newsletter.
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    setting: Mapped[str] = mapped_column(sa.String(24), default=Setting.OTHER, index=True)
    #: Free text beside the setting ("Anders: bibliotheek").
    setting_other: Mapped[str] = mapped_column(sa.String(120), default="")
    hours_min: Mapped[float | None] = mapped_column(sa.Float)
    hours_max: Mapped[float | None] = mapped_column(sa.Float, index=True)
    work_level: Mapped[str] = mapped_column(sa.String(12), default=WorkLevel.PRACTICAL, index=True)
    skills: Mapped[str] = mapped_column(sa.Text, default="")
    #: Which existing roles give up these tasks (docent, conciërge, secretaresse...).
    taken_from: Mapped[str] = mapped_column(sa.Text, default="")
    #: What taking the tasks off them relieves ("leraren ongeveer 2 uur per week minder werkdruk").
    relief: Mapped[str] = mapped_column(sa.Text, default="")
    #: Codes of ContractForm.
    contract_forms: Mapped[list] = mapped_column(sa.JSON, default=list)
    pay_scale: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Codes of Guidance.
    guidance: Mapped[list] = mapped_column(sa.JSON, default=list)
    guidance_notes: Mapped[str] = mapped_column(sa.Text, default="")
    adjustments: Mapped[str] = mapped_column(sa.Text, default="")
    #: Cost indication in whole euros, as the employer weighs it.
    cost_one_off: Mapped[int | None] = mapped_column()
    cost_yearly: Mapped[int | None] = mapped_column()
    subsidies_yearly: Mapped[int | None] = mapped_column()
    cost_notes: Mapped[str] = mapped_column(sa.Text, default="")
    preconditions: Mapped[str] = mapped_column(sa.Text, default="")
    pitfalls: Mapped[str] = mapped_column(sa.Text, default="")
    tips: Mapped[str] = mapped_column(sa.Text, default="")

    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    circle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circles.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                  info={"personal": "contribution"})
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "anonymise"})
    #: The package this one was copied from, and that package's revision at the time.
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="SET NULL"),
                                                       index=True)
    copied_from_revision: Mapped[int | None] = mapped_column()
    #: The first package of the family of copies (itself for an original): one query loads the tree.
    family_id: Mapped[int | None] = mapped_column(index=True)

    sectors: Mapped[list[Sector]] = relationship(secondary=package_sectors, order_by=Sector.position)
    tasks: Mapped[list["Task"]] = relationship(back_populates="package", order_by="Task.position",
                                               cascade="all, delete-orphan", passive_deletes=True)
    organisation: Mapped[Organisation | None] = relationship()
    circle: Mapped[Circle | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    copied_from: Mapped["WorkPackage | None"] = relationship(remote_side=[id], foreign_keys=[copied_from_id])
    instrument_rows: Mapped[list["PackageInstrument"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PackageInstrument.instrument")

    @property
    def instruments(self) -> list[str]:
        return [row.instrument for row in self.instrument_rows]

    @property
    def jobs_min(self) -> float | None:
        """The job equivalent (hours / 25.5) of the lower bound."""
        return None if self.hours_min is None else self.hours_min / HOURS_PER_JOB

    @property
    def jobs_max(self) -> float | None:
        return None if self.hours_max is None else self.hours_max / HOURS_PER_JOB

    @property
    def task_hours(self) -> float:
        return sum(t.hours_per_week or 0 for t in self.tasks)


class PackageInstrument(db.Model):
    """An instrument (subsidy, insurance, coaching...) the package uses: a row of workpackage_instruments."""

    __table__ = package_instruments


class Task(db.Model):
    """One task line of a package."""

    __tablename__ = "workpackage_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(sa.String(300))
    frequency: Mapped[str] = mapped_column(sa.String(16), default=Frequency.WEEKLY)
    hours_per_week: Mapped[float | None] = mapped_column(sa.Float)
    independence: Mapped[str] = mapped_column(sa.String(30), default=Independence.AFTER_INSTRUCTION)
    #: Tools or aids for this task ("lamineermachine", "picto-instructie").
    tools: Mapped[str] = mapped_column(sa.String(200), default="")

    package: Mapped[WorkPackage] = relationship(back_populates="tasks")


class Adoption(db.Model):
    """An organisation took a package over ("overnemen"): its copy, and later the jobs it produced."""

    __tablename__ = "adoptions"
    __table_args__ = (sa.UniqueConstraint("source_id", "organisation_id", name="uq_adoptions_source_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="CASCADE"), index=True)
    copy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    adopted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                      info={"personal": "anonymise"})
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The source's revision that was copied.
    source_revision: Mapped[int] = mapped_column(default=0)
    #: Set when the adopter reports "in gebruik genomen".
    in_use_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Jobs (banen) the adoption produced, as reported by the adopter.
    jobs: Mapped[int] = mapped_column(default=0)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "anonymise"})

    source: Mapped[WorkPackage] = relationship(foreign_keys=[source_id])
    copy: Mapped[WorkPackage | None] = relationship(foreign_keys=[copy_id])
    organisation: Mapped[Organisation] = relationship()

    @property
    def in_use(self) -> bool:
        return self.in_use_at is not None


# --- good-practice cases -------------------------------------------------------------------------------

class Recruitment(StrEnum):
    """How the person was found (wervingskanaal)."""

    INTERNSHIP = "stage"
    WORK_EXPERIENCE = "werkervaringsplaats"
    VOLUNTEERING = "vrijwilligerswerk"
    FORMER_PUPIL = "oud_leerling"
    SPECIAL_SCHOOL = "school_vso_pro"
    SERVICE_POINT = "wsp_uwv_gemeente"
    SHELTERED = "sw_bedrijf"
    AGENCY = "uitzendbureau"
    VACANCY = "eigen_vacature"
    NETWORK = "netwerk"


RECRUITMENT_LABELS = {
    Recruitment.INTERNSHIP: _l("Stage"),
    Recruitment.WORK_EXPERIENCE: _l("Werkervaringsplaats"),
    Recruitment.VOLUNTEERING: _l("Vrijwilligerswerk"),
    Recruitment.FORMER_PUPIL: _l("Oud-leerling (praktijkonderwijs of vso)"),
    Recruitment.SPECIAL_SCHOOL: _l("Via een vso- of praktijkschool"),
    Recruitment.SERVICE_POINT: _l("Werkgeversservicepunt, UWV of gemeente"),
    Recruitment.SHELTERED: _l("Sw-bedrijf"),
    Recruitment.AGENCY: _l("Uitzendbureau"),
    Recruitment.VACANCY: _l("Eigen vacature"),
    Recruitment.NETWORK: _l("Eigen netwerk"),
}


class Partner(StrEnum):
    SERVICE_POINT = "wsp"
    UWV = "uwv"
    MUNICIPALITY = "gemeente"
    SHELTERED = "sw_bedrijf"
    SCHOOL = "vso_pro_school"
    COACHING = "jobcoachorganisatie"
    SECTOR_FUND = "sectorfonds"


PARTNER_LABELS = {
    Partner.SERVICE_POINT: _l("Werkgeversservicepunt"),
    Partner.UWV: _l("UWV"),
    Partner.MUNICIPALITY: _l("Gemeente"),
    Partner.SHELTERED: _l("Sw-bedrijf"),
    Partner.SCHOOL: _l("Vso- of praktijkschool"),
    Partner.COACHING: _l("Jobcoachorganisatie"),
    Partner.SECTOR_FUND: _l("Sectorfonds"),
}


class Trigger(StrEnum):
    AGREEMENT = "banenafspraak"
    INCLUSION = "visie_inclusie"
    SHORTAGE = "personeelstekort"
    WORKLOAD = "werkdruk"


TRIGGER_LABELS = {
    Trigger.AGREEMENT: _l("De banenafspraak"),
    Trigger.INCLUSION: _l("Visie op inclusie"),
    Trigger.SHORTAGE: _l("Personeelstekort"),
    Trigger.WORKLOAD: _l("Werkdruk van collega's"),
}


class QuoteRole(StrEnum):
    EMPLOYEE = "medewerker"
    SUPERVISOR = "begeleider"
    DIRECTOR = "directeur"
    HR = "hr"
    COLLEAGUE = "collega"


QUOTE_ROLE_LABELS = {
    QuoteRole.EMPLOYEE: _l("Medewerker"),
    QuoteRole.SUPERVISOR: _l("Begeleider"),
    QuoteRole.DIRECTOR: _l("Directeur"),
    QuoteRole.HR: _l("HR-adviseur"),
    QuoteRole.COLLEAGUE: _l("Collega"),
}

case_instruments = sa.Table(
    "case_instruments",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument", sa.String(40), primary_key=True, index=True),
)


class Case(PublishableMixin, db.Model):
    """A good practice: one employer's real placement, optionally built on a work package.
    Numbers only, never who the person is."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Markdown, through the one sanitiser.
    story: Mapped[str] = mapped_column(sa.Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    sector_code: Mapped[str | None] = mapped_column(sa.ForeignKey("sectors.code"), index=True)
    #: Derived from the organisation's municipality when the case is made; may be changed.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="SET NULL"),
                                                   index=True)
    circle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("circles.id", ondelete="SET NULL"), index=True)
    function_title: Mapped[str] = mapped_column(sa.String(160), default="")
    setting: Mapped[str] = mapped_column(sa.String(24), default=Setting.OTHER, index=True)
    start_year: Mapped[int | None] = mapped_column()
    placements: Mapped[int | None] = mapped_column()
    hours_per_week: Mapped[float | None] = mapped_column(sa.Float)
    contract_form: Mapped[str] = mapped_column(sa.String(20), default="")
    recruitment: Mapped[list] = mapped_column(sa.JSON, default=list)
    partners: Mapped[list] = mapped_column(sa.JSON, default=list)
    triggers: Mapped[list] = mapped_column(sa.JSON, default=list)
    guidance: Mapped[list] = mapped_column(sa.JSON, default=list)
    guidance_notes: Mapped[str] = mapped_column(sa.Text, default="")
    adjustments: Mapped[str] = mapped_column(sa.Text, default="")
    costs_benefits: Mapped[str] = mapped_column(sa.Text, default="")
    results_organisation: Mapped[str] = mapped_column(sa.Text, default="")
    results_team: Mapped[str] = mapped_column(sa.Text, default="")
    results_employee: Mapped[str] = mapped_column(sa.Text, default="")
    #: Durability: still employed (None: unknown), a permanent contract after this many months.
    still_employed: Mapped[bool | None] = mapped_column()
    permanent_after_months: Mapped[int | None] = mapped_column()
    growth: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    tips: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                  info={"personal": "contribution"})
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "anonymise"})

    organisation: Mapped[Organisation | None] = relationship()
    sector: Mapped[Sector | None] = relationship()
    region: Mapped[Region | None] = relationship()
    package: Mapped[WorkPackage | None] = relationship()
    circle: Mapped[Circle | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    quotes: Mapped[list["CaseQuote"]] = relationship(back_populates="case", order_by="CaseQuote.position",
                                                     cascade="all, delete-orphan", passive_deletes=True)
    instrument_rows: Mapped[list["CaseInstrument"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CaseInstrument.instrument")

    @property
    def instruments(self) -> list[str]:
        return [row.instrument for row in self.instrument_rows]


class CaseInstrument(db.Model):
    __table__ = case_instruments


class CaseQuote(db.Model):
    """A quote by role, never by name. An employee's quote needs their explicit consent, recorded here."""

    __tablename__ = "case_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text)
    #: When and by whom the consent (AVG art. 9: explicit) was recorded, and how it was given.
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                               info={"personal": "anonymise"})
    consent_note: Mapped[str] = mapped_column(sa.String(300), default="")

    case: Mapped[Case] = relationship(back_populates="quotes")


class Attachment(db.Model):
    """A file attached to a package or a case, kept in the configured storage under a random key."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workpackages.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The key in the storage (random; never derived from the uploaded name).
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: The uploaded name made safe, used in Content-Disposition.
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Detected from the content, not the name.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    #: What the file is ("Functieomschrijving"); for images: the alternative text.
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                       info={"personal": "contribution"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
