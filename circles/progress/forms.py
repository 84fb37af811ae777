"""Forms for recording figures and for how an organisation shares them. The rules about years and
numbers live in ``records`` (the view puts their messages on the fields)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from circles.core.forms import BaseForm, NumberField, YearField, choices, max_length, strip
from circles.core.personal_data import NoPersonalData
from circles.progress.models import RECORDER_LABELS, SOURCE_LABELS, Recorders, Source
from circles.progress.records import MAX_JOBS

QUARTER_LABELS = {
    "": _l("Het hele jaar"),
    "1": _l("Eerste kwartaal (t/m maart)"),
    "2": _l("Tweede kwartaal (t/m juni)"),
    "3": _l("Derde kwartaal (t/m september)"),
    "4": _l("Vierde kwartaal (t/m december)"),
}


def _quarter(value):
    return int(value) if value in ("1", "2", "3", "4") else None


class RecordForm(BaseForm):
    year = YearField(_l("Jaar"), whole=True, maximum=9999, description=_l("Bijvoorbeeld 2025."))
    quarter = SelectField(_l("Periode"), choices=choices(QUARTER_LABELS.items()), default="",
                          validate_choice=False, coerce=str,
                          description=_l("Een kwartaal: wat u aan het eind van dat kwartaal in dat jaar gerealiseerd "
                                         "had. Het hele jaar telt vóór de kwartalen."))
    target = NumberField(_l("Taakstelling (aantal banen)"), maximum=int(MAX_JOBS),
                         description=_l("Eén baan is 25,5 uur per week. Laat leeg als u de taakstelling niet weet."))
    realised = NumberField(_l("Gerealiseerd (aantal banen)"), maximum=int(MAX_JOBS),
                           description=_l("Bijvoorbeeld 12 of 12,5. Laat leeg als u alleen de taakstelling invult."))
    source = RadioField(_l("Bron van de cijfers"), choices=choices(SOURCE_LABELS.items()), default=Source.OWN_COUNT,
                        validate_choice=False,
                        validators=[InputRequired(_l("Kies waar de cijfers vandaan komen.")),
                                    AnyOf(list(Source), message=_l("Kies waar de cijfers vandaan komen."))])
    note = TextAreaField(_l("Toelichting (niet verplicht)"), [Optional(), max_length(1000), NoPersonalData()],
                         filters=[strip],
                         description=_l("Bijvoorbeeld hoe u geteld hebt. Noem geen namen van medewerkers."))

    def validate_quarter(self, field):
        if field.data not in QUARTER_LABELS:
            raise ValidationError(_l("Kies een kwartaal (1 tot en met 4) of het hele jaar."))

    @property
    def quarter_number(self) -> int | None:
        return _quarter(self.quarter.data)


class SettingsForm(BaseForm):
    hidden = BooleanField(_l("Verberg onze cijfers per organisatie"),
                          description=_l("Dan ziet niemand buiten uw organisatie uw eigen cijfers. Ze tellen alleen "
                                         "mee in sectortotalen van ten minste vijf organisaties, waarvan ten minste "
                                         "drie hun cijfers verbergen (voor het doel en voor het gerealiseerde aantal "
                                         "elk), zodat niemand ze kan terugrekenen."))
    recorders = RadioField(_l("Wie mag de cijfers invoeren?"), choices=choices(RECORDER_LABELS.items()),
                           default=Recorders.COORDINATORS, validate_choice=False,
                           validators=[InputRequired(_l("Kies wie de cijfers mag invoeren.")),
                                       AnyOf(list(Recorders), message=_l("Kies wie de cijfers mag invoeren."))])
