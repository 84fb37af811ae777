"""Forms of the signals register: reporting, recognising, answering and merging."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from circles.core.forms import BaseForm, choices, max_length, required, strip
from circles.core.personal_data import NoPersonalData
from circles.progress.models import CATEGORY_LABELS, SIGNAL_STATUS_LABELS


class SignalForm(BaseForm):
    """A bottleneck from practice. Sector and region are optional: empty means every sector, or national."""

    title = StringField(_l("Titel"), filters=[strip],
                        validators=[required(_l("Geef het signaal een korte titel.")), max_length(160),
                                    NoPersonalData()],
                        description=_l("In één zin: waar loopt u tegenaan? Hoogstens 160 tekens."))
    category = RadioField(_l("Categorie"), choices=choices([(k.value, v) for k, v in CATEGORY_LABELS.items()]),
                          invalid_choice_message=_l("Kies een categorie uit de lijst."))
    sector = SelectField(_l("Sector (niet verplicht)"), default="",
                         invalid_choice_message=_l("Kies een sector uit de lijst."),
                         description=_l("Kies “Alle sectoren” als het knelpunt in elke sector speelt."))
    region = SelectField(_l("Arbeidsmarktregio (niet verplicht)"), default="",
                         invalid_choice_message=_l("Kies een arbeidsmarktregio uit de lijst."),
                         description=_l("Kies “Landelijk” als het knelpunt niet aan één regio gebonden is."))
    description = TextAreaField(
        _l("Beschrijving"), filters=[strip],
        validators=[required(_l("Beschrijf het knelpunt.")), max_length(5000), NoPersonalData()],
        description=_l("Wat gebeurt er, wat is het gevolg en wat zou helpen? Hoogstens 5.000 tekens; u kunt "
                       "Markdown gebruiken. Noem geen geplaatste medewerkers: geen namen, BSN of andere gegevens "
                       "waarmee iemand te herkennen is."))

    def fill_choices(self, sectors, regions) -> None:
        self.sector.choices = choices([("", _l("Alle sectoren")), *[(s.code, s.label) for s in sectors]])
        self.region.choices = choices([("", _l("Landelijk")), *[(r.code, r.name) for r in regions]])

    def fields(self) -> dict:
        """What ``signals.report_signal`` and ``signals.update_signal`` take."""
        return {"title": self.title.data, "category": self.category.data, "description": self.description.data,
                "sector_code": self.sector.data or None, "region_code": self.region.data or None}


class RecognitionForm(BaseForm):
    note = TextAreaField(_l("Toelichting (niet verplicht)"), filters=[strip],
                         validators=[max_length(1000), NoPersonalData()],
                         description=_l("Hoe speelt dit bij u? Hoogstens 1.000 tekens. Noem geen geplaatste "
                                        "medewerkers."))


class ResponseForm(BaseForm):
    status = RadioField(_l("Status"), choices=choices([(k.value, v) for k, v in SIGNAL_STATUS_LABELS.items()]),
                        invalid_choice_message=_l("Kies een status uit de lijst."))
    response = TextAreaField(_l("Reactie van de coördinatoren"), filters=[strip],
                             validators=[max_length(5000), NoPersonalData()],
                             description=_l("Wat is er met het signaal gedaan? De melder en wie het herkent lezen "
                                            "dit, ook in een e-mail. Hoogstens 5.000 tekens; u kunt Markdown "
                                            "gebruiken."))


def _chosen(form, field) -> None:
    """The placeholder (0) is no choice; a value that is not a number already has its message."""
    if not field.process_errors and not field.data:
        raise ValidationError(_l("Kies het signaal waarmee dit signaal samenvalt."))


class MergeForm(BaseForm):
    # No choice check here: the service refuses a signal that does not exist, itself, a merged one or a
    # cycle, each with its own message.
    target = SelectField(_l("Dit signaal is een dubbel van"), coerce=int, validate_choice=False,
                         validators=[_chosen],
                         invalid_value_message=_l("Kies het signaal waarmee dit signaal samenvalt."),
                         description=_l("De herkenningen gaan over naar dat signaal; de melder van dit signaal "
                                        "herkent het daar. Dit signaal verdwijnt uit de lijst en het overzicht."))

    def fill_choices(self, rows) -> None:
        self.target.choices = choices([(0, _l("Kies een signaal")), *[(sid, f"{sid}. {title}") for sid, title in rows]])
