"""Fuzzed forms: every endpoint that takes a POST gets hundreds of hostile inputs from Hypothesis.

For each POST endpoint of the URL map (``FORMS`` must name them all: a new form cannot slip through) a user
with the role the route inventory (tests/routes.py) names logs in, fetches the form's page for its field
names, its current values and a valid CSRF token, and then posts at least 200 generated inputs:

* the form's real fields (from the page's HTML and from the WTForms class), each left out, sent with a
  plausible value, with a hostile one, or several times at once; plus unknown extra fields;
* hostile values: wrong types, strings up to 100 KB, NUL and other control characters, astral characters,
  combining marks, right-to-left overrides and zero-width characters, malformed and far-away dates and
  times, negative, huge, fractional and NaN numbers, unknown ids and codes, bad addresses and links;
* uploads with random, truncated or disguised content, hostile file names and content types;
* the body urlencoded, as multipart, or as JSON (real wrong types: numbers, lists, objects, null);
* now and then an unknown id or a garbled slug or token in the address itself.

For every input: no 5xx, no traceback in the page, and a refusal (4xx, or the form again with 422) leaves
the database as it was (``Fingerprint``: the row count of every table, and the rows of every table a statement
wrote to, long text cut to its length and its start). Accepted inputs (200, 302) may change things; the next
input starts from there (and the user logs in again if the input logged them out).

Run: ``.venv/bin/pytest -q -n 4 tests/hostile``, and on PostgreSQL (NUL bytes and huge numbers fail there, not
on SQLite): ``bash scripts/with-postgres.sh .venv/bin/pytest -q -n 4 tests/hostile``.
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote_plus, urlencode

import pytest
import sqlalchemy as sa
from flask import current_app, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, FieldList, FormField, IntegerField, SelectFieldBase
from wtforms.fields.simple import FileField as WTFileField

from circles.accounts import forms as account_forms
from circles.accounts.models import Role, User
from circles.core.db import db
from circles.core.forms import NumberField
from circles.core.setup import EmptyForm
from circles.groups import forms as group_forms
from circles.meetings import forms as meeting_forms
from circles.meetings.minutes import forms as minutes
from circles.meetings.minutes.forms import ACTION_PREFIX, DECISION_PREFIX, EDITOR_PREFIX
from circles.meetings.rsvp import forms as rsvp_forms
from circles.meetings.rsvp import services as rsvp
from circles.newsletter import forms as compose_forms
from circles.newsletter.news import forms as news_forms
from circles.newsletter.subscriptions import forms as subscription_forms
from circles.progress import forms as progress_forms
from circles.progress.signals import forms as signal_forms
from circles.workpackages import forms as package_forms
from circles.workpackages.attachments.forms import AttachmentForm
from circles.workpackages.cases import forms as case_forms
from tests import sample_files
from tests.conftest import PASSWORD, AuthActions, _reference_tables
from tests.routes import ROUTES, World

# --- what each POST endpoint takes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """How to fuzz one POST endpoint."""

    #: The WTForms classes the view reads (their fields are fuzzed, with ``prefix``); EmptyForm for a button.
    forms: tuple = (EmptyForm,)
    prefix: str = ""
    #: The inventory endpoint of the page that shows the form (None: the endpoint itself, when it answers GET).
    #: Its HTML gives more field names, the current values and the CSRF token.
    page: str | None = None
    #: Field names the view reads from ``request.form`` itself.
    extra: tuple[str, ...] = ()
    #: Values that make a valid input together with the page's current ones (a function of the world).
    valid: Callable[[World], dict] | None = None
    #: A file upload (multipart/form-data).
    multipart: bool = False
    #: False: the route takes no CSRF token (the one-click unsubscribe a mail client posts).
    csrf: bool = True
    #: Who posts, when not the inventory role's account (``World.account(role)``): why, see the entry.
    user: Callable[[World], User] | None = None
    #: Puts the world in the state the form is for (before the page is read).
    setup: Callable[[World], None] | None = None


def _future(world: World) -> str:
    return f"{date.today().year + 2}-05-04"


def _meeting_started(world: World) -> None:
    """Attendance is kept once a meeting has begun: the meeting began an hour ago, the member had said yes."""
    from datetime import timedelta

    from circles.core.db import utcnow

    rsvp.set_answer(world.member, world.meeting, "yes")
    world.meeting.starts_at = utcnow() - timedelta(hours=1)
    world.meeting.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()


FORMS: dict[str, Form] = {
    # --- accounts ---
    "accounts.admin_set_role": Form((account_forms.RoleForm,), page="accounts.admin_users"),
    "accounts.change_password": Form((account_forms.ChangePasswordForm,)),
    "accounts.delete_account": Form((account_forms.DeleteAccountForm,)),
    "accounts.forgot_password": Form((account_forms.ForgotPasswordForm,),
                                     valid=lambda w: {"email": w.member.email}),
    "accounts.login": Form((account_forms.LoginForm,), valid=lambda w: {"email": w.member.email}),
    "accounts.logout": Form(page="pages.home"),
    "accounts.organisation_edit": Form((account_forms.OrganisationForm,)),
    "accounts.profile": Form((account_forms.ProfileForm,)),
    "accounts.register": Form((account_forms.RegistrationForm,), valid=lambda w: {
        "name": "Nieuw Lid", "email": "nieuw.lid@example.org", "function": "adviseur",
        "organisation": w.org.name, "password": "een heel ander lang wachtwoord",
        "confirm": "een heel ander lang wachtwoord"}),
    "accounts.reset_password": Form((account_forms.ResetPasswordForm,)),
    # --- circles ---
    "groups.approve": Form(page="groups.manage"),
    "groups.create": Form((group_forms.CircleForm,), valid=lambda w: {
        "name": "Leercirkel Fuzz", "description": "Over **werk**.", "goals": "Delen.", "sectors": "gemeenten",
        "regions": "AM13", "visibility": "public", "join_policy": "open"}),
    "groups.decline": Form((group_forms.DeclineForm,), page="groups.manage"),
    # The page does not tick the circle's sectors and regions (a bug, in the report): the valid input does.
    "groups.edit": Form((group_forms.CircleForm,), valid=lambda w: {"sectors": "gemeenten", "regions": "AM13"}),
    # Anyone may follow an invitation link; posting it needs a log-in, so a logged-in non-member posts.
    "groups.invitation": Form(user=lambda w: w.account(Role.EDITOR)),
    "groups.invite": Form((group_forms.InviteForm,), page="groups.manage",
                          valid=lambda w: {"email": "genodigde@example.org"}),
    "groups.join": Form((group_forms.JoinRequestForm,)),
    # The member in the circle (the inventory's member account is in none).
    "groups.leave": Form(page="groups.show", user=lambda w: w.member),
    "groups.remove": Form(page="groups.manage"),
    "groups.revoke": Form(page="groups.manage"),
    "groups.set_role": Form((group_forms.CircleRoleForm,), page="groups.manage"),
    # --- meetings ---
    "meetings.action_add": Form((minutes.ActionItemForm,), prefix=ACTION_PREFIX, page="meetings.show",
                                valid=lambda w: {f"{ACTION_PREFIX}-text": "Uitzoeken",
                                                 f"{ACTION_PREFIX}-owner_id": str(w.member.id)}),
    "meetings.action_status": Form((minutes.ActionStatusForm,), page="meetings.my_actions",
                                   valid=lambda w: {"status": "done"}, user=lambda w: w.member),  # the owner
    "meetings.attendance": Form((rsvp_forms.AttendanceForm,), page="meetings.attendees", setup=_meeting_started),
    "meetings.cancel": Form((meeting_forms.CancelForm,)),
    "meetings.create": Form((meeting_forms.CircleMeetingForm,), valid=lambda w: {
        "title": "Bijeenkomst", "date": _future(w), "start_time": "14:00", "end_time": "16:00"}),
    "meetings.create_regional": Form((meeting_forms.RegionalMeetingForm,), valid=lambda w: {
        "title": "Regiobijeenkomst", "date": _future(w), "start_time": "14:00", "end_time": "16:00",
        "region": "AM13", "invited": str(w.circle.id)}),
    "meetings.decision_add": Form((minutes.DecisionForm,), prefix=DECISION_PREFIX, page="meetings.show",
                                  valid=lambda w: {f"{DECISION_PREFIX}-text": "Besloten."}),
    "meetings.decision_delete": Form((minutes.DecisionDeleteForm,), page="meetings.show",
                                     valid=lambda w: {"meeting_id": str(w.meeting.id)}),
    "meetings.edit": Form((meeting_forms.CircleMeetingEditForm,)),
    "meetings.minutes_edit": Form((minutes.MinutesForm,)),
    "meetings.minutes_editor": Form((minutes.EditorForm,), prefix=EDITOR_PREFIX, page="meetings.show"),
    "meetings.minutes_publish": Form(page="meetings.minutes_edit"),
    "meetings.minutes_restore": Form(page="meetings.minutes_revision"),
    "meetings.new_calendar_token": Form(page="meetings.my_calendar"),
    "meetings.rsvp": Form((rsvp_forms.RsvpForm,), page="meetings.show", valid=lambda w: {"answer": "yes"},
                          user=lambda w: w.member),  # a member of the meeting's circle
    "meetings.settings": Form((rsvp_forms.MeetingSettingsForm,)),
    # --- newsletter ---
    "newsletter.add_section": Form((compose_forms.AddSectionForm,), page="newsletter.compose",
                                   valid=lambda w: {"title": "Nieuwe sectie"}),
    "newsletter.approve": Form(page="newsletter.preview"),
    "newsletter.approve_news": Form(page="newsletter.news_queue"),
    "newsletter.compose": Form((compose_forms.ComposeForm,), extra=("move",)),
    "newsletter.decline_news": Form((news_forms.DeclineNewsForm,), page="newsletter.news_queue",
                                    valid=lambda w: {"note": "Past niet."}),
    "newsletter.delete_issue": Form(page="newsletter.compose"),
    "newsletter.my_subscription": Form((subscription_forms.MemberSubscribeForm, subscription_forms.PreferencesForm),
                                       valid=lambda w: {"consent": "y"}),
    "newsletter.new_issue": Form(page="newsletter.editor_home"),
    "newsletter.preferences": Form((subscription_forms.PreferencesForm,)),
    "newsletter.refresh": Form(page="newsletter.compose"),
    "newsletter.remove_section": Form(page="newsletter.compose"),
    "newsletter.reopen": Form(page="newsletter.editor_home"),
    "newsletter.retry_failed": Form(page="newsletter.issue_status"),
    "newsletter.send": Form(page="newsletter.editor_home"),
    "newsletter.submit_news": Form((news_forms.NewsForm,), valid=lambda w: {
        "title": "Open dag", "body": "Kom **kijken**.", "link": "https://www.example.org/open-dag"}),
    "newsletter.subscribe": Form((subscription_forms.SubscribeForm,), valid=lambda w: {
        "email": "abonnee@example.org", "language": "nl", "consent": "y"}),
    "newsletter.test_send": Form(page="newsletter.preview"),
    "newsletter.unsubscribe": Form(forms=(), extra=("List-Unsubscribe",), csrf=False,
                                   valid=lambda w: {"List-Unsubscribe": "One-Click"}),
    "newsletter.unsubscribe_request": Form((subscription_forms.UnsubscribeRequestForm,),
                                           valid=lambda w: {"email": "lezer@example.org"}),
    # --- progress and signals ---
    "progress.record": Form((progress_forms.RecordForm,), valid=lambda w: {
        "year": str(date.today().year), "quarter": "", "target": "20", "realised": "12,5", "source": "own_count"}),
    "progress.settings": Form((progress_forms.SettingsForm,)),
    "progress.signal_edit": Form((signal_forms.SignalForm,)),
    "progress.signal_manage": Form((signal_forms.ResponseForm,)),
    "progress.signal_merge": Form((signal_forms.MergeForm,), page="progress.signal_manage",
                                  valid=lambda w: {"target": str(w.other_signal_id)}),
    "progress.signal_recognise": Form((signal_forms.RecognitionForm,), page="progress.signal_show"),
    "progress.signal_report": Form((signal_forms.SignalForm,), valid=lambda w: {
        "title": "Knelpunt", "category": "uitbesteding", "description": "Het werk is **uitbesteed**."}),
    "progress.signal_withdraw": Form(page="progress.signal_show"),
    # --- work packages, cases, attachments ---
    "workpackages.adopt": Form(),
    "workpackages.approve": Form(page="workpackages.review_queue"),
    "workpackages.archive": Form(page="workpackages.show"),
    "workpackages.attachment_add": Form((AttachmentForm,), multipart=True,
                                        valid=lambda w: {"description": "Functieomschrijving"}),
    "workpackages.attachment_delete": Form(page="workpackages.show"),
    "workpackages.case_approve": Form(page="workpackages.review_queue"),
    "workpackages.case_archive": Form(page="workpackages.case_show"),
    "workpackages.case_attachment_add": Form((AttachmentForm,), multipart=True,
                                             valid=lambda w: {"description": "Functieomschrijving"}),
    "workpackages.case_create": Form((case_forms.CaseForm,), valid=lambda w: {
        "title": "Conciërge", "summary": "Een oud-leerling werkt nu op school.", "function_title": "Conciërge",
        "sector": "vo", "start_year": "2024", "placements": "1", "hours_per_week": "16", "licence": "CC-BY-4.0",
        "language": "nl"}),
    "workpackages.case_edit": Form((case_forms.CaseForm,)),
    "workpackages.case_publish": Form((package_forms.PublishForm,), prefix="publiceren",
                                      page="workpackages.case_show"),
    "workpackages.case_reopen": Form(page="workpackages.case_show"),
    "workpackages.case_restore": Form(page="workpackages.case_revision"),
    "workpackages.case_send_back": Form((package_forms.SendBackForm,), page="workpackages.review_queue",
                                        valid=lambda w: {"note": "Graag een bron."}),
    "workpackages.create": Form((package_forms.PackageForm,), valid=lambda w: {
        "title": "Medewerker post", "summary": "Post sorteren.", "sectors": "gemeenten", "setting": "post_archief",
        "hours_min": "12", "hours_max": "20", "tasks-0-description": "Post sorteren",
        "tasks-0-hours_per_week": "8", "licence": "CC-BY-4.0", "language": "nl"}),
    "workpackages.edit": Form((package_forms.PackageForm,)),
    "workpackages.publish": Form((package_forms.PublishForm,), prefix="publiceren", page="workpackages.show"),
    "workpackages.reopen": Form(page="workpackages.show"),
    "workpackages.report": Form((package_forms.ReportForm,), page="workpackages.mine",
                                valid=lambda w: {"jobs": "2"}),
    "workpackages.restore": Form(page="workpackages.revision"),
    "workpackages.send_back": Form((package_forms.SendBackForm,), page="workpackages.review_queue",
                                   valid=lambda w: {"note": "Graag een bron."}),
}

EXAMPLES = 200


# --- hostile values -----------------------------------------------------------------------------------------

class Repeated(str):
    """A long string made of one piece repeated: printed short in Hypothesis' report."""

    def __repr__(self):
        return f"Repeated({self[:12]!r}, length={len(self)})"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))


def _repeat(piece: str, length: int) -> str:
    return Repeated((piece * (length // max(len(piece), 1) + 1))[:length])


CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\r", "\n",
                           "\t", "\r\n", "\x85", "\u2028", "\u2029"])
UNICODE_EDGES = st.sampled_from([
    "\U0001F600", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U00010348", "\U0010FFFD", "\U0001D518",
    "e\u0301", "a" + "\u0301" * 30, "\u0651\u064b", "\u202e", "\u202d", "\u2066", "\u200b", "\u200c", "\u200d",
    "\u2060", "\ufeff", "\ufffd", "\uffff", "\u00a0", "\u3000", "\u0130", "\u00df", "\ufb01", "\u2126",
    "\u0661\u0662", "\u00b2", "\u2460", "\uff11", "\u0000",
])
PLAIN_TEXT = st.text(max_size=40)
WEIRD_TEXT = st.lists(st.one_of(PLAIN_TEXT, CONTROL, UNICODE_EDGES), min_size=1, max_size=6).map("".join)
HUGE_TEXT = st.builds(_repeat, st.one_of(st.sampled_from(["a", "x ", "\U0001F600", "e\u0301", "<b>", "1"]),
                                         st.text(min_size=1, max_size=4)),
                      st.sampled_from([121, 161, 201, 301, 321, 501, 601, 1001, 2001, 5001, 20_001, 100_000]))
BAD_DATES = st.one_of(
    st.sampled_from(["31-02-2025", "0000-00-00", "9999-12-31", "0001-01-01", "1899-12-31", "1900-01-01",
                     "2999-12-31", "3000-01-01", "29-02-2023", "2025-13-01", "2025-00-10", "32-01-2025", "-1-01-01",
                     "99999-01-01", "1-1-1", "2025-1-1", "31/12/2025", "2025-12-31T25:00", "2025-12-31 12:00",
                     "morgen", "1e9", "\u0662\u0660\u0662\u0665-01-01"]),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%d-%m-") + str(d.year)),
)
BAD_TIMES = st.sampled_from(["24:00", "23:60", "-1:00", "99:99", "12:00:61", "00:00", "23:59", "1:5", "12.30",
                             "12:3O", "noon", "9999999999:00", "\u0661\u0662:00"])
BAD_NUMBERS = st.one_of(
    st.sampled_from(["NaN", "nan", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400", "-0", "0",
                     "-1", "0.5", "1,5", "12,345", "1.000.000,5", "1.5.5", ",", ".", "1e3", "0x10", "1_000", "+5",
                     " 7 ", "\u0663", "\u00b2", "\uff15", "\u20ac 1.500", "9" * 400, "-9223372036854775809",
                     "9223372036854775808", "2147483648", "4294967296", "1" + "0" * 30]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
UNKNOWN_IDS = ["0", "-1", "999999", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
               "18446744073709551616", "1" * 40, "1.5", "abc", "", " 1", "0x1", "1e3", "\u0661"]
BAD_IDS = st.sampled_from(UNKNOWN_IDS)
BAD_CODES = st.sampled_from(["gemeenten", "GEMEENTEN", "AM13", "am13", "ZZ99", "xx", "nl", "en", "de", "..",
                             "' OR 1=1 --", "<script>", "null", "None", "true", "[]", "{}", "__proto__", "%00",
                             "administrator", "coordinator", "editor", "member", "owner", "done", "yes", "public"])
BAD_EMAILS = st.sampled_from([
    "a@b", "@", "a@@b.nl", "a@b.nl.", "x" * 400 + "@example.org", "a@" + "b" * 300 + ".nl", "wereld.lid@example.org",
    "WERELD.LID@EXAMPLE.ORG", " wereld.lid@example.org ", "\u00f6@\u00fc.de", "a\x00@b.nl", "a@b.nl\r\nBcc: c@d.nl",
    "a@xn--e1afmkfd.xn--p1ai", "\"a b\"@example.org", "a+b@example.org", "a@[127.0.0.1]", "a@localhost",
])
BAD_URLS = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "http://", "https://x",
    "//evil.example", "ftp://example.org/x", "https://" + "a" * 600 + ".nl", "https://example.org/\x00",
    "https://exa mple.org", "https://[::1", "https://[::1]/x", "https://\u0435xample.org", "mailto:a@b.nl",
    "vbscript:x", "https://example.org:99999/", "https://example.org:port/",
])
FLAGS = st.sampled_from(["y", "on", "true", "1", "0", "false", "no", "", "n", "None", "\x00"])
HOSTILE = st.one_of(WEIRD_TEXT, HUGE_TEXT, BAD_DATES, BAD_TIMES, BAD_NUMBERS, BAD_IDS, BAD_CODES, BAD_EMAILS,
                    BAD_URLS, FLAGS)
#: JSON bodies carry real wrong types.
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), WEIRD_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(PLAIN_TEXT, inner, max_size=3)),
    max_leaves=6,
)
EXTRA_NAMES = st.one_of(
    st.sampled_from(["id", "user_id", "role", "status", "is_admin", "organisation_id", "circle_id", "revision",
                     "next", "_method", "__proto__", "tasks-999999999999-description", "tasks--1-description",
                     "tasks-1-", "quotes-1000000-text", "items-99999999999999999999-id", "sections-0-id",
                     "csrf_token[]", "email[]", ""] + [None]),
    PLAIN_TEXT,
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body."""

    content: bytes
    filename: str
    content_type: str

    def __repr__(self):
        head = self.content[:16]
        return f"Upload({head!r}{'...' if len(self.content) > 16 else ''} ({len(self.content)} bytes), " \
               f"{self.filename!r}, {self.content_type!r})"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def part(self):
        # Browsers send '"', CR and LF in a file name percent-encoded; the test client would not.
        name = self.filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        return io.BytesIO(self.content), name, self.content_type


SAMPLES = [sample_files.pdf(), sample_files.png(), sample_files.jpeg(), sample_files.docx(), sample_files.xlsx()]
FILE_CONTENT = st.one_of(
    st.sampled_from(SAMPLES),
    st.binary(max_size=2048),
    st.tuples(st.sampled_from(SAMPLES), st.integers(min_value=0, max_value=200)).map(lambda t: t[0][: t[1]]),
    st.tuples(st.sampled_from(SAMPLES), st.binary(max_size=64)).map(lambda t: t[0] + t[1]),
    st.tuples(st.sampled_from([b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"<svg ",
                               b"<html><script>alert(1)</script>", b"MZ\x90\x00", b"\x00" * 8]),
              st.binary(max_size=256)).map(lambda t: t[0] + t[1]),
    st.sampled_from([b"", b"A" * 100_000, bytes(range(256)) * 200]),
)
FILE_NAMES = st.one_of(
    st.sampled_from(["bestand.pdf", "foto.png", "a.PDF", "../../etc/passwd", "..\\..\\win.ini", "a.pdf\x00.exe",
                     "", ".", "..", "/", "CON", "nul.pdf", "x" * 300 + ".pdf", "na\u00efef.pdf", "\u202egnp.exe",
                     "a.pdf.exe", "a.svg", "a.html", "a\"b.pdf", "a\r\nb.pdf", "\U0001F600.png"]),
    WEIRD_TEXT,
)
CONTENT_TYPES = st.sampled_from(["application/pdf", "image/png", "image/jpeg", "image/svg+xml", "text/html", "",
                                 "application/octet-stream", "x/y", "application/pdf; charset=utf-8",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
FILES = st.builds(Upload, FILE_CONTENT, FILE_NAMES, CONTENT_TYPES)


# --- the fields of a form -----------------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str = "text"
    options: list[str] = field(default_factory=list)


_NUMBER_NAMES = ("year", "hours", "cost", "capacity", "count", "interval", "jobs", "placements", "target", "realised",
                 "days", "months", "subsidies", "quarter", "position", "number")
_ID_NAMES = ("id", "revision", "present", "owner", "package", "circle", "municipality")


def _kind_from_name(name: str) -> str:
    base = name.rsplit("-", 1)[-1].lower()
    if "date" in base or base.endswith("until"):
        return "date"
    if "time" in base:
        return "time"
    if "email" in base:
        return "email"
    if base in ("link", "website", "online_url", "url"):
        return "url"
    if base.endswith("_id") or base in _ID_NAMES:
        return "id"
    if any(word in base for word in _NUMBER_NAMES):
        return "number"
    return "text"


def _class_fields(form_classes, prefix: str) -> list[Field]:
    """The fields of the WTForms classes (two rows of every list of subforms)."""
    out = []
    with current_app.test_request_context(method="POST"):
        for form_class in form_classes:
            form = form_class(formdata=None, prefix=prefix, meta={"csrf": False})
            for wtf in form:
                out.extend(_leaves(wtf))
    return out


def _leaves(wtf) -> list[Field]:
    if isinstance(wtf, FieldList):
        while len(wtf.entries) < 2:
            wtf.append_entry()
        return [leaf for entry in wtf.entries for leaf in _leaves(entry)]
    if isinstance(wtf, FormField):
        return [leaf for sub in wtf.form for leaf in _leaves(sub)]
    if wtf.type == "CSRFTokenField":
        return []
    kind = _kind_from_name(wtf.name)
    options: list[str] = []
    if isinstance(wtf, WTFileField):
        kind = "file"
    elif isinstance(wtf, BooleanField):
        kind, options = "flag", ["y"]
    elif isinstance(wtf, DateField):
        kind = "date"
    elif isinstance(wtf, IntegerField | NumberField):
        kind = "number"
    elif isinstance(wtf, SelectFieldBase):
        if getattr(wtf, "coerce", str) is int:
            kind = "id"
        if wtf.choices:
            options = [str(getattr(c, "value", c[0] if isinstance(c, tuple | list) else c)) for c in wtf.choices]
            options = [o for o in options if o]
    return [Field(wtf.name, kind, options)]


@dataclass
class PageForm:
    """What the form on a page says: its field names and kinds, and the values a browser would send."""

    fields: list[Field]
    values: MultiDict


def _html_form(html: str, page_url: str, action: str) -> PageForm | None:
    """The form on the page that posts to ``action`` (a form without an action posts to the page itself)."""
    doc = lxml_html.fromstring(html)
    for form in doc.iter("form"):
        if (form.get("method") or "get").lower() != "post" or (form.get("action") or page_url).split("?")[0] != action:
            continue
        fields: dict[str, Field] = {}
        values = MultiDict()
        for element in form.iter("input", "select", "textarea", "button"):
            name = element.get("name")
            if not name or name == "csrf_token":
                continue
            kind_type = (element.get("type") or "").lower() if element.tag in ("input", "button") else element.tag
            entry = fields.setdefault(name, Field(name, _html_kind(name, kind_type)))
            if element.tag == "select":
                options = [o.get("value", o.text_content()) for o in element.iter("option")]
                entry.options.extend(o for o in options if o)
                chosen = [o.get("value", o.text_content()) for o in element.iter("option") if o.get("selected")]
                for value in chosen or options[:1]:
                    values.add(name, value)
            elif element.tag == "textarea":
                text = element.text or ""
                values.add(name, text[1:] if text.startswith("\n") else text)  # as browsers read it
            elif kind_type in ("checkbox", "radio"):
                entry.options.append(element.get("value", "on"))
                if element.get("checked") is not None:
                    values.add(name, element.get("value", "on"))
            elif kind_type in ("submit", "button", "image", "reset"):
                if element.get("value"):
                    entry.options.append(element.get("value"))
            elif kind_type != "file":
                values.add(name, element.get("value", ""))
                if element.get("value"):
                    entry.options.append(element.get("value"))
        return PageForm(list(fields.values()), values)
    return None


def _html_kind(name: str, input_type: str) -> str:
    return {"date": "date", "time": "time", "number": "number", "email": "email", "url": "url", "file": "file",
            "checkbox": "flag"}.get(input_type, _kind_from_name(name))


# --- values for one field -------------------------------------------------------------------------------

PLAUSIBLE = {
    "date": st.one_of(st.sampled_from(["2030-05-01", "01-05-2030"]),
                      st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat)),
    "time": st.sampled_from(["14:00", "9:30", "16.00", "23:59"]),
    "number": st.sampled_from(["0", "1", "3", "12,5", "20", "1500", str(date.today().year)]),
    "id": st.sampled_from(["1", "2", "3", "4"]),
    "email": st.sampled_from(["fuzz@example.org", "wereld.lid@example.org"]),
    "url": st.sampled_from(["https://www.example.org/x"]),
    "flag": st.just("y"),
    "text": st.sampled_from(["Tekst", "Een **korte** tekst.", "x"]),
    "file": st.builds(Upload, st.sampled_from(SAMPLES), st.sampled_from(["bestand.pdf", "foto.png", "a.docx"]),
                      st.sampled_from(["application/pdf", "image/png", "application/octet-stream"])),
}
KIND_HOSTILE = {"date": BAD_DATES, "time": BAD_TIMES, "number": BAD_NUMBERS, "id": BAD_IDS, "email": BAD_EMAILS,
                "url": BAD_URLS, "flag": FLAGS, "text": HUGE_TEXT}


def _values(f: Field, current: list) -> st.SearchStrategy:
    """A field's values: left out ([]), one plausible, one hostile, or several at once."""
    plausible = PLAUSIBLE[f.kind]
    if f.options:
        plausible = st.one_of(st.sampled_from(f.options), plausible)
    if current:
        plausible = st.one_of(st.sampled_from(current), plausible)
    hostile = st.one_of(FILES, WEIRD_TEXT) if f.kind == "file" else st.one_of(KIND_HOSTILE[f.kind], HOSTILE)
    one = st.one_of(plausible, hostile)
    return st.one_of(st.just([]), plausible.map(lambda v: [v]), hostile.map(lambda v: [v]),
                     st.lists(one, min_size=2, max_size=5))


#: The name of a field in a row of a list of subforms: tasks-0-description.


@dataclass
class Post:
    """One generated request: where to, how encoded, and the fields (name, value) in order; a JSON body may
    instead be any JSON value (``json_body``: a list, a number, null...)."""

    url: str
    encoding: str
    fields: list
    json_body: object = None


def _post_strategy(endpoint: str, form: Form, url: str, url_args: dict, fields: list[Field],
                   baseline: MultiDict) -> st.SearchStrategy:
    by_name = {f.name: f for f in fields}
    strategies = {f.name: _values(f, baseline.getlist(f.name)) for f in fields}
    encodings = ["urlencoded", "multipart", "json"]
    if form.multipart:
        encodings = ["multipart"]

    @st.composite
    def post(draw):
        values = {name: baseline.getlist(name) for name in by_name}
        if draw(st.booleans()):  # scramble every field
            chosen = list(by_name)
        else:  # change a few fields of an input that is valid (or nearly)
            chosen = draw(st.lists(st.sampled_from(sorted(by_name)), max_size=4, unique=True)) if by_name else []
        for name in chosen:
            values[name] = draw(strategies[name])
        pairs = [(name, value) for name, vals in values.items() for value in vals]
        extras = draw(st.lists(st.tuples(EXTRA_NAMES, st.one_of(HOSTILE, PLAUSIBLE["text"])), max_size=3))
        encoding = draw(st.sampled_from(encodings))
        pairs.extend(extras)
        if encoding == "json" and draw(st.booleans()):
            pairs = [(name, draw(JSON_VALUES)) if not isinstance(value, Upload) else (name, value)
                     for name, value in pairs]
        whole = draw(st.none() | JSON_VALUES.filter(lambda v: not isinstance(v, dict))) if encoding == "json" else None
        return Post(draw(_urls(endpoint, url, url_args)), encoding, pairs, whole)

    return post()


def _urls(endpoint: str, url: str, url_args: dict) -> st.SearchStrategy:
    """The sample address, or now and then one with an unknown id or a garbled slug or token."""
    rule = next(current_app.url_map.iter_rules(endpoint))
    garbled = []
    for name in sorted(rule.arguments):
        if isinstance(url_args.get(name), int):
            values = st.sampled_from([0, 999_999, 2**31, 2**63, 10**20])
        else:
            values = st.one_of(WEIRD_TEXT.filter(lambda s: s and "/" not in s), HUGE_TEXT, BAD_CODES)
        garbled.append(values.map(lambda v, n=name: _url_for(endpoint, {**url_args, n: v})))
    if not garbled:
        return st.just(url)
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: st.one_of(*garbled) if n == 9 else st.just(url))


def _url_for(endpoint: str, args: dict) -> str:
    with current_app.test_request_context():
        return url_for(endpoint, **args)


# --- the database fingerprint ---------------------------------------------------------------------------

#: The table a data-changing statement writes to (SQLAlchemy's and the search index's raw SQL).
_DML = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)'
                  r'\s+["`]?(\w+)', re.IGNORECASE)


class Fingerprint:
    """A cheap picture of the database: the row count of every table (one query), and the rows of the tables
    with a data-changing statement since the last look (text cut to its length and first 100 characters, so a
    100 KB value costs nothing). Reference tables never change; the search index is counted only."""

    def __init__(self):
        reference = _reference_tables()
        names = [n for n in sorted(sa.inspect(db.engine).get_table_names()) if n not in reference]
        self.count_query = sa.union_all(*(
            sa.select(sa.literal(name).label("name"), sa.func.count().label("rows")).select_from(sa.table(name))
            for name in names))
        self.row_queries = {name: _rows_query(db.metadata.tables[name]) for name in names
                            if name in db.metadata.tables}
        #: Tables written to (or tried: a rolled-back write counts too) since the last look.
        self.touched: set[str] = set()
        self.counts: dict = {}
        self.rows: dict = {}
        sa.event.listen(db.engine, "before_cursor_execute", self._statement)

    def close(self) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self._statement)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        match = _DML.match(statement)
        if match:
            self.touched.add(match.group(1).lower())

    def take(self) -> None:
        """Look at everything."""
        db.session.rollback()  # a fresh view of what is committed
        self.counts = dict(db.session.execute(self.count_query).all())
        self.rows = {name: db.session.execute(query).all() for name, query in self.row_queries.items()}
        self.touched.clear()

    def changes(self) -> list[str]:
        """What changed since the last look (and look again)."""
        db.session.rollback()
        counts = dict(db.session.execute(self.count_query).all())
        out = [f"{name}: {self.counts.get(name)} -> {rows} rows" for name, rows in counts.items()
               if self.counts.get(name) != rows]
        for name in sorted(self.touched & set(self.row_queries)):
            rows = db.session.execute(self.row_queries[name]).all()
            if rows != self.rows[name] and len(rows) == len(self.rows[name]):
                changed = next(row for row, old in zip(rows, self.rows[name], strict=True) if row != old)
                out.append(f"{name}: a row changed, now {tuple(changed)!r:.300}")
            self.rows[name] = rows
        self.counts = counts
        self.touched.clear()
        return out


def _rows_query(table: sa.Table):
    columns = []
    for column in table.c:
        if isinstance(column.type, sa.String | sa.JSON | sa.LargeBinary):
            text = sa.cast(column, sa.Text)
            columns += [sa.func.length(text), sa.func.substr(text, 1, 100)]
        else:
            columns.append(column)
    return sa.select(*columns).order_by(*(list(table.primary_key.columns) or list(table.c)))


# --- the fuzzer's state for one endpoint -------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass(repr=False)
class Target:  # a plain repr (also in Hypothesis' report): the world and the client would fill pages
    endpoint: str
    form: Form
    app: object
    world: World
    user_id: int | None
    client: object = None
    token: str = ""
    url: str = ""
    page_url: str = ""
    #: What a browser would send for the form on the page as it was loaded (nothing changed).
    page_values: MultiDict = field(default_factory=MultiDict)
    strategy: object = None
    fingerprint: Fingerprint | None = None
    #: The fingerprint is out of date (a new session logged in, or an example stopped half-way).
    stale: bool = True
    tried: int = 0

    def __repr__(self):
        return f"Target({self.endpoint!r}, user={self.user_id}, {self.tried} inputs tried)"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def session_ok(self) -> bool:
        """Still logged in as the fuzzing user (or still anonymous)."""
        with self.client.session_transaction() as sess:
            current = sess.get("_user_id")
        if self.user_id is None:
            return current is None
        db.session.expire_all()
        user = db.session.get(User, self.user_id)
        return user is not None and current == user.get_id()

    def start_session(self) -> None:
        """A new browser: log in (with the address the user has now) and take the CSRF token of the page."""
        self.client = self.app.test_client()
        if self.user_id is not None:
            email = db.session.get(User, self.user_id).email
            response = AuthActions(self.client).login(email, PASSWORD)
            assert response.status_code == 302, f"cannot log in as {email}: {response.status_code}"
        self.token = ""
        for url in (self.page_url, "/", "/account/inloggen", "/nieuwsbrief"):
            match = _TOKEN.search(self.client.get(url).get_data(as_text=True))
            if match:
                self.token = match.group(1) or match.group(2)
                break
        assert self.token or not self.form.csrf, f"no page with a CSRF token for {self.endpoint}"
        self.stale = True


def _prepare(app, world: World, endpoint: str) -> Target:
    form = FORMS[endpoint]
    route = ROUTES[endpoint]
    if form.setup:
        form.setup(world)
    user = form.user(world) if form.user else world.account(route.role) if route.role is not None else None
    url = route.url(endpoint, world)
    url_args = route.params(world)
    target = Target(endpoint, form, app, world, user.id if user else None, url=url)
    rule_methods = set().union(*(r.methods for r in app.url_map.iter_rules(endpoint)))
    page = form.page or (endpoint if "GET" in rule_methods else None)
    target.page_url = ROUTES[page].url(page, world) if page else url
    target.start_session()

    fields = {f.name: f for f in _class_fields(form.forms, form.prefix)} if form.forms else {}
    page_form = None
    response = target.client.get(target.page_url)
    if response.status_code == 200:
        page_form = _html_form(response.get_data(as_text=True), target.page_url, url.split("?")[0])
    baseline = MultiDict()
    if page_form is not None:
        for f in page_form.fields:
            known = fields.setdefault(f.name, f)
            known.options = sorted(set(known.options) | set(f.options))
            if f.kind != "text" and known.kind == "text":
                known.kind = f.kind
        baseline = page_form.values
        target.page_values = page_form.values.copy()
    for name in form.extra:
        fields.setdefault(name, Field(name))
    for name, value in (form.valid(world) if form.valid else {}).items():
        baseline.setlist(name, value if isinstance(value, list) else [value])
        fields.setdefault(name, Field(name, _kind_from_name(name)))
    target.strategy = _post_strategy(endpoint, form, url, url_args, list(fields.values()), baseline)
    target.fingerprint = Fingerprint()
    return target


def _send(target: Target, post: Post):
    pairs = list(post.fields)
    headers = {}
    if target.form.csrf:
        pairs.insert(0, ("csrf_token", target.token))
        headers["X-CSRFToken"] = target.token
    if post.encoding == "json":
        grouped: dict = {}
        for name, value in pairs:
            grouped.setdefault(name or "", []).append(
                value.content.decode("latin-1") if isinstance(value, Upload) else value)
        body = {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}
        if post.json_body is not None:
            body = post.json_body
        return target.client.post(post.url, data=json.dumps(body), content_type="application/json",
                                  headers=headers)
    if post.encoding == "multipart":
        return target.client.post(post.url, data=_multipart(pairs), headers=headers,
                                  content_type=f"multipart/form-data; boundary={BOUNDARY}")
    return target.client.post(post.url, data=_urlencoded(pairs), headers=headers,
                              content_type="application/x-www-form-urlencoded")


BOUNDARY = "----fuzzformboundary7MA4YWxkTrZu0gW"


def _escape(name: str) -> str:
    """As browsers write a field or file name in a multipart header (the HTML standard); a name ending in a
    backslash then has no name for werkzeug."""
    return name.replace("\n", "%0A").replace("\r", "%0D").replace('"', "%22")


def _multipart(pairs) -> bytes:
    """The body a browser sends for a form with enctype multipart/form-data. A field without a name (None)
    becomes a part without one, as a hand-made request could send."""
    out = io.BytesIO()
    for name, value in pairs:
        disposition = "form-data" if name is None else f'form-data; name="{_escape(name)}"'
        headers = ""
        if isinstance(value, Upload):
            disposition += f'; filename="{_escape(value.filename)}"'
            headers = f"Content-Type: {value.content_type}\r\n" if value.content_type else ""
            content = value.content
        else:
            content = value.encode()
        out.write(f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n".encode())
        out.write(content + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def _urlencoded(pairs) -> str:
    """name=value&...; a field without a name (None) is its value alone, without "="."""
    return "&".join(quote_plus(value) if name is None else urlencode([(name, value)]) for name, value in pairs)


def _changes(before: dict, after: dict) -> list[str]:
    out = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        if old != new:
            out.append(f"{name}: {len(old)} -> {len(new)} rows"
                       + (f", first changed row {next((r for r in new if r not in old), None)!r:.300}"
                          if len(old) == len(new) else ""))
    return out


# --- the tests ----------------------------------------------------------------------------------------------

def _post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_endpoint_is_fuzzed(fuzz_app):
    """A new form (any route that takes a POST) needs an entry in FORMS, so it cannot slip past the fuzzer."""
    endpoints = _post_endpoints(fuzz_app)
    missing = sorted(endpoints - set(FORMS))
    stale = sorted(set(FORMS) - endpoints)
    assert not missing, f"POST endpoints without an entry in FORMS (tests/hostile/test_fuzz_forms.py): {missing}"
    assert not stale, f"entries in FORMS for endpoints the app no longer has (or that take no POST): {stale}"


def test_the_coverage_check_notices_a_new_form():
    """A test of the test: a route added with POST shows up in the set the check compares with FORMS."""
    from flask import Blueprint

    from circles import create_app

    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    extra = Blueprint("extra_feature", __name__)

    @extra.route("/nieuw-formulier", methods=["GET", "POST"])
    def new_form():
        return "nieuw"

    fresh.register_blueprint(extra)
    assert _post_endpoints(fresh) - set(FORMS) == {"extra_feature.new_form"}


def test_the_fingerprint_sees_a_change_and_nothing_else(fuzz_world):
    """A test of the test: a new row, a changed value of the same length and a rolled-back write."""
    world = fuzz_world
    fingerprint = Fingerprint()
    try:
        fingerprint.take()
        assert fingerprint.changes() == []
        world.member.name = "Wereld Lix"  # as long as "Wereld Lid"
        db.session.commit()
        assert [c.split(":")[0] for c in fingerprint.changes()] == ["users"]
        users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        world.account(Role.ADMINISTRATOR)  # a new user
        assert f"users: {users} -> {users + 1} rows" in fingerprint.changes()
        world.member.name = "Iets anders"
        db.session.flush()
        db.session.rollback()
        assert fingerprint.changes() == []
    finally:
        fingerprint.close()


#: Pages that show a stored thing in a form.
EDIT_PAGES = ["accounts.organisation_edit", "accounts.profile", "groups.edit", "meetings.edit", "meetings.minutes_edit",
              "meetings.settings", "newsletter.compose", "newsletter.preferences", "progress.settings",
              "progress.signal_edit", "progress.signal_manage", "workpackages.edit", "workpackages.case_edit"]


@pytest.mark.parametrize("endpoint", EDIT_PAGES)
def test_an_edit_form_sent_back_unchanged_is_accepted(fuzz_app, fuzz_world, endpoint):
    """What a browser sends for a freshly loaded edit form is accepted: the page shows every stored value in
    its field (a value it left out would be refused, or lost), so the fuzzer's changes start from valid input."""
    target = _prepare(fuzz_app, fuzz_world, endpoint)
    try:
        assert target.page_values, f"no form posting to {target.url} on {target.page_url}"
        response = _send(target, Post(target.url, "urlencoded", list(target.page_values.items(multi=True))))
        assert response.status_code == 302, response.get_data(as_text=True)
    finally:
        target.fingerprint.close()


@pytest.fixture
def target(fuzz_app, fuzz_world, endpoint):
    target = _prepare(fuzz_app, fuzz_world, endpoint)
    yield target
    target.fingerprint.close()


@pytest.mark.parametrize("endpoint", sorted(FORMS))
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(data=st.data())
def test_fuzz_form(target: Target, endpoint, data):
    """Whatever is posted: no 5xx, no traceback, and a refusal changes nothing in the database."""
    post = data.draw(target.strategy, label="post")
    if target.stale:
        target.fingerprint.take()
    target.stale = True  # until this example went through
    response = _send(target, post)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code} for {post.url}"
    assert "Traceback" not in body
    changes = target.fingerprint.changes()
    if 400 <= response.status_code < 500:
        assert not changes, f"refused with {response.status_code}, but the database changed: {changes}"
    target.tried += 1
    if response.status_code < 400 and not target.session_ok():
        target.start_session()  # logged out (or in) by the input: a new browser for the next one
    else:
        target.stale = False
