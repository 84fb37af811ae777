"""Keeping personal data about placed employees out of free text.

Being in the target group is health data (AVG art. 9): the platform never stores who a placed employee
is. Forms say so, and this validator refuses the obvious identifiers: a number that passes the BSN
eleven-test, and labels such as "naam medewerker:" or "BSN:" followed by a value.
"""

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

#: Nine digits, optionally grouped with dots, spaces or dashes (1234.56.782, 123 456 782).
_NINE_DIGITS = re.compile(r"(?<![\d.,-])(\d{4}[.\s-]?\d{2}[.\s-]?\d{3}|\d{3}[.\s-]?\d{3}[.\s-]?\d{3})(?![\d,]|\.\d)")
_LABELS = re.compile(
    r"\b(bsn|burgerservicenummer|sofi-?nummer|geboortedatum|"
    r"naam\s+(van\s+de\s+)?(medewerker|werknemer|kandidaat|collega|leerling|deelnemer))\s*[:=]\s*\S",
    re.IGNORECASE,
)
_NUMBER_LABEL = re.compile(r"\b(bsn|burgerservicenummer|sofi-?nummer)\b\W{0,3}\d", re.IGNORECASE)


def passes_eleven_test(digits: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def find_identifier(text: str) -> str | None:
    """The first thing in ``text`` that looks like a personal identifier, or None."""
    if not text:
        return None
    for match in _NINE_DIGITS.finditer(text):
        if passes_eleven_test(re.sub(r"\D", "", match.group(1))):
            return match.group(1)
    label = _LABELS.search(text) or _NUMBER_LABEL.search(text)
    return label.group(0) if label else None


class NoPersonalData:
    """A WTForms validator: refuse text that holds a BSN-like number or a named employee."""

    def __call__(self, form, field):
        value = field.data
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and find_identifier(item):
                raise ValidationError(_l(
                    "Dit lijkt een persoonsgegeven van een medewerker (zoals een BSN of een naam). Laat het weg: "
                    "het platform bewaart geen gegevens waarmee iemand te herkennen is."))
