"""Form building blocks: a base form that refuses control characters, and Dutch validators."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from flask_wtf.form import _Auto as _AUTO  # Flask-WTF's "read the request" marker
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

#: 1.234 or 12.345,6: dots that group thousands the Dutch way (three digits after each).
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
#: NUL and other C0 control characters (tab, newline and carriage return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form: text is stripped by the fields that ask for it, and control characters are refused
    with a message instead of reaching the database."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            """Only what an HTML form sends: no JSON body (Flask-WTF would hand its numbers and lists to the
            fields as if typed), and no multipart part without a name (WTForms' lists of subforms trip on it)."""
            if formdata is not _AUTO:
                return super().wrap_formdata(form, formdata)
            if request.method not in SUBMIT_METHODS or not (request.form or request.files):
                return None
            data = CombinedMultiDict((request.files, request.form))
            return MultiDict([(key, value) for key, value in data.items(multi=True) if key])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in _text_fields(self):
            if isinstance(field.data, str) and _CONTROL.search(field.data):
                field.errors = [*field.errors, _l("Dit veld bevat tekens die niet zijn toegestaan.")]
                ok = False
        return ok

    @property
    def error_list(self) -> list[tuple[Field, str]]:
        """(field, message) pairs in form order, for the error summary at the top of the page; the rows of
        a list of subforms (task lines, quotes) are walked too, so each message links to its own field."""
        return [pair for field in self if field.type != "CSRFTokenField" for pair in _leaf_errors(field)]


def _text_fields(form):
    """Every field of ``form``, the fields in the rows of its lists of subforms (task lines) included."""
    for field in form:
        if field.type == "FieldList":
            for entry in field:
                yield from (_text_fields(entry.form) if entry.type == "FormField" else (entry,))
        elif field.type == "FormField":
            yield from _text_fields(field.form)
        else:
            yield field


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

    def process_formdata(self, valuelist):
        """Blank values are no choice. Left in, a blank first value made ``Optional()`` end the validation
        before the choices were checked, so whatever came after it went through unchecked."""
        self.raw_data = [value for value in valuelist if not isinstance(value, str) or value.strip()]
        super().process_formdata(self.raw_data)


class WebAddress:
    """A full http(s) address. WTForms' URL() alone lets ``javascript://...`` through."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            return
        try:
            parts = urlsplit(value)
            hostname = parts.hostname
        except ValueError:  # an unclosed IPv6 host ("https://[::1") and the like
            raise ValidationError(_l("Vul een volledig webadres in, zoals https://www.organisatie.nl.")) from None
        if parts.scheme.lower() not in ("http", "https") or "." not in (hostname or ""):
            raise ValidationError(_l("Vul een volledig webadres in, zoals https://www.organisatie.nl."))


class NumberField(Field):
    """A number as people type it in Dutch: "12,5" or "12.5". Empty is None; anything else a message."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, whole: bool = False, maximum: float, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.whole = whole
        self.maximum = maximum
        #: One message for every way the number can be wrong (instead of one per way).
        self.message = message
        self.raw = ""

    def _value(self):
        if self.raw:
            return self.raw
        if self.data is None:
            return ""
        if self.whole:
            return str(int(self.data))
        return f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        try:
            self._parse(valuelist)
        except ValueError:
            if self.message is None:
                raise
            raise ValueError(self.message) from None

    def _parse(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            # only spaces or line breaks: no input, so InputRequired gives its message (it looks at raw_data,
            # where "\r" would count as typed, and the view would get None for a required number)
            self.raw_data = []
            return
        text = self.raw.replace(" ", "").replace("€", "")
        # "1.500" is fifteen hundred euros and "1.234,5" twelve hundred and more jobs (Dutch thousands, as the
        # pages print numbers); "12,5" and "12.5" are twelve and a half hours.
        if self.whole or _DUTCH_THOUSANDS.match(text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
        example = _l("Vul een heel getal in, zoals 1500.") if self.whole else _l("Vul een getal in, zoals 12 of 12,5.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(example) from None
        if not number.is_finite():
            raise ValueError(example)
        if number < 0:
            raise ValueError(_l("Vul een getal van 0 of meer in."))
        if number > self.maximum:
            raise ValueError(_l("Vul een getal van hoogstens %(n)s in.", n=self.maximum))
        if self.whole and number != number.to_integral_value():
            raise ValueError(_l("Vul een heel getal in."))
        self.data = int(number) if self.whole else float(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class YearField(NumberField):
    """A year, typed as a whole number."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("message", _l("Vul een jaartal in, zoals 2019."))
        super().__init__(label, validators, **kwargs)
