"""The good-practice case form: every field of a case (issue item 3, domain.md section 6), quotes by role
without JavaScript (a button adds empty rows and keeps what was typed), and no personal data: an
employee's quote needs the box that says they gave explicit consent."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms.fields.choices import RadioField, SelectField
from wtforms.fields.form import FormField
from wtforms.fields.list import FieldList
from wtforms.fields.simple import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional, ValidationError

from circles.core.forms import MultiCheckboxField, YearField, choices, max_length, required, strip
from circles.reference.sectors import SECTORS
from circles.workpackages.cases.content import FIELDS as CONTENT_FIELDS
from circles.workpackages.forms import MAX_HOURS, PRIVATE, NumberField, _text
from circles.workpackages.instruments import instrument_choices
from circles.workpackages.labels import CASE_LABELS as LABELS
from circles.workpackages.models import QuoteRole
from circles.workpackages.workflow.forms import ItemForm

#: The first start year a case can have.
FIRST_YEAR = 1990
MAX_PLACEMENTS = 1000
#: Fifty years: more is a typing error.
MAX_MONTHS = 600
#: Empty quote rows on a new form, and added by "Meer citaten".
EMPTY_QUOTE_ROWS = 2
MAX_QUOTES = 20
#: Still employed: the radio value and the stored value (None: not known).
EMPLOYED_VALUES = {"ja": True, "nee": False, "onbekend": None}
NO_CONSENT = _l("Een citaat van de medewerker mag alleen met diens uitdrukkelijke toestemming. Vink aan dat die "
                "toestemming er is, of haal het citaat weg.")


class QuoteForm(Form):
    """One quote, by role (a subform: the case form carries the CSRF token)."""

    role = SelectField(_l("Wie zegt het"), choices=choices(LABELS["roles"].items()), default=QuoteRole.SUPERVISOR,
                       description=_l("Alleen de rol, nooit een naam."))
    text = TextAreaField(_l("Citaat"), [Optional(), max_length(1000), PRIVATE], filters=[strip])
    consent = BooleanField(_l("De medewerker heeft uitdrukkelijk toestemming gegeven voor dit citaat"))
    consent_note = StringField(_l("Hoe en wanneer is de toestemming gegeven (zonder naam)"),
                               [Optional(), max_length(300), PRIVATE], filters=[strip],
                               description=_l("Bijvoorbeeld: schriftelijk, met het toestemmingsformulier, maart 2024."))

    @property
    def is_empty(self) -> bool:
        return not self.text.data and not self.consent_note.data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty:
            return ok
        if not self.text.data:
            self.text.errors = [*self.text.errors, _l("Schrijf het citaat, of maak de regel leeg.")]
            ok = False
        if self.role.data == QuoteRole.EMPLOYEE and not self.consent.data:
            self.consent.errors = [*self.consent.errors, NO_CONSENT]
            ok = False
        return ok


class CaseForm(ItemForm):
    """Create or edit a case. ``revision`` is the version the editor started from."""

    title = StringField(_l("Titel"), [required(_l("Geef het voorbeeld een titel.")), max_length(160), PRIVATE],
                        filters=[strip], description=_l("Bijvoorbeeld: 'Assistent-conciërge na een stage'."))
    summary = TextAreaField(_l("Samenvatting"), [required(_l("Vat het voorbeeld samen in een paar zinnen.")),
                                                 max_length(300), PRIVATE], filters=[strip],
                            description=_l("Hoogstens 300 tekens. Dit staat in de zoekresultaten en de nieuwsbrief."))
    story = _text(_l("Het verhaal"), 20000, description=_l("Hoe het ging, van het eerste idee tot nu. U kunt "
                                                          "Markdown gebruiken: **vet**, lijstjes met een streepje."))
    function_title = StringField(_l("Functie"), [Optional(), max_length(160), PRIVATE], filters=[strip],
                                 description=_l("Zoals de organisatie de functie noemt."))
    setting = SelectField(_l("Afdeling of omgeving"), choices=choices(LABELS["setting"].items()), default="overig")
    sector = SelectField(_l("Sector"), default="",
                         choices=choices([("", _l("Geen sector"))] + [(c, label) for c, _g, label in SECTORS]))
    region = SelectField(_l("Arbeidsmarktregio"), default="",
                         description=_l("Waar de organisatie ligt. Standaard de regio van uw organisatie."))
    package = SelectField(_l("Werkpakket"), default="",
                          description=_l("Het werkpakket waarop deze plaatsing is gebaseerd, als dat er is."))
    circle = SelectField(_l("Leercirkel"), default="",
                         description=_l("Leden van die leercirkel kunnen het voorbeeld zien zodra u het publiceert."))
    start_year = YearField(_l("Startjaar"), whole=True, maximum=9999)
    placements = NumberField(_l("Aantal plaatsingen"), whole=True, maximum=MAX_PLACEMENTS,
                             description=_l("Hoeveel mensen op deze manier een baan kregen."))
    hours_per_week = NumberField(_l("Uren per week"), maximum=MAX_HOURS,
                                 description=_l("25,5 uur per week is één baan in de banenafspraak."))
    contract_form = SelectField(_l("Contractvorm"), default="",
                                choices=choices([("", _l("Niet bekend")), *LABELS["contract"].items()]))
    recruitment = MultiCheckboxField(_l("Hoe de medewerker gevonden is"),
                                     choices=choices(LABELS["recruitment"].items()))
    partners = MultiCheckboxField(_l("Samenwerkingspartners"), choices=choices(LABELS["partners"].items()))
    triggers = MultiCheckboxField(_l("Aanleiding"), choices=choices(LABELS["triggers"].items()))
    guidance = MultiCheckboxField(_l("Begeleiding"), choices=choices(LABELS["guidance"].items()))
    guidance_notes = _text(_l("Toelichting op de begeleiding"))
    adjustments = _text(_l("Aanpassingen van de werkplek"))
    instruments = MultiCheckboxField(_l("Gebruikte instrumenten"), choices=choices(instrument_choices()))
    costs_benefits = _text(_l("Kosten en baten"), description=_l("Zoals de werkgever ze zelf weegt: directe kosten, "
                                                                 "tegemoetkomingen en indirecte effecten."))
    results_organisation = _text(_l("Resultaat voor de organisatie"))
    results_team = _text(_l("Resultaat voor het team"), description=_l("Bijvoorbeeld: minder werkdruk voor leraren."))
    results_employee = _text(_l("Resultaat voor de medewerker"),
                             description=_l("In algemene termen; niets waaraan iemand te herkennen is."))
    still_employed = RadioField(_l("Werkt de medewerker er nog?"), default="onbekend", choices=choices(
        [("ja", _l("Ja")), ("nee", _l("Nee")), ("onbekend", _l("Niet bekend"))]))
    permanent_after_months = NumberField(_l("Vast contract na hoeveel maanden (niet verplicht)"), whole=True,
                                         maximum=MAX_MONTHS)
    growth = _text(_l("Doorgroei"), description=_l("Ontwikkeling en groei na de start, niet alleen de eerste baan."))
    lessons = _text(_l("Lessen"))
    tips = _text(_l("Tips voor andere werkgevers"))
    quotes = FieldList(FormField(QuoteForm), _l("Citaten"), min_entries=EMPTY_QUOTE_ROWS, max_entries=MAX_QUOTES)
    add_quotes = SubmitField(_l("Meer citaten"))
    licence = RadioField(_l("Licentie"), choices=choices(LABELS["licence"].items()), default="CC-BY-4.0")
    language = SelectField(_l("Taal van de tekst"), choices=choices(LABELS["language"].items()), default="nl")

    @property
    def error_list(self) -> list:
        """(field, message) pairs in form order; a quote's errors point at the field of that quote."""
        pairs = []
        for field in self:
            if field.type == "CSRFTokenField":
                continue
            if field is self.quotes:
                for entry in field:
                    pairs += [(sub, err) for sub in entry.form for err in sub.errors]
                pairs += [(field, err) for err in field.errors if isinstance(err, str)]
            else:
                pairs += [(field, err) for err in field.errors]
        return pairs

    def fill_choices(self, *, regions, packages, circles) -> None:
        """The regions, the packages the writer can read and the writer's circles."""
        self.region.choices = choices([("", _l("Niet bekend"))] + [(r.code, r.name) for r in regions])
        self.package.choices = choices([("", _l("Geen werkpakket"))] + [(str(p.id), p.title) for p in packages])
        self.circle.choices = choices([("", _l("Geen leercirkel"))] + [(str(c.id), c.name) for c in circles])

    def validate_start_year(self, field):
        last = date.today().year + 1
        if field.data is not None and not FIRST_YEAR <= field.data <= last:
            raise ValidationError(_l("Vul een jaar van %(first)s tot en met %(last)s in.", first=FIRST_YEAR,
                                     last=last))

    def validate_placements(self, field):
        if field.data is not None and field.data < 1:
            raise ValidationError(_l("Vul een aantal van minstens 1 in."))

    def validate_quotes(self, field):
        if len([q for q in field if not q.form.is_empty]) > MAX_QUOTES:
            raise ValidationError(_l("Een voorbeeld heeft hoogstens %(n)s citaten.", n=MAX_QUOTES))

    def fill_from(self, content: dict) -> None:
        """Show a case's content (on GET, and when restoring the text after a conflict)."""
        for name in CONTENT_FIELDS:
            if name != "still_employed":
                getattr(self, name).data = content.get(name)
        for name in ("recruitment", "partners", "triggers", "guidance", "instruments", "licence", "language"):
            getattr(self, name).data = content.get(name)
        still = content.get("still_employed")
        self.still_employed.data = "onbekend" if still is None else ("ja" if still else "nee")
        self.contract_form.data = content.get("contract_form") or ""
        self.sector.data = content.get("sector_code") or ""
        self.region.data = content.get("region_code") or ""
        self.package.data = str(content["package_id"]) if content.get("package_id") else ""
        self.circle.data = str(content["circle_id"]) if content.get("circle_id") else ""
        self.refill(self.quotes, [{"role": quote.get("role"), "text": quote.get("text"),
                                   "consent": bool(quote.get("consent_recorded")),
                                   "consent_note": quote.get("consent_note") or ""}
                                  for quote in content.get("quotes", [])], EMPTY_QUOTE_ROWS)

    @property
    def adding_rows(self) -> bool:
        return bool(self.add_quotes.data)

    def show_refusal(self, message) -> None:
        """On the quotes: the one thing the form cannot always see (an employee's quote without consent)."""
        self.quotes.errors = [*(e for e in self.quotes.errors if isinstance(e, str)), message]

    def add_empty_rows(self) -> None:
        self.add_rows(self.quotes, EMPTY_QUOTE_ROWS, MAX_QUOTES)

    def content(self) -> dict:
        """The content dict (see cases.content.case_content) this form describes."""
        data = {name: getattr(self, name).data for name in CONTENT_FIELDS if name != "still_employed"}
        data["still_employed"] = EMPLOYED_VALUES.get(self.still_employed.data)
        data["contract_form"] = self.contract_form.data or ""
        for name in ("recruitment", "partners", "triggers", "guidance", "instruments"):
            data[name] = list(getattr(self, name).data or [])
        data["sector_code"] = self.sector.data or None
        data["region_code"] = self.region.data or None
        data["package_id"] = int(self.package.data) if (self.package.data or "").isdigit() else None
        data["circle_id"] = int(self.circle.data) if (self.circle.data or "").isdigit() else None
        data["licence"] = self.licence.data
        data["language"] = self.language.data
        data["quotes"] = [
            {"role": q.form.role.data, "text": q.form.text.data, "consent_recorded": bool(q.form.consent.data),
             "consent_note": q.form.consent_note.data or ""}
            for q in self.quotes if not q.form.is_empty
        ]
        return data
