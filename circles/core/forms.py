"""Form building blocks: a base form that refuses control characters, and Dutch validators."""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

#: NUL and other C0 control characters (tab, newline and carriage return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form: text is stripped by the fields that ask for it, and control characters are refused
    with a message instead of reaching the database."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and _CONTROL.search(field.data):
                field.errors = [*field.errors, _l("Dit veld bevat tekens die niet zijn toegestaan.")]
                ok = False
        return ok

    @property
    def error_list(self) -> list[tuple[Field, str]]:
        """(field, message) pairs in form order, for the error summary at the top of the page; the rows of
        a list of subforms (task lines, quotes) are walked too, so each message links to its own field."""
        return [pair for field in self if field.type != "CSRFTokenField" for pair in _leaf_errors(field)]


def _leaf_errors(field):
    if field.type == "FieldList":
        yield from ((field, err) for err in field.errors if isinstance(err, str))
        for entry in field:
            yield from _leaf_errors(entry)
    elif field.type == "FormField":
        for sub in field.form:
            yield from _leaf_errors(sub)
    else:
        yield from ((field, err) for err in field.errors)


def required(message) -> DataRequired:
    return DataRequired(message=message)


def email_address() -> list:
    return [
        DataRequired(message=_l("Vul uw e-mailadres in.")),
        Length(max=320, message=_l("Een e-mailadres is hoogstens 320 tekens.")),
        Email(message=_l("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."), check_deliverability=False),
    ]


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Gebruik hoogstens %(n)s tekens.", n=n))


class StrongPassword:
    """At least 12 characters (NCSC: length beats complexity), at most 200, not only spaces."""

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < 12:
            raise ValidationError(_l("Kies een wachtwoord van minstens 12 tekens."))
        if len(value) > 200:
            raise ValidationError(_l("Kies een wachtwoord van hoogstens 200 tekens."))
        if not value.strip():
            raise ValidationError(_l("Een wachtwoord mag niet alleen uit spaties bestaan."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes in a fieldset: easier with a keyboard or screen reader than a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebAddress:
    """A full http(s) address. WTForms' URL() alone lets ``javascript://...`` through."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            return
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or "." not in (parts.hostname or ""):
            raise ValidationError(_l("Vul een volledig webadres in, zoals https://www.organisatie.nl."))
