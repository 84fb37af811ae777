"""Account and organisation forms. Labels and messages are lazy, so they follow the reader's language."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Optional, ValidationError

from circles.accounts.models import ROLE_LABELS
from circles.core.forms import (
    BaseForm,
    MultiCheckboxField,
    StrongPassword,
    WebAddress,
    choices,
    email_address,
    max_length,
    required,
    strip,
)


class OrganisationFields:
    """Choices for sector and municipality, filled by the view from the reference tables."""

    @staticmethod
    def fill(form, sectors, municipalities) -> None:
        form.sector.choices = choices([("", _l("Kies een sector"))] + [(s.code, s.label) for s in sectors])
        form.municipality.choices = choices([("", _l("Kies een gemeente"))]
                                            + [(str(m.id), m.name) for m in municipalities])


class RegistrationForm(BaseForm):
    name = StringField(_l("Naam"), filters=[strip], validators=[required(_l("Vul uw naam in.")), max_length(120)])
    email = StringField(_l("E-mailadres (werk)"), filters=[strip], validators=email_address())
    function = StringField(_l("Functie"), filters=[strip], validators=[max_length(120)],
                           description=_l("Bijvoorbeeld: projectleider banenafspraak."))
    organisation = StringField(
        _l("Organisatie"), filters=[strip],
        validators=[required(_l("Vul de naam van uw organisatie in.")), max_length(200)],
        description=_l("Kies uw organisatie uit de lijst. Staat die er niet bij? Typ de naam en vul "
                       "hieronder sector en gemeente in."),
    )
    sector = SelectField(_l("Sector van uw organisatie"), validators=[Optional()], validate_choice=False)
    municipality = SelectField(_l("Gemeente van vestiging"), validators=[Optional()], validate_choice=False)
    password = PasswordField(_l("Wachtwoord"), validators=[required(_l("Kies een wachtwoord.")), StrongPassword()],
                             description=_l("Minstens 12 tekens. Een zin van een paar woorden werkt goed."))
    confirm = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        required(_l("Herhaal het wachtwoord.")),
        EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk.")),
    ])


class LoginForm(BaseForm):
    email = StringField(_l("E-mailadres"), filters=[strip], validators=email_address())
    password = PasswordField(_l("Wachtwoord"), validators=[required(_l("Vul uw wachtwoord in.")), max_length(200)])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class ForgotPasswordForm(BaseForm):
    email = StringField(_l("E-mailadres"), filters=[strip], validators=email_address())


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[required(_l("Kies een wachtwoord.")),
                                                                StrongPassword()])
    confirm = PasswordField(_l("Herhaal het nieuwe wachtwoord"), validators=[
        required(_l("Herhaal het wachtwoord.")),
        EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk.")),
    ])


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[required(_l("Vul uw huidige wachtwoord in.")),
                                                                max_length(200)])

    def validate_current(self, field):
        if not self.meta.user.check_password(field.data or ""):
            raise ValidationError(_l("Het huidige wachtwoord klopt niet."))

    class Meta:
        user = None


class ProfileForm(BaseForm):
    name = StringField(_l("Naam"), filters=[strip], validators=[required(_l("Vul uw naam in.")), max_length(120)])
    email = StringField(_l("E-mailadres (werk)"), filters=[strip], validators=email_address())
    function = StringField(_l("Functie"), filters=[strip], validators=[max_length(120)])
    locale = SelectField(_l("Taal van de website en e-mails"),
                         choices=choices([("nl", "Nederlands"), ("en", "English")]))
    show_email = BooleanField(_l("Andere ingelogde leden mogen mijn e-mailadres zien"))
    notifications = MultiCheckboxField(_l("Stuur mij een e-mail bij"), validators=[Optional()])

    def fill_notification_choices(self, kinds: dict) -> None:
        self.notifications.choices = choices(list(kinds.items()))


class DeleteAccountForm(BaseForm):
    contributions = RadioField(
        _l("Wat gebeurt er met wat u schreef?"),
        choices=choices([
            ("keep", _l("Bewaren zonder mijn naam (anderen kunnen het blijven gebruiken)")),
            ("delete", _l("Ook verwijderen")),
        ]),
        validators=[InputRequired(message=_l("Kies wat er gebeurt met wat u schreef."))],
    )
    password = PasswordField(_l("Uw wachtwoord, ter bevestiging"),
                             validators=[required(_l("Vul uw wachtwoord in.")), max_length(200)])

    def validate_password(self, field):
        if not self.meta.user.check_password(field.data or ""):
            raise ValidationError(_l("Het wachtwoord klopt niet."))

    class Meta:
        user = None


class RoleForm(BaseForm):
    role = SelectField(_l("Rol"), choices=choices([(r.value, label) for r, label in ROLE_LABELS.items()]),
                       validators=[required(_l("Kies een rol."))])

    @staticmethod
    def role_choices() -> list[tuple[str, str]]:
        return [(r.value, str(label)) for r, label in ROLE_LABELS.items()]


class OrganisationForm(BaseForm):
    name = StringField(_l("Naam"), filters=[strip],
                       validators=[required(_l("Vul de naam van de organisatie in.")), max_length(200)])
    sector = SelectField(_l("Sector"), validators=[required(_l("Kies een sector."))], validate_choice=True)
    municipality = SelectField(_l("Gemeente van vestiging"), validators=[required(_l("Kies een gemeente."))],
                               validate_choice=True)
    website = StringField(_l("Website"), filters=[strip], validators=[Optional(), max_length(300), WebAddress()])
