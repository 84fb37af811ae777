"""The workflow's forms: what every kind's edit form has (the revision it started from, rows added without
JavaScript), publish (to the circle, or offered for wider reading) and send back."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import ValidationError

from circles.core.forms import BaseForm, choices, max_length, required, strip
from circles.workpackages.models import CONTENT_VISIBILITY_LABELS


class ItemForm(BaseForm):
    """The base of an item's edit form. ``revision`` is the version the editor started from: a save after
    someone else's is refused rather than overwriting it."""

    revision = HiddenField(default="0")

    def validate_revision(self, field):
        if not (field.data or "0").isdigit():
            raise ValidationError(_l("Laad de pagina opnieuw en probeer het nog eens."))

    @property
    def adding_rows(self) -> bool:
        """The "more rows" button was pressed (each kind names its button)."""
        raise NotImplementedError

    def show_refusal(self, message) -> None:
        """A refusal from the service, shown with the form's errors."""
        self.form_errors.append(message)

    @staticmethod
    def refill(rows, lines: list, empty: int) -> None:
        """Show ``lines`` in the list of rows (tasks, quotes), then one empty row (``empty`` when none)."""
        while len(rows):
            rows.pop_entry()
        for line in lines:
            rows.append_entry(line)
        for _ in range(empty if not lines else 1):
            rows.append_entry()

    @staticmethod
    def add_rows(rows, count: int, most: int) -> None:
        """The "more rows" button: ``count`` empty rows, up to ``most`` in all."""
        for _ in range(count):
            if len(rows) < most:
                rows.append_entry()


class PublishForm(BaseForm):
    """Publish to the circle directly, or offer it for wider reading (reviewed)."""

    visibility = RadioField(_l("Wie mag het werkpakket lezen?"), choices=choices(CONTENT_VISIBILITY_LABELS.items()),
                            validators=[required(_l("Kies wie het werkpakket mag lezen."))])

    def limit_to(self, allowed: list[str]) -> None:
        self.visibility.choices = choices((v, label) for v, label in CONTENT_VISIBILITY_LABELS.items() if v in allowed)


class SendBackForm(BaseForm):
    note = TextAreaField(_l("Wat moet er beter?"), [required(_l("Schrijf wat er beter moet.")), max_length(2000)],
                         filters=[strip])
