"""The work-package form: every field employers use (domain.md section 6), task lines without
JavaScript (a button adds empty rows and keeps what was typed), and no personal data."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from circles.core.forms import BaseForm, MultiCheckboxField, NumberField, choices, max_length, required, strip
from circles.core.personal_data import NoPersonalData
from circles.groups.models import Visibility
from circles.reference.sectors import SECTORS
from circles.workpackages.instruments import instrument_choices
from circles.workpackages.models import (
    CONTRACT_LABELS,
    FREQUENCY_LABELS,
    GUIDANCE_LABELS,
    INDEPENDENCE_LABELS,
    LANGUAGE_LABELS,
    LICENCE_LABELS,
    SETTING_LABELS,
    WORK_LEVEL_LABELS,
)
from circles.workpackages.workflow.forms import ItemForm, PublishForm, SendBackForm  # noqa: F401

#: The most hours a week a task or a package can have.
MAX_HOURS = 60
#: The most euros a cost field takes (ten million): larger is a typing error.
MAX_EUROS = 10_000_000
#: Empty task rows offered on a new form, and added by "Meer taakregels".
EMPTY_TASK_ROWS = 3
MAX_TASKS = 40
PRIVATE = NoPersonalData()


def _text(label, n=4000, description=None, **kwargs):
    return TextAreaField(label, [Optional(), max_length(n), PRIVATE], filters=[strip], description=description,
                         **kwargs)


class TaskForm(Form):
    """One task line (a subform: the package form carries the CSRF token)."""

    description = StringField(_l("Taak"), [Optional(), max_length(300), PRIVATE], filters=[strip],
                              description=_l("Bijvoorbeeld: kopieer- en lamineerwerk voor de docenten"))
    frequency = SelectField(_l("Hoe vaak"), choices=choices(FREQUENCY_LABELS.items()), default="wekelijks")
    hours_per_week = NumberField(_l("Uren per week"), maximum=MAX_HOURS)
    independence = SelectField(_l("Hoe zelfstandig"), choices=choices(INDEPENDENCE_LABELS.items()),
                               default="zelfstandig_na_instructie")
    tools = StringField(_l("Hulpmiddelen (niet verplicht)"), [Optional(), max_length(200), PRIVATE], filters=[strip])

    @property
    def is_empty(self) -> bool:
        return not self.description.data and self.hours_per_week.data is None and not self.tools.data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.is_empty and not self.description.data:
            self.description.errors = [*self.description.errors, _l("Beschrijf de taak, of maak de regel leeg.")]
            ok = False
        return ok


class PackageForm(ItemForm):
    """Create or edit a package. ``revision`` is the version the editor started from."""

    title = StringField(_l("Titel"), [required(_l("Geef het werkpakket een titel.")), max_length(160), PRIVATE],
                        filters=[strip], description=_l("De functie zoals collega's haar noemen, bijvoorbeeld "
                                                        "'Assistent-conciërge' of 'Medewerker post en archief'."))
    summary = TextAreaField(_l("Samenvatting"), [required(_l("Vat het werkpakket samen in een paar zinnen.")),
                                                 max_length(300), PRIVATE], filters=[strip],
                            description=_l("Hoogstens 300 tekens. Dit staat in de zoekresultaten en de nieuwsbrief."))
    sectors = MultiCheckboxField(_l("Sectoren waar het past"), choices=choices((c, label) for c, _g, label in SECTORS))
    setting = SelectField(_l("Afdeling of omgeving"), choices=choices(SETTING_LABELS.items()), default="overig")
    setting_other = StringField(_l("Afdeling in eigen woorden (niet verplicht)"),
                                [Optional(), max_length(120), PRIVATE], filters=[strip])
    tasks = FieldList(FormField(TaskForm), min_entries=EMPTY_TASK_ROWS, max_entries=MAX_TASKS)
    add_tasks = SubmitField(_l("Meer taakregels"))
    hours_min = NumberField(_l("Uren per week, minimaal"), maximum=MAX_HOURS,
                            description=_l("25,5 uur per week is één baan in de banenafspraak."))
    hours_max = NumberField(_l("Uren per week, maximaal"), maximum=MAX_HOURS)
    work_level = SelectField(_l("Werkniveau"), choices=choices(WORK_LEVEL_LABELS.items()), default="praktisch")
    skills = _text(_l("Wat iemand moet kunnen"), description=_l("Bijvoorbeeld: kan werken met een vaste dagstructuur."))
    taken_from = _text(_l("Van welke functies komen de taken"), description=_l("Bijvoorbeeld: docenten, conciërge, "
                                                                             "secretariaat."))
    relief = _text(_l("Wat het hen oplevert"), description=_l("Bijvoorbeeld: leraren hebben ongeveer twee uur per "
                                                              "week minder werkdruk."))
    contract_forms = MultiCheckboxField(_l("Mogelijke contractvormen"), choices=choices(CONTRACT_LABELS.items()))
    pay_scale = StringField(_l("Loonschaal en cao (niet verplicht)"), [Optional(), max_length(200), PRIVATE],
                            filters=[strip])
    guidance = MultiCheckboxField(_l("Begeleiding"), choices=choices(GUIDANCE_LABELS.items()))
    guidance_notes = _text(_l("Toelichting op de begeleiding"))
    adjustments = _text(_l("Aanpassingen van de werkplek"))
    instruments = MultiCheckboxField(_l("Gebruikte instrumenten"), choices=choices(instrument_choices()))
    cost_one_off = NumberField(_l("Eenmalige kosten in euro's"), whole=True, maximum=MAX_EUROS)
    cost_yearly = NumberField(_l("Jaarlijkse kosten in euro's"), whole=True, maximum=MAX_EUROS)
    subsidies_yearly = NumberField(_l("Tegemoetkomingen per jaar in euro's"), whole=True, maximum=MAX_EUROS)
    cost_notes = _text(_l("Toelichting op kosten en baten"),
                       description=_l("Zoals de werkgever ze zelf weegt, ook de indirecte effecten."))
    preconditions = _text(_l("Randvoorwaarden"))
    pitfalls = _text(_l("Valkuilen"))
    tips = _text(_l("Tips"))
    circle_id = SelectField(_l("Leercirkel"), coerce=str, validate_choice=True,
                            description=_l("Waar het werkpakket is ontwikkeld. Leden van die leercirkel kunnen het "
                                           "zien zodra u het publiceert."))
    licence = RadioField(_l("Licentie"), choices=choices(LICENCE_LABELS.items()), default="CC-BY-4.0")
    language = SelectField(_l("Taal van de tekst"), choices=choices(LANGUAGE_LABELS.items()), default="nl")

    def fill_circles(self, circles) -> None:
        self.circle_id.choices = choices([("", _l("Geen leercirkel"))] + [(str(c.id), c.name) for c in circles])

    def validate_hours_max(self, field):
        low, high = self.hours_min.data, field.data
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("Het maximum aantal uren moet minstens het minimum zijn."))

    def validate_tasks(self, field):
        if len([t for t in field if not t.form.is_empty]) > MAX_TASKS:
            raise ValidationError(_l("Een werkpakket heeft hoogstens %(n)s taakregels.", n=MAX_TASKS))

    def fill_from(self, content: dict) -> None:
        """Show a package's content (on GET, and when restoring the text after a conflict)."""
        for name in ("title", "summary", "setting", "setting_other", "hours_min", "hours_max", "work_level", "skills",
                     "taken_from", "relief", "contract_forms", "pay_scale", "guidance", "guidance_notes",
                     "adjustments", "instruments", "cost_one_off", "cost_yearly", "subsidies_yearly", "cost_notes",
                     "preconditions", "pitfalls", "tips", "sectors", "licence", "language"):
            getattr(self, name).data = content.get(name)
        self.circle_id.data = str(content["circle_id"]) if content.get("circle_id") else ""
        self.refill(self.tasks, content.get("tasks", []), EMPTY_TASK_ROWS)

    @property
    def adding_rows(self) -> bool:
        return bool(self.add_tasks.data)

    def add_empty_rows(self) -> None:
        self.add_rows(self.tasks, EMPTY_TASK_ROWS, MAX_TASKS)

    def content(self) -> dict:
        """The content dict (see content.package_content) this form describes."""
        data = {name: getattr(self, name).data for name in (
            "title", "summary", "setting", "setting_other", "hours_min", "hours_max", "work_level", "skills",
            "taken_from", "relief", "pay_scale", "guidance_notes", "adjustments", "cost_one_off", "cost_yearly",
            "subsidies_yearly", "cost_notes", "preconditions", "pitfalls", "tips", "licence", "language")}
        data["contract_forms"] = list(self.contract_forms.data or [])
        data["guidance"] = list(self.guidance.data or [])
        data["instruments"] = list(self.instruments.data or [])
        data["sectors"] = list(self.sectors.data or [])
        data["circle_id"] = int(self.circle_id.data) if self.circle_id.data else None
        data["tasks"] = [
            {"description": t.form.description.data, "frequency": t.form.frequency.data,
             "hours_per_week": t.form.hours_per_week.data, "independence": t.form.independence.data,
             "tools": t.form.tools.data or ""}
            for t in self.tasks if not t.form.is_empty
        ]
        return data


class ReportForm(BaseForm):
    """The adopter reports the package in use and the jobs it produced."""

    jobs = NumberField(_l("Aantal banen dat het heeft opgeleverd"), whole=True, maximum=10_000,
                       description=_l("Tel mensen die er nu werken, ook in deeltijd. Geen namen."))

    def validate_jobs(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Vul het aantal banen in (0 mag ook)."))


VISIBILITY_ORDER = [Visibility.CIRCLE, Visibility.PLATFORM, Visibility.PUBLIC]
