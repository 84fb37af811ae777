"""Forms for minutes, the minutes editor, decisions and action items."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional, Regexp

from circles.accounts.models import User
from circles.core.forms import BaseForm, choices, max_length, required, strip
from circles.meetings.minutes.services import MAX_BODY, MAX_TEXT

#: Prefixes keep the ids of the forms on the meeting page apart.
DECISION_PREFIX = "besluit"
ACTION_PREFIX = "actiepunt"
EDITOR_PREFIX = "notulist"

_MISSING_REVISION = _l("De versie ontbreekt. Laad de pagina opnieuw.")


class MinutesForm(BaseForm):
    body = TextAreaField(_l("Verslag"), validators=[max_length(MAX_BODY)],
                         description=_l("U kunt Markdown gebruiken: # kopje, **vet**, - opsomming."))
    #: The revision the edit started from; a save based on an older one is refused.
    revision = HiddenField(validators=[required(_MISSING_REVISION), Regexp(r"^\d{1,9}$", message=_MISSING_REVISION)])


class EditorForm(BaseForm):
    user_id = SelectField(_l("Notulist"), coerce=int, invalid_value_message=_l("Kies een lid van de leercirkel."),
                          invalid_choice_message=_l("Kies een lid van de leercirkel."),
                          description=_l("Een lid van de leercirkel dat het verslag mag schrijven."))

    def fill_choices(self, members: list[User]) -> None:
        self.user_id.choices = choices([(0, _l("Geen notulist (alleen coördinatoren)"))]
                                      + [(u.id, u.name) for u in members])


class DecisionForm(BaseForm):
    text = TextAreaField(_l("Besluit"), filters=[strip],
                         validators=[required(_l("Beschrijf het besluit.")), max_length(MAX_TEXT)])


class DecisionDeleteForm(BaseForm):
    #: The meeting the button was shown on: a decision of another meeting is refused (404).
    meeting_id = HiddenField(validators=[required(_l("Het formulier was onvolledig."))])


class ActionItemForm(BaseForm):
    text = TextAreaField(_l("Actiepunt"), filters=[strip],
                         validators=[required(_l("Beschrijf wat er moet gebeuren.")), max_length(MAX_TEXT)])
    owner_id = SelectField(_l("Wie doet het?"), coerce=int, invalid_value_message=_l("Kies een lid van de leercirkel."),
                           invalid_choice_message=_l("Kies een lid van de leercirkel."))
    due_date = DateField(_l("Klaar op (niet verplicht)"), validators=[Optional()],
                         invalid_value_message=_l("Vul een geldige datum in, of laat het veld leeg."),
                         description=_l("Uiterlijk twee jaar na de bijeenkomst."))

    def fill_choices(self, members: list[User]) -> None:
        self.owner_id.choices = choices([(u.id, u.name) for u in members])


class ActionStatusForm(BaseForm):
    status = SelectField(_l("Status"), choices=choices([("open", _l("Open")), ("done", _l("Gedaan"))]),
                         invalid_choice_message=_l("Kies een geldige status."))
    #: "mijn": go back to my action items instead of the meeting page.
    back = HiddenField()
