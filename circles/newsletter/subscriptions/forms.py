"""Forms for subscribing, unsubscribing and changing newsletter preferences."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Optional

from circles.core.forms import BaseForm, MultiCheckboxField, choices, email_address, max_length, strip

#: The words a subscriber agrees to. Changing them means a new CONSENT_VERSION (newsletter/models.py),
#: so the consent log shows which text each subscriber saw.
CONSENT_TEXT = _l("Ja, ik wil de nieuwsbrief van Leercirkels banenafspraak ontvangen: elke twee weken (tweewekelijks) "
                  "een e-mail met nieuws, initiatieven, werkpakketten, goede voorbeelden en bijeenkomsten over de "
                  "banenafspraak. Ik kan mij altijd afmelden via de link in elke nieuwsbrief.")

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


def _language_field() -> RadioField:
    return RadioField(_l("Taal van de nieuwsbrief"), choices=choices(LANGUAGE_LABELS.items()), default="nl",
                      validators=[DataRequired(_l("Kies de taal van de nieuwsbrief."))])


def _sectors_field() -> MultiCheckboxField:
    return MultiCheckboxField(_l("Sectoren"), validators=[Optional()],
                              description=_l("Kies niets als u over alle sectoren wilt lezen."))


def _regions_field() -> MultiCheckboxField:
    return MultiCheckboxField(_l("Arbeidsmarktregio's"), validators=[Optional()],
                              description=_l("Kies niets als u over alle regio's wilt lezen."))


def _consent_field() -> BooleanField:
    return BooleanField(CONSENT_TEXT, validators=[DataRequired(
        _l("Vink het vakje aan als u de nieuwsbrief wilt ontvangen."))])


class _Interests:
    """Language and interests: on the subscribe form, the member's form and the preferences page. (The
    fields are made in each form's body, so every form keeps its fields in reading order.)"""

    def fill_choices(self, sectors, regions) -> None:
        self.sectors.choices = choices([(s.code, s.label) for s in sectors])
        self.regions.choices = choices([(r.code, r.name) for r in regions])


class SubscribeForm(_Interests, BaseForm):
    """The public sign-up form. ``website`` is a honeypot: people leave it empty, spam robots fill it in."""

    email = StringField(_l("E-mailadres"), filters=[strip], validators=email_address())
    name = StringField(_l("Naam (niet verplicht)"), filters=[strip], validators=[max_length(200)])
    language = _language_field()
    sectors = _sectors_field()
    regions = _regions_field()
    consent = _consent_field()
    website = StringField(_l("Laat dit veld leeg (het houdt spam tegen)"), filters=[strip])


class MemberSubscribeForm(_Interests, BaseForm):
    """A member signs up from their profile: the account's address and name are used."""

    action = HiddenField(default="subscribe")
    language = _language_field()
    sectors = _sectors_field()
    regions = _regions_field()
    consent = _consent_field()


class PreferencesForm(_Interests, BaseForm):
    action = HiddenField(default="preferences")
    language = _language_field()
    sectors = _sectors_field()
    regions = _regions_field()


class UnsubscribeRequestForm(BaseForm):
    email = StringField(_l("E-mailadres"), filters=[strip], validators=email_address())
