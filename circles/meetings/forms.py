"""Forms for scheduling, editing and cancelling meetings.

Dates and times are text fields shown as ``<input type="date">`` and ``<input type="time">`` and
parsed here, so a wrong value gets a Dutch message and is shown again as typed. The rules about
the values (end after start, limits) live in the services.
"""

import re
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from circles.core.forms import BaseForm, MultiCheckboxField, WebAddress, choices, max_length, required, strip
from circles.meetings.models import MEETING_KIND_LABELS, MeetingKind
from circles.meetings.services import Repeat, When


def parse_date(value: str) -> date | None:
    """``2026-03-05`` (what browsers send) or ``5-3-2026`` (typed by hand); None if neither."""
    value = value.strip() if isinstance(value, str) else ""
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2999:
            return parsed
    return None


def parse_time(value: str) -> time | None:
    """``14:00``, ``9:30`` or ``14.00``; None otherwise."""
    value = value.strip() if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", value)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def parse_int(value: str) -> int | None:
    value = value.strip() if isinstance(value, str) else ""
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else None


class _MeetingFields:
    """What every meeting form asks."""

    title = StringField(_l("Titel"), filters=[strip],
                        validators=[required(_l("Geef de bijeenkomst een titel.")), max_length(200)])
    date = StringField(_l("Datum"), filters=[strip], validators=[required(_l("Vul de datum in."))],
                       description=_l("Bijvoorbeeld 05-03-2026."))
    start_time = StringField(_l("Begintijd"), filters=[strip], validators=[required(_l("Vul de begintijd in."))],
                             description=_l("Nederlandse tijd, bijvoorbeeld 14:00."))
    end_time = StringField(_l("Eindtijd"), filters=[strip], validators=[required(_l("Vul de eindtijd in."))],
                           description=_l("Nederlandse tijd, bijvoorbeeld 16:00."))
    location_name = StringField(_l("Locatie (niet verplicht)"), filters=[strip], validators=[max_length(200)],
                                description=_l("Bijvoorbeeld: Stadhuis, zaal 3."))
    address = StringField(_l("Adres (niet verplicht)"), filters=[strip], validators=[max_length(300)])
    accessibility = TextAreaField(_l("Toegankelijkheid (niet verplicht)"), filters=[strip],
                                  validators=[max_length(5000)],
                                  description=_l("Bijvoorbeeld: lift aanwezig, ringleiding, invalidenparkeerplaats."))
    online_url = StringField(_l("Online link (niet verplicht)"), filters=[strip],
                             validators=[max_length(500), WebAddress()],
                             description=_l("Een volledig webadres, zoals https://meet.example.nl/abc."))
    agenda = TextAreaField(_l("Agenda (niet verplicht)"), filters=[strip], validators=[max_length(20000)],
                           description=_l("U kunt Markdown gebruiken."))
    capacity = StringField(_l("Maximum aantal deelnemers (niet verplicht)"), filters=[strip],
                           description=_l("Laat leeg als er geen maximum is. Wie zich daarna aanmeldt, komt op de "
                                          "wachtlijst."))
    rsvp_deadline_date = StringField(_l("Aanmelden kan tot: datum (niet verplicht)"), filters=[strip])
    rsvp_deadline_time = StringField(_l("Aanmelden kan tot: tijd (niet verplicht)"), filters=[strip],
                                     description=_l("Zonder tijd sluit het aanmelden om 23:59."))
    partner_wsp = BooleanField(_l("Het werkgeversservicepunt van de regio doet mee"))
    partner_uwv = BooleanField(_l("UWV doet mee"))
    partners_other = StringField(_l("Andere partners (niet verplicht)"), filters=[strip], validators=[max_length(300)])


class _Kind:
    kind = SelectField(_l("Soort bijeenkomst"), default=MeetingKind.CIRCLE.value, choices=choices(
        [(k.value, MEETING_KIND_LABELS[k]) for k in (MeetingKind.CIRCLE, MeetingKind.WEBINAR)]))


class _Regional:
    region = SelectField(_l("Arbeidsmarktregio"), validators=[required(_l("Kies de arbeidsmarktregio."))])
    invited = MultiCheckboxField(_l("Uitgenodigde leercirkels"), validators=[Optional()],
                                 description=_l("Kies minstens één leercirkel."))

    def fill_choices(self, regions, circles) -> None:
        self.region.choices = choices([("", _l("Kies een regio")), *[(r.code, r.name) for r in regions]])
        self.invited.choices = choices([(str(c.id), c.name) for c in circles])


class _Repeat:
    repeat = RadioField(_l("Herhalen"), default="", choices=choices([
        ("", _l("Niet herhalen")),
        ("weeks", _l("Elke zoveel weken")),
        ("month", _l("Elke maand op dezelfde dag")),
    ]))
    repeat_interval = StringField(_l("Om de hoeveel weken?"), filters=[strip], default="1",
                                  description=_l("1 tot en met 12. Alleen bij herhalen elke zoveel weken."))
    repeat_count = StringField(_l("Aantal bijeenkomsten in de reeks"), filters=[strip],
                               description=_l("2 tot en met 52. Vul dit in óf een einddatum."))
    repeat_until = StringField(_l("Of: laatste datum van de reeks"), filters=[strip])


class _Scope:
    scope = RadioField(_l("Welke bijeenkomsten wijzigt u?"), default="this", choices=choices([
        ("this", _l("Alleen deze bijeenkomst")),
        ("following", _l("Deze en alle volgende bijeenkomsten van de reeks")),
    ]))


class MeetingFormBase(BaseForm):
    """Parsing shared by all meeting forms; subclasses mix in the field groups."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        checks = [("date", parse_date, _l("Vul een geldige datum in, zoals 05-03-2026.")),
                  ("start_time", parse_time, _l("Vul een geldige tijd in, zoals 14:00.")),
                  ("end_time", parse_time, _l("Vul een geldige tijd in, zoals 16:00.")),
                  ("rsvp_deadline_date", parse_date, _l("Vul een geldige datum in, zoals 05-03-2026.")),
                  ("rsvp_deadline_time", parse_time, _l("Vul een geldige tijd in, zoals 12:00."))]
        for name, parse, message in checks:
            field = self[name]
            if field.data and not field.errors and parse(field.data) is None:
                field.errors = [*field.errors, message]
                ok = False
        if self.rsvp_deadline_time.data and not self.rsvp_deadline_date.data:
            self.rsvp_deadline_date.errors = [*self.rsvp_deadline_date.errors,
                                              _l("Vul ook de datum in tot wanneer aanmelden kan.")]
            ok = False
        if self.capacity.data and parse_int(self.capacity.data) is None:
            self.capacity.errors = [*self.capacity.errors, _l("Vul een heel getal in, of laat het veld leeg.")]
            ok = False
        if "repeat" in self and self.repeat.data:
            ok = self._validate_repeat() and ok
        return ok

    def _validate_repeat(self) -> bool:
        ok = True
        if self.repeat.data == "weeks" and parse_int(self.repeat_interval.data) is None:
            self.repeat_interval.errors = [*self.repeat_interval.errors,
                                           _l("Vul een heel getal in, van 1 tot en met 12.")]
            ok = False
        if self.repeat_count.data and parse_int(self.repeat_count.data) is None:
            self.repeat_count.errors = [*self.repeat_count.errors, _l("Vul een heel getal in, van 2 tot en met 52.")]
            ok = False
        if self.repeat_until.data and parse_date(self.repeat_until.data) is None:
            self.repeat_until.errors = [*self.repeat_until.errors, _l("Vul een geldige datum in, zoals 05-03-2026.")]
            ok = False
        if not self.repeat_count.data and not self.repeat_until.data:
            self.repeat_count.errors = [*self.repeat_count.errors,
                                        _l("Vul een aantal bijeenkomsten of een einddatum in voor de reeks.")]
            ok = False
        elif self.repeat_count.data and self.repeat_until.data:
            self.repeat_count.errors = [*self.repeat_count.errors,
                                        _l("Vul een aantal bijeenkomsten óf een einddatum in, niet allebei.")]
            ok = False
        return ok

    # --- what the services take (call after validate) ---

    def when(self) -> When:
        deadline_day = parse_date(self.rsvp_deadline_date.data) if self.rsvp_deadline_date.data else None
        deadline_time = parse_time(self.rsvp_deadline_time.data) if self.rsvp_deadline_time.data else None
        return When(parse_date(self.date.data), parse_time(self.start_time.data), parse_time(self.end_time.data),
                    deadline_day, deadline_time)

    def repeat_rule(self) -> Repeat | None:
        if "repeat" not in self or not self.repeat.data:
            return None
        return Repeat(every=self.repeat.data,
                      interval=parse_int(self.repeat_interval.data) if self.repeat.data == "weeks" else 1,
                      count=parse_int(self.repeat_count.data) if self.repeat_count.data else None,
                      until=parse_date(self.repeat_until.data) if self.repeat_until.data else None)

    def fields(self) -> dict:
        data = {name: self[name].data or "" for name in ("title", "location_name", "address", "accessibility",
                                                          "online_url", "agenda", "partners_other")}
        data.update(capacity=parse_int(self.capacity.data) if self.capacity.data else None,
                    partner_wsp=bool(self.partner_wsp.data), partner_uwv=bool(self.partner_uwv.data))
        if "kind" in self:
            data["kind"] = self.kind.data
        if "region" in self:
            data["region_code"] = self.region.data
        return data

    def fill_from(self, meeting) -> None:
        """Fill a GET form from a meeting (local dates and times)."""
        when = When.of(meeting)
        self.date.data = when.day.isoformat()
        self.start_time.data = when.start.strftime("%H:%M")
        self.end_time.data = when.end.strftime("%H:%M")
        if when.deadline_day:
            self.rsvp_deadline_date.data = when.deadline_day.isoformat()
            self.rsvp_deadline_time.data = when.deadline_time.strftime("%H:%M")
        self.capacity.data = str(meeting.capacity) if meeting.capacity else ""
        if "region" in self:
            self.region.data = meeting.region_code
            self.invited.data = [str(c.id) for c in meeting.invited_circles]


class CircleMeetingForm(MeetingFormBase, _MeetingFields, _Kind, _Repeat):
    """Schedule a meeting of a circle."""


class RegionalMeetingForm(MeetingFormBase, _MeetingFields, _Regional, _Repeat):
    """Schedule a regional meeting for invited circles."""


class CircleMeetingEditForm(MeetingFormBase, _MeetingFields, _Kind, _Scope):
    """Edit a circle meeting (with the series choice when it is part of one)."""


class RegionalMeetingEditForm(MeetingFormBase, _MeetingFields, _Regional, _Scope):
    """Edit a regional meeting."""


class CancelForm(BaseForm):
    message = TextAreaField(_l("Bericht aan de deelnemers (niet verplicht)"), filters=[strip],
                            validators=[max_length(2000)],
                            description=_l("Bijvoorbeeld de reden, of wanneer de bijeenkomst wel doorgaat."))
