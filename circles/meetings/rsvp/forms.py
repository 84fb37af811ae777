"""Forms for answering a meeting, recording attendance and a circle's reminder setting."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired

from circles.core.forms import BaseForm, MultiCheckboxField, NumberField, choices, max_length, strip
from circles.meetings.models import ANSWER_LABELS, Answer
from circles.meetings.rsvp.services import MAX_REMINDER_DAYS, NEEDS_MAX

_NEEDS_HINT = _l("Alleen zichtbaar voor de coördinatoren; wordt na de bijeenkomst verwijderd.")


class RsvpForm(BaseForm):
    answer = RadioField(
        _l("Komt u?"), choices=choices([(k.value, v) for k, v in ANSWER_LABELS.items()]), validate_choice=False,
        validators=[InputRequired(_l("Kies ja, nee of misschien.")),
                    AnyOf([a.value for a in Answer], message=_l("Kies ja, nee of misschien."))])
    dietary_needs = TextAreaField(_l("Dieetwensen (niet verplicht)"), filters=[strip],
                                  validators=[max_length(NEEDS_MAX)], description=_NEEDS_HINT)
    accessibility_needs = TextAreaField(_l("Wensen voor toegankelijkheid (niet verplicht)"), filters=[strip],
                                        validators=[max_length(NEEDS_MAX)], description=_NEEDS_HINT)


class AttendanceForm(BaseForm):
    #: Ids of the answers (``Rsvp.id``) of people who were there; unchecked means absent.
    present = MultiCheckboxField(_l("Aanwezig"), coerce=int, validate_choice=False)


class MeetingSettingsForm(BaseForm):
    reminder_days = NumberField(
        _l("Herinnering sturen, aantal dagen voor de bijeenkomst"), whole=True, maximum=MAX_REMINDER_DAYS,
        message=_l("Vul een aantal dagen in, van 0 tot en met 30."),
        validators=[InputRequired(_l("Vul een aantal dagen in, van 0 tot en met 30."))],
        description=_l("Wie zich aanmeldde (ja of misschien) krijgt dan een e-mail. 0 betekent: geen herinneringen."))
