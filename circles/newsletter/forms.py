"""The composer's forms: the whole issue in one form (so a move button also saves what was typed),
and the form that adds a section for a region or sector."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from circles.core.forms import BaseForm, MultiCheckboxField, max_length, required, strip
from circles.core.personal_data import NoPersonalData
from circles.meetings.forms import parse_date, parse_int


class ItemForm(Form):
    id = HiddenField()
    included = BooleanField(_l("Opnemen in deze editie"))
    teaser = TextAreaField(_l("Korte tekst"), filters=[strip], validators=[max_length(600), NoPersonalData()])
    section_id = SelectField(_l("Sectie"), validate_choice=False)


class SectionForm(Form):
    id = HiddenField()
    title = StringField(_l("Titel van de sectie"), filters=[strip], validators=[max_length(200)],
                        description=_l("Leeg laten voor de standaardtitel."))


class ComposeForm(BaseForm):
    subject = StringField(_l("Onderwerp (niet verplicht)"), filters=[strip], validators=[max_length(200)],
                          description=_l("Leeg laten: lezers krijgen „Nieuwsbrief 12” in hun eigen taal."))
    issue_date = StringField(_l("Verschijningsdatum"), filters=[strip],
                             validators=[required(_l("Vul de verschijningsdatum in."))],
                             description=_l("Bijvoorbeeld 03-12-2026. Elke twee weken een editie."))
    intro = TextAreaField(_l("Inleiding"), filters=[strip], validators=[max_length(5000), NoPersonalData()],
                          description=_l("Een paar zinnen van de redactie. Markdown mag: **vet**, [link](https://...)."))
    items = FieldList(FormField(ItemForm))
    sections = FieldList(FormField(SectionForm))

    def validate_issue_date(self, field):
        if field.data and parse_date(field.data) is None:
            raise ValidationError(_l("Vul een datum in zoals 03-12-2026."))

    def fill_from(self, issue) -> None:
        """Prefill from the issue (GET)."""
        self.subject.data, self.intro.data = issue.subject, issue.intro
        self.issue_date.data = issue.issue_date.strftime("%d-%m-%Y")
        for section in issue.sections:
            self.sections.append_entry({"id": str(section.id), "title": section.title})
        for section in issue.sections:
            for item in section.items:
                self.items.append_entry({"id": str(item.id), "included": item.included, "teaser": item.teaser,
                                         "section_id": str(item.section_id)})

    def set_choices(self, sections, section_title) -> None:
        for entry in self.items:
            entry.form.section_id.choices = [(str(s.id), section_title(s)) for s in sections]

    def item_values(self) -> dict[int, dict]:
        values = {}
        for entry in self.items:
            item_id = parse_int(entry.form.id.data or "")
            if item_id is not None:
                values[item_id] = {"included": bool(entry.form.included.data), "teaser": entry.form.teaser.data or "",
                                   "section_id": parse_int(entry.form.section_id.data or "")}
        return values

    def section_values(self) -> dict[int, dict]:
        values = {}
        for entry in self.sections:
            section_id = parse_int(entry.form.id.data or "")
            if section_id is not None:
                values[section_id] = {"title": entry.form.title.data or ""}
        return values


class AddSectionForm(BaseForm):
    title = StringField(_l("Titel van de nieuwe sectie"), filters=[strip],
                        validators=[required(_l("Geef de sectie een titel.")), max_length(200)])
    sectors = MultiCheckboxField(_l("Alleen voor abonnees met interesse in deze sectoren"))
    regions = MultiCheckboxField(_l("Alleen voor abonnees met interesse in deze regio's"))

    def fill_choices(self, sectors, regions) -> None:
        self.sectors.choices = [(s.code, s.label) for s in sectors]
        self.regions.choices = [(r.code, r.name) for r in regions]
