"""Forms of the circles feature."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from circles.core.forms import BaseForm, MultiCheckboxField, choices, email_address, max_length, required, strip
from circles.groups.models import (
    CIRCLE_ROLE_LABELS,
    JOIN_POLICY_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
)


class CircleForm(BaseForm):
    name = StringField(_l("Naam"), filters=[strip],
                       validators=[required(_l("Geef de leercirkel een naam.")), max_length(120)])
    description = TextAreaField(_l("Beschrijving"), filters=[strip], validators=[max_length(20000)],
                                description=_l("Waar gaat de leercirkel over? U kunt Markdown gebruiken."))
    goals = TextAreaField(_l("Doelen"), filters=[strip], validators=[max_length(20000)],
                          description=_l("Wat wil de leercirkel bereiken? U kunt Markdown gebruiken."))
    sectors = MultiCheckboxField(_l("Sectoren"), validators=[InputRequired(_l("Kies minstens één sector."))])
    regions = MultiCheckboxField(_l("Arbeidsmarktregio's"), validators=[Optional()],
                                 description=_l("Kies geen regio voor een landelijke leercirkel."))
    visibility = SelectField(_l("Wie kan de leercirkel zien?"),
                             choices=choices([(k.value, v) for k, v in VISIBILITY_LABELS.items()]))
    join_policy = SelectField(_l("Hoe doet iemand mee?"),
                              choices=choices([(k.value, v) for k, v in JOIN_POLICY_LABELS.items()]))
    status = SelectField(_l("Status"), choices=choices([(k.value, v) for k, v in STATUS_LABELS.items()]))

    def fill_choices(self, sectors, regions) -> None:
        self.sectors.choices = choices([(s.code, s.label) for s in sectors])
        self.regions.choices = choices([(r.code, r.name) for r in regions])


class JoinRequestForm(BaseForm):
    motivation = TextAreaField(_l("Waarom wilt u meedoen? (niet verplicht)"), filters=[strip],
                               validators=[max_length(2000)],
                               description=_l("De coördinatoren lezen dit bij uw aanvraag."))


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Reden (niet verplicht, de aanvrager leest dit)"), filters=[strip],
                           validators=[max_length(2000)])


class InviteForm(BaseForm):
    email = StringField(_l("E-mailadres van wie u uitnodigt"), filters=[strip], validators=email_address())


class CircleRoleForm(BaseForm):
    role = SelectField(_l("Rol in de leercirkel"),
                       choices=choices([(k.value, v) for k, v in CIRCLE_ROLE_LABELS.items()]))
