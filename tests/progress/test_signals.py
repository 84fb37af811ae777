"""Signals from practice: reporting, the list, recognising, editing, the coordinators' answer with its e-mails,
merging duplicates, the summary per sector and category with its CSV downloads, the home-page list and the
demo data."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import AnonymousUserMixin

from circles.accounts.models import Role, User
from circles.core.db import db, utcnow
from circles.core.models import AuditEntry
from circles.core.personal_data import find_identifier
from circles.progress.models import Recognition, Signal, SignalStatus
from circles.progress.signals import services as signals
from tests.conftest import post_form

BSN = "111222333"  # passes the eleven-test


# --- helpers -------------------------------------------------------------------------------------------

def new_signal(reporter, title="Knelpunt", category="regelgeving", sector="gemeenten", region=None, *,
               description="Wat er gebeurt en wat zou helpen.", days_ago=None, status=None, response="") -> Signal:
    signal = signals.report_signal(reporter, title=title, category=category, description=description,
                                   sector_code=sector, region_code=region)
    if days_ago is not None:
        signal.created_at = utcnow() - timedelta(days=days_ago)
    if status:
        signal.status, signal.response = status, response
    db.session.commit()
    return signal


def recognise(user, signal, note=""):
    signals.recognise(user, signal, note)
    db.session.commit()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def titles_in_order(html: str, titles: list[str]) -> list[str]:
    """The given titles in the order they appear on the page (each must appear)."""
    positions = {t: html.index(f">{t}</a>") for t in titles}
    return sorted(titles, key=positions.__getitem__)


def option_selected(html: str, name: str, value: str) -> bool:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    option = re.search(rf'<option[^>]*value="{re.escape(value)}"[^>]*>', select.group(1))
    return bool(option and "selected" in option.group(0))


class _Table(HTMLParser):
    """The cells of the first table on a page, row by row (th and td alike)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.caption = ""
        self._cell: list[str] | None = None
        self._in_caption = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "table":
            self._done = True

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def page_table(html: str) -> _Table:
    parser = _Table()
    parser.feed(html)
    return parser


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode()), "no byte order mark: Excel would not read it as UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- reporting -----------------------------------------------------------------------------------------

def test_a_member_reports_a_signal(client, login_as):
    user = login_as()  # an organisation in the sector gemeenten, in Rotterdam (region Rijnmond)
    form = text_of(client.get("/signalen/melden"))
    assert option_selected(form, "sector", "gemeenten") and option_selected(form, "region", "AM22")
    assert "Noem geen geplaatste medewerkers" in form
    response = post_form(client, "/signalen/melden", {
        "title": "Schoonmaak is uitbesteed", "category": "uitbesteding", "sector": "", "region": "",
        "description": "De banen zitten bij de **aannemer**."})
    assert response.status_code == 302
    signal = db.session.scalar(sa.select(Signal))
    assert response.headers["Location"].endswith(f"/signalen/{signal.id}")
    assert (signal.organisation_id, signal.reported_by_id) == (user.organisation_id, user.id)
    assert (signal.sector_code, signal.region_code, signal.status) == (None, None, SignalStatus.NEW)
    page = text_of(client.get(response.headers["Location"]))
    assert "Uw signaal is gemeld" in page and "Schoonmaak is uitbesteed" in page
    assert "<strong>aannemer</strong>" in page  # Markdown
    assert user.name in page and user.organisation.name in page
    assert "Alle sectoren" in page and "Landelijk" in page and "Uitbesteding" in page


def test_a_signal_keeps_a_chosen_sector_and_region(client, login_as):
    login_as()
    response = post_form(client, "/signalen/melden", {
        "title": "Krimp", "category": "krimp", "sector": "vo", "region": "AM05", "description": "Minder leerlingen."})
    assert response.status_code == 302
    signal = db.session.scalar(sa.select(Signal))
    assert (signal.sector_code, signal.region_code, signal.category) == ("vo", "AM05", "krimp")
    page = text_of(client.get(f"/signalen/{signal.id}"))
    assert "Voortgezet onderwijs" in page and "Twente" in page


GOOD = {"title": "Jobcoach stopt te vroeg", "category": "begeleiding", "sector": "gemeenten", "region": "",
        "description": "Na een half jaar stopt de begeleiding."}


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "Geef het signaal een korte titel."),
    ({"title": "x" * 161}, "Gebruik hoogstens 160 tekens."),
    ({"category": "onbekend"}, "Kies een categorie uit de lijst."),
    ({"category": None}, "Kies een categorie uit de lijst."),
    ({"sector": "bestaat-niet"}, "Kies een sector uit de lijst."),
    ({"region": "AM99"}, "Kies een arbeidsmarktregio uit de lijst."),
    ({"description": ""}, "Beschrijf het knelpunt."),
    ({"description": "x" * 5001}, "Gebruik hoogstens 5000 tekens."),
    ({"description": f"Onze collega (BSN {BSN}) gaat erop achteruit."}, "Dit lijkt een persoonsgegeven"),
    ({"title": "Naam medewerker: Jan"}, "Dit lijkt een persoonsgegeven"),
])
def test_bad_reports_are_refused_with_a_message_and_keep_what_was_typed(client, login_as, changes, message):
    login_as()
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    response = post_form(client, "/signalen/melden", data)
    assert response.status_code == 422
    html = text_of(response)
    assert message in html and "Er is een probleem" in html
    for key in ("title", "description"):
        if data[key]:
            assert data[key][:200] in html  # what was typed is still there
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 0


# --- the list -------------------------------------------------------------------------------------------

@pytest.fixture
def three(create_user):
    """Alpha (gemeenten, Rijnmond, oldest), Beta (vo, national, discussed, 2 recognitions) and Gamma (wo,
    Twente, newest, 1 recognition)."""
    reporter = create_user()
    alpha = new_signal(reporter, "Alpha regels", "regelgeving", "gemeenten", "AM22", days_ago=30)
    beta = new_signal(reporter, "Beta krimp", "krimp", "vo", None, days_ago=20, status=SignalStatus.DISCUSSED)
    gamma = new_signal(reporter, "Gamma uitbesteding", "uitbesteding", "wo", "AM05", days_ago=10)
    for user in (create_user(), create_user()):
        recognise(user, beta)
    recognise(create_user(), gamma)
    return alpha, beta, gamma


def test_the_list_sorts_by_recognitions_or_newest(client, login_as, three):
    login_as()
    titles = ["Alpha regels", "Beta krimp", "Gamma uitbesteding"]
    html = text_of(client.get("/signalen"))
    assert titles_in_order(html, titles) == ["Beta krimp", "Gamma uitbesteding", "Alpha regels"]
    assert "3 signalen gevonden" in html
    assert "2 keer herkend" in html and "3 organisaties" in html  # the reporter's and two others
    assert "Landelijk" in html and "Besproken in de leercirkel" in html
    newest = text_of(client.get("/signalen?sorteer=nieuwste"))
    assert titles_in_order(newest, titles) == ["Gamma uitbesteding", "Beta krimp", "Alpha regels"]


@pytest.mark.parametrize(("query", "expected"), [
    ("categorie=krimp", ["Beta krimp"]),
    ("sector=wo", ["Gamma uitbesteding"]),
    ("regio=landelijk", ["Beta krimp"]),
    ("regio=AM22", ["Alpha regels"]),
    ("status=besproken", ["Beta krimp"]),
    ("status=nieuw&sector=gemeenten", ["Alpha regels"]),
    ("categorie=krimp&sector=wo", []),
])
def test_the_list_filters(client, login_as, three, query, expected):
    login_as()
    html = text_of(client.get(f"/signalen?{query}"))
    shown = [t for t in ("Alpha regels", "Beta krimp", "Gamma uitbesteding") if f">{t}</a>" in html]
    assert shown == expected
    for value in query.split("&"):  # the form shows the filters that apply
        name, _eq, chosen = value.partition("=")
        assert option_selected(html, name, chosen)
    csv_link = re.search(r'href="(/signalen\.csv[^"]*)"', html).group(1)  # the download has the same filters
    assert sorted(csv_link.partition("?")[2].split("&amp;")) == sorted(query.split("&"))
    if not expected:
        assert "Geen signalen gevonden" in html


def test_unknown_filters_are_ignored_with_a_notice(client, login_as, three):
    login_as()
    response = client.get("/signalen?categorie=xyz&sector=zzz&regio=AM99&status=weg&sorteer=raar&page=abc")
    assert response.status_code == 200
    html = text_of(response)
    for notice in ("De gekozen categorie bestaat niet", "De gekozen sector bestaat niet",
                   "De gekozen regio bestaat niet", "De gekozen status bestaat niet", "Deze sortering bestaat niet"):
        assert notice in html
    assert "3 signalen gevonden" in html
    for page in ("-1", "0", "999999", "1e3"):
        assert client.get(f"/signalen?page={page}").status_code == 200


def test_the_list_pages(client, login_as, create_user):
    login_as()
    reporter = create_user()
    for n in range(25):
        new_signal(reporter, f"Signaal {n:02d}", days_ago=100 - n)
    first = text_of(client.get("/signalen?sorteer=nieuwste"))
    assert first.count('<li class="card">') == 20 and "Pagina 1 van 2" in first
    assert ">Signaal 24</a>" in first and ">Signaal 04</a>" not in first
    assert 'href="/signalen?page=2&amp;sorteer=nieuwste"' in first
    second = text_of(client.get("/signalen?sorteer=nieuwste&page=2"))
    assert second.count('<li class="card">') == 5 and ">Signaal 00</a>" in second
    assert text_of(client.get("/signalen?sorteer=nieuwste&page=7")).count('<li class="card">') == 5  # the last page


# --- recognising ----------------------------------------------------------------------------------------

def test_recognise_update_the_note_and_withdraw(client, login_as, create_user):
    signal = new_signal(create_user(), "Armoedeval")
    member = login_as()
    url = f"/signalen/{signal.id}"
    assert "Wij herkennen dit" in text_of(client.get(url))
    response = post_form(client, f"{url}/herkennen", {"note": "Bij ons ook, twee keer."}, page=url)
    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "U herkent dit signaal. Dank u wel." in page
    assert "Bij ons ook, twee keer." in page and member.organisation.name in page and "1 persoon" in page
    again = post_form(client, f"{url}/herkennen", {"note": "Nu drie keer."}, page=url)
    assert again.status_code == 302
    rows = db.session.scalars(sa.select(Recognition)).all()
    assert [(r.user_id, r.note, r.organisation_id) for r in rows] == [(member.id, "Nu drie keer.",
                                                                       member.organisation_id)]
    assert "Uw toelichting is bijgewerkt." in text_of(client.get(url))
    assert post_form(client, f"{url}/herkennen/intrekken", {}, page=url).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0
    assert "U herkent dit signaal niet meer." in text_of(client.get(url))
    assert post_form(client, f"{url}/herkennen/intrekken", {}, page=url).status_code == 302
    assert "U herkende dit signaal niet." in text_of(client.get(url))


def test_a_recognition_without_a_note(client, login_as, create_user):
    signal = new_signal(create_user())
    login_as()
    url = f"/signalen/{signal.id}"
    assert post_form(client, f"{url}/herkennen", {}, page=url).status_code == 302
    assert db.session.scalar(sa.select(Recognition.note)) == ""


@pytest.mark.parametrize(("note", "message"), [
    ("x" * 1001, "Gebruik hoogstens 1000 tekens."),
    (f"Onze medewerker met BSN {BSN} ook.", "Dit lijkt een persoonsgegeven"),
])
def test_a_bad_note_is_refused_and_kept(client, login_as, create_user, note, message):
    signal = new_signal(create_user())
    login_as()
    url = f"/signalen/{signal.id}"
    response = post_form(client, f"{url}/herkennen", {"note": note}, page=url)
    assert response.status_code == 422
    assert message in text_of(response) and note[:200] in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0


def test_the_reporter_cannot_recognise_their_own_signal(client, login_as):
    reporter = login_as()
    signal = new_signal(reporter)
    url = f"/signalen/{signal.id}"
    page = text_of(client.get(url))
    assert "U meldde dit signaal zelf" in page and "Wij herkennen dit" not in page
    assert post_form(client, f"{url}/herkennen", {"note": "Ik zelf"}, page=url).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0


def test_an_administrator_who_reported_it_cannot_recognise_it_either(client, login_as):
    admin = login_as(Role.ADMINISTRATOR)
    signal = new_signal(admin)
    url = f"/signalen/{signal.id}"
    response = post_form(client, f"{url}/herkennen", {}, page=url)
    assert response.status_code == 403 and "U meldde dit signaal zelf" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)) == 0


def test_a_signal_that_does_not_exist_is_404(client, login_as):
    login_as()
    assert client.get("/signalen/999").status_code == 404
    assert client.get("/signalen/999/bewerken").status_code == 404
    assert post_form(client, "/signalen/999/herkennen", {}, page="/signalen").status_code == 404


# --- editing --------------------------------------------------------------------------------------------

def test_the_reporter_edits_while_new_then_only_coordinators(client, auth, create_user):
    reporter, other = create_user(), create_user()
    coordinator = create_user(role=Role.COORDINATOR)
    signal = new_signal(reporter, "Oude titel")
    url = f"/signalen/{signal.id}/bewerken"
    changed = {**GOOD, "title": "Nieuwe titel"}

    auth.login(reporter.email)
    form = text_of(client.get(url))
    assert 'value="Oude titel"' in form and option_selected(form, "sector", "gemeenten")
    assert post_form(client, url, changed).status_code == 302
    assert db.session.get(Signal, signal.id).title == "Nieuwe titel"
    assert post_form(client, url, {**changed, "title": ""}).status_code == 422
    auth.logout()

    auth.login(other.email)
    assert client.get(url).status_code == 403
    assert "Signaal bewerken" not in text_of(client.get(f"/signalen/{signal.id}"))
    auth.logout()

    auth.login(coordinator.email)
    respond = post_form(client, f"/signalen/{signal.id}/beheer", {"status": "besproken", "response": "Besproken."})
    assert respond.status_code == 302
    assert client.get(url).status_code == 200
    assert post_form(client, url, {**changed, "title": "Titel van de coördinator"}).status_code == 302
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "signal.edited")) is not None
    auth.logout()

    auth.login(reporter.email)  # no longer new: the reporter may not change it any more
    assert client.get(url).status_code == 403
    assert post_form(client, url, changed, page=f"/signalen/{signal.id}").status_code == 403
    assert db.session.get(Signal, signal.id).title == "Titel van de coördinator"


# --- the coordinators' answer -----------------------------------------------------------------------------

def test_status_and_response_reach_the_reporter_and_recognisers(client, login_as, create_user, mailbox):
    reporter = create_user("melder@example.org")
    recogniser = create_user("herkenner@example.org")
    muted = create_user("stil@example.org")
    muted.muted_notifications = [signals.NOTIFY_KIND]
    db.session.commit()
    signal = new_signal(reporter, "Loondispensatie onduidelijk")
    recognise(recogniser, signal)
    recognise(muted, signal)
    coordinator = login_as(Role.COORDINATOR)
    recognise(coordinator, signal)
    url = f"/signalen/{signal.id}/beheer"
    form = text_of(client.get(url))
    assert "Besproken in de leercirkel" in form and "Doorgezet naar beleid" in form

    response = post_form(client, url, {"status": "doorgezet", "response": "Doorgezet naar **SZW**."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/signalen/{signal.id}")
    db.session.expire_all()
    signal = db.session.get(Signal, signal.id)
    assert (signal.status, signal.response) == ("doorgezet", "Doorgezet naar **SZW**.")
    assert signal.responded_by_id == coordinator.id and signal.responded_at is not None
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "signal.responded"))
    assert audit.object_id == signal.id and audit.details["new"] == "doorgezet"

    assert sorted(m["To"] for m in mailbox.messages) == ["herkenner@example.org", "melder@example.org"]
    to_reporter = mailbox.to("melder@example.org")[0]
    text = mailbox.text(to_reporter)
    assert "Loondispensatie onduidelijk" in to_reporter["Subject"]
    assert "het signaal dat u meldde" in text and "Doorgezet naar beleid" in text and "Doorgezet naar **SZW**." in text
    links = mailbox.links(to_reporter)
    assert any(link.endswith(f"/signalen/{signal.id}") and link.startswith("http") for link in links)
    assert "<strong>SZW</strong>" in mailbox.html(to_reporter)
    assert "een signaal dat u herkent" in mailbox.text(mailbox.to("herkenner@example.org")[0])
    page = text_of(client.get(f"/signalen/{signal.id}"))
    assert "<strong>SZW</strong>" in page and coordinator.name in page

    # The same again: nothing changed, nobody is mailed.
    mailbox.messages.clear()
    again = post_form(client, url, {"status": "doorgezet", "response": "Doorgezet naar **SZW**."})
    assert again.status_code == 302 and "Er is niets gewijzigd." in text_of(client.get(f"/signalen/{signal.id}"))
    assert mailbox.messages == []
    # Only the response changes: they hear again.
    assert post_form(client, url, {"status": "doorgezet", "response": "SZW antwoordt in juni."}).status_code == 302
    assert sorted(m["To"] for m in mailbox.messages) == ["herkenner@example.org", "melder@example.org"]


@pytest.mark.parametrize(("data", "message"), [
    ({"status": "weg", "response": ""}, "Kies een status uit de lijst."),
    ({"response": "Zonder status"}, "Kies een status uit de lijst."),
    ({"status": "opgelost", "response": "x" * 5001}, "Gebruik hoogstens 5000 tekens."),
])
def test_a_bad_answer_is_refused(client, login_as, create_user, mailbox, data, message):
    signal = new_signal(create_user())
    login_as(Role.COORDINATOR)
    response = post_form(client, f"/signalen/{signal.id}/beheer", data)
    assert response.status_code == 422 and message in text_of(response)
    db.session.expire_all()
    assert db.session.get(Signal, signal.id).status == "nieuw" and mailbox.messages == []


# --- merging --------------------------------------------------------------------------------------------

def test_merging_moves_recognitions_and_the_reporter(client, login_as, create_user):
    target_reporter, dup_reporter, both, only_dup = create_user(), create_user(), create_user(), create_user()
    target = new_signal(target_reporter, "Uitbesteed werk")
    duplicate = new_signal(dup_reporter, "Schoonmaak bij de aannemer", sector="vo")
    recognise(both, target, "op het doel")
    recognise(both, duplicate, "op de dubbel")
    recognise(only_dup, duplicate, "alleen op de dubbel")
    recognise(target_reporter, duplicate, "de melder van het doel")
    login_as(Role.COORDINATOR)
    manage = text_of(client.get(f"/signalen/{duplicate.id}/beheer"))
    assert f'value="{target.id}"' in manage and f'value="{duplicate.id}"' not in manage

    response = post_form(client, f"/signalen/{duplicate.id}/samenvoegen", {"target": target.id},
                         page=f"/signalen/{duplicate.id}/beheer")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/signalen/{target.id}")
    db.session.expire_all()
    notes = {r.user_id: r.note for r in db.session.scalars(sa.select(Recognition).where(
        Recognition.signal_id == target.id))}
    assert notes == {both.id: "op het doel", only_dup.id: "alleen op de dubbel",
                     dup_reporter.id: "Schoonmaak bij de aannemer"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recognition).where(
        Recognition.signal_id == duplicate.id)) == 0
    assert db.session.get(Signal, duplicate.id).merged_into_id == target.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "signal.merged"))
    assert entry.object_id == duplicate.id and entry.details["into"] == target.id

    target_page = text_of(client.get(f"/signalen/{target.id}"))
    assert "3 personen" in target_page and "Schoonmaak bij de aannemer" in target_page  # listed as merged
    merged_page = client.get(f"/signalen/{duplicate.id}")
    assert merged_page.status_code == 200
    assert "samengevoegd met een ander signaal" in text_of(merged_page)
    assert f'href="/signalen/{target.id}"' in text_of(merged_page)
    listing = text_of(client.get("/signalen"))
    assert ">Schoonmaak bij de aannemer</a>" not in listing and "1 signaal gevonden" in listing
    assert "3 keer herkend" in listing
    table = page_table(text_of(client.get("/signalen/overzicht"))).rows
    assert table[-1][-2:] == ["1", "3"]  # one signal, three recognitions
    # A merged signal is not changed any more.
    assert post_form(client, f"/signalen/{duplicate.id}/beheer", {"status": "opgelost", "response": ""},
                     page=f"/signalen/{duplicate.id}").status_code == 409


def test_merging_is_refused_when_it_makes_no_sense(client, login_as, create_user):
    reporter = create_user()
    first, second, third = (new_signal(reporter, t) for t in ("Eerste", "Tweede", "Derde"))
    login_as(Role.COORDINATOR)

    def merge(duplicate, target):
        return post_form(client, f"/signalen/{duplicate.id}/samenvoegen", {"target": target},
                         page=f"/signalen/{duplicate.id}/beheer")

    for target, status, message in [
        (first.id, 422, "niet met zichzelf"),
        (9999, 422, "Signaal 9999 bestaat niet"),
        ("abc", 422, "Kies het signaal waarmee dit signaal samenvalt"),
        ("", 422, "Kies het signaal waarmee dit signaal samenvalt"),
    ]:
        response = merge(first, target)
        assert response.status_code == status and message in text_of(response), target
    assert merge(second, first.id).status_code == 302  # second -> first
    refused = merge(first, second.id)  # first -> second would make them point at each other
    assert refused.status_code == 409 and "Andersom samenvoegen kan niet" in text_of(refused)
    refused = merge(third, second.id)  # into a merged signal
    assert refused.status_code == 409 and "zelf al samengevoegd met signaal" in text_of(refused)
    refused = merge(second, third.id)  # a merged signal again
    assert refused.status_code == 409 and "al samengevoegd met signaal" in text_of(refused)
    db.session.expire_all()
    assert [s.merged_into_id for s in db.session.scalars(sa.select(Signal).order_by(Signal.id))] == [
        None, first.id, None]


def test_signals_merged_into_a_duplicate_follow_it(app, create_user):
    coordinator, reporter = create_user(role=Role.COORDINATOR), create_user()
    a, b, c = (new_signal(reporter, t) for t in ("A", "B", "C"))
    signals.merge(coordinator, a, b.id)
    signals.merge(coordinator, b, c.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Signal, a.id).merged_into_id == c.id


# --- the summary and the downloads --------------------------------------------------------------------

@pytest.fixture
def summary_world(create_user):
    """Five counted signals (one reported last year) and one merged away. Recognitions: 4 for gemeenten
    (3 on s1 after the merge, 1 on s3), 3 for vo, 1 for the signal without a sector."""
    users = [create_user() for _ in range(4)]
    reporter = create_user()
    s1 = new_signal(reporter, "Telt detachering mee?", "regelgeving", "gemeenten")
    s2 = new_signal(reporter, "Regels voor inkoop", "regelgeving", "gemeenten")
    s3 = new_signal(reporter, "Krimp in de regio", "krimp", "gemeenten")
    s4 = new_signal(reporter, "Schoonmaak uitbesteed", "uitbesteding", "vo", status=SignalStatus.FORWARDED,
                    response="Doorgezet naar **OCW**.")
    s5 = new_signal(reporter, "Armoedeval", "financiering", None)
    s5.created_at = datetime(utcnow().year - 1, 6, 1, tzinfo=UTC)
    db.session.commit()
    s6 = new_signal(users[3], "Dubbel van detachering", "regelgeving", "gemeenten")
    for user in users[:2]:
        recognise(user, s1)
    recognise(users[0], s3)
    for user in users[:3]:
        recognise(user, s4)
    recognise(users[1], s5)
    signals.merge(create_user(role=Role.COORDINATOR), s6, s1.id)
    db.session.commit()
    return s1, s2, s3, s4, s5


def _rows_by_label(rows):
    return {row[0]: row[1:] for row in rows}


def test_the_summary_counts_per_sector_and_category(client, login_as, summary_world):
    login_as()
    html = text_of(client.get("/signalen/overzicht"))
    table = page_table(html)
    header = table.rows[0]
    assert header[:3] == ["Sector", "Regelgeving", "Instrumenten"] and header[-2:] == ["Signalen", "Herkenningen"]
    assert "Aantal signalen per sector en categorie" in table.caption
    assert '<th scope="col"' in html and '<th scope="row"' in html and "<caption" in html
    rows = _rows_by_label(table.rows[1:])
    column = {name: i for i, name in enumerate(header[1:])}
    gemeenten = rows["Gemeenten"]
    assert gemeenten[column["Regelgeving"]] == "2" and gemeenten[column["Krimp"]] == "1"
    assert gemeenten[column["Signalen"]] == "3" and gemeenten[column["Herkenningen"]] == "4"
    vo = rows["Voortgezet onderwijs"]
    assert vo[column["Uitbesteding"]] == "1" and vo[column["Herkenningen"]] == "3"
    no_sector = rows["Alle sectoren (geen sector gekozen)"]
    assert no_sector[column["Financiering"]] == "1" and no_sector[column["Signalen"]] == "1"
    assert rows["Politie"][column["Signalen"]] == "0"
    assert rows["Totaal"][column["Signalen"]] == "5" and rows["Totaal"][column["Herkenningen"]] == "8"
    assert rows["Totaal"][column["Regelgeving"]] == "2"
    # the most-recognised signals per sector, with their status and the response
    top = html[html.index("Meest herkende signalen per sector"):]
    assert top.index("Gemeenten") < top.index(">Telt detachering mee?</a>") < top.index(">Krimp in de regio</a>")
    assert "<strong>OCW</strong>" in top and "Doorgezet naar beleid" in top
    assert ">Dubbel van detachering</a>" not in html


def test_the_summary_csv_has_the_page_numbers(client, login_as, summary_world):
    login_as()
    for query in ("", "?status=doorgezet", f"?jaar={utcnow().year - 1}", "?status=nieuw&jaar=" + str(utcnow().year)):
        page_rows = page_table(text_of(client.get(f"/signalen/overzicht{query}"))).rows
        response = client.get(f"/signalen/overzicht.csv{query}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert read_csv(response) == page_rows, query


def test_the_summary_filters(client, login_as, summary_world):
    login_as()
    forwarded = _rows_by_label(page_table(text_of(client.get("/signalen/overzicht?status=doorgezet"))).rows)
    assert forwarded["Totaal"][-2:] == ["1", "3"] and forwarded["Voortgezet onderwijs"][-2:] == ["1", "3"]
    last_year = utcnow().year - 1
    html = text_of(client.get(f"/signalen/overzicht?jaar={last_year}"))
    assert _rows_by_label(page_table(html).rows)["Totaal"][-2:] == ["1", "1"]
    assert f"gemeld in {last_year}" in html
    bad = client.get("/signalen/overzicht?status=weg&jaar=1999")
    assert bad.status_code == 200
    html = text_of(bad)
    assert "De gekozen status bestaat niet" in html and "Het gekozen jaar staat niet in de lijst" in html
    assert _rows_by_label(page_table(html).rows)["Totaal"][-2:] == ["5", "8"]
    for year in ("abc", "-1", "20255", str(utcnow().year + 1)):
        assert client.get(f"/signalen/overzicht?jaar={year}").status_code == 200
        assert client.get(f"/signalen/overzicht.csv?jaar={year}").status_code == 200


def test_the_signals_csv_matches_the_list_and_names_nobody(client, login_as, create_user, summary_world):
    login_as()
    response = client.get("/signalen.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="signalen.csv"'
    rows = read_csv(response)
    assert rows[0] == ["Nummer", "Titel", "Categorie", "Sector", "Arbeidsmarktregio", "Status", "Herkenningen",
                       "Organisaties", "Gemeld op", "Reactie"]
    by_title = {row[1]: row for row in rows[1:]}
    assert set(by_title) == {"Telt detachering mee?", "Regels voor inkoop", "Krimp in de regio",
                             "Schoonmaak uitbesteed", "Armoedeval"}
    s1 = by_title["Telt detachering mee?"]
    assert s1[2:8] == ["Regelgeving", "Gemeenten", "Landelijk", "Nieuw", "3", "4"]
    assert by_title["Schoonmaak uitbesteed"][9] == "Doorgezet naar OCW."
    assert by_title["Armoedeval"][3] == "Alle sectoren" and by_title["Armoedeval"][8].startswith(str(utcnow().year - 1))
    text = response.get_data(as_text=True)
    for name in db.session.scalars(sa.select(User.name)):
        assert name not in text
    # the same rows as the list page, with the same numbers
    listing = text_of(client.get("/signalen"))
    for title in by_title:
        assert f">{title}</a>" in listing
    assert "3 keer herkend" in listing and "4 organisaties" in listing
    # the list's filters apply to the download too
    only_vo = read_csv(client.get("/signalen.csv?sector=vo&status=onzin"))
    assert [row[1] for row in only_vo[1:]] == ["Schoonmaak uitbesteed"]


def test_csv_cells_are_not_formulas(client, login_as, create_user):
    login_as()
    reporter = create_user()
    for title in ("=HYPERLINK(\"http://x\")", "+31 nummer", "-1 plek", "@SUM(A1)"):
        new_signal(reporter, title, response="")
    rows = read_csv(client.get("/signalen.csv"))
    titles = sorted(row[1] for row in rows[1:])
    assert titles == sorted(["'=HYPERLINK(\"http://x\")", "'+31 nummer", "'-1 plek", "'@SUM(A1)"])


# --- a fixed number of queries ---------------------------------------------------------------------------

def test_pages_run_a_fixed_number_of_queries(client, login_as, create_user, count_queries):
    login_as()
    people = [create_user() for _ in range(4)]
    sectors = ["gemeenten", "vo", None, "wo"]
    made = []

    def grow(total: int) -> None:
        while len(made) < total:
            n = len(made)
            signal = new_signal(people[n % 4], f"Signaal {n}", ["regelgeving", "krimp", "overig"][n % 3],
                                sectors[n % 4], "AM22" if n % 2 else None,
                                status=SignalStatus.FORWARDED if n % 5 == 0 else None, response="Antwoord.")
            for person in people:
                if person.id != signal.reported_by_id and (n + person.id) % 2:
                    recognise(person, signal, "Herkenbaar.")
            made.append(signal)

    def queries(url: str) -> int:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return len(counted)

    urls = ["/signalen", "/signalen?sorteer=nieuwste&sector=gemeenten", "/signalen/overzicht",
            "/signalen/overzicht?status=doorgezet", "/signalen.csv", "/signalen/overzicht.csv"]
    grow(3)
    few = [queries(url) for url in urls] + [queries(f"/signalen/{made[1].id}")]
    grow(30)
    many = [queries(url) for url in urls] + [queries(f"/signalen/{made[1].id}")]
    assert few == many


# --- the most-recognised signals for other pages ---------------------------------------------------------

def test_top_signals(app, create_user, count_queries):
    user, reporter = create_user(), create_user()
    people = [create_user() for _ in range(3)]
    regional = new_signal(reporter, "Regionaal", sector="gemeenten", region="AM22")
    solved = new_signal(reporter, "Opgelost", sector="vo", status=SignalStatus.SOLVED, response="Klaar.")
    national = new_signal(reporter, "Overal", sector=None, region=None)
    twente = new_signal(reporter, "Twente", sector="wo", region="AM05")
    merged = new_signal(reporter, "Samengevoegd", sector="gemeenten")
    for person in people[:2]:
        recognise(person, regional)
    for person in people:
        recognise(person, solved)
        recognise(person, merged)
    recognise(people[0], national)
    signals.merge(create_user(role=Role.COORDINATOR), merged, twente.id)
    db.session.commit()  # Twente now has the 3 recognitions of the merged signal (same reporter: no more)

    assert signals.top_signals(None) == [] and signals.top_signals(AnonymousUserMixin()) == []
    db.session.refresh(user)  # as in a request, where the reader is loaded already
    with count_queries() as counted:
        top = signals.top_signals(user)
    assert len(counted) == 1, counted.statements
    assert [(t.title, t.recognitions) for t in top] == [("Twente", 3), ("Regionaal", 2), ("Overal", 1)]
    assert [t.title for t in signals.top_signals(user, sector_codes=["gemeenten"])] == ["Regionaal", "Overal"]
    assert [t.title for t in signals.top_signals(user, region_codes=["AM05"])] == ["Twente", "Overal"]
    assert [t.title for t in signals.top_signals(user, sector_codes=["vo"], region_codes=["AM22"])] == ["Overal"]
    assert [t.title for t in signals.top_signals(user, limit=1)] == ["Twente"]
    with app.test_request_context("/"):
        html = render_template("progress/signals/_top.html", top_signals=top)
        assert f'href="/signalen/{twente.id}"' in html and "3 keer herkend" in html and "<h" not in html
        empty = render_template("progress/signals/_top.html", top_signals=[])
        assert "Er zijn nog geen open signalen." in empty


# --- demo data --------------------------------------------------------------------------------------------

def _demo_counts() -> tuple[int, int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Signal)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Recognition)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Signal).where(Signal.merged_into_id.is_not(None))))


def test_demo_signals_are_seeded_once(app, client, auth):
    from circles.demo import people, seed_demo
    from circles.progress.demo import seed_signals

    seed_demo()
    seed_signals(people())
    db.session.commit()
    counts = _demo_counts()
    seed_signals(people())
    db.session.commit()
    assert _demo_counts() == counts
    total, recognitions, merged = counts
    assert total >= 8 and merged == 1 and recognitions >= 10
    open_signals = db.session.scalars(sa.select(Signal).where(Signal.merged_into_id.is_(None))).all()
    assert {s.status for s in open_signals} == set(SignalStatus)
    assert all(s.response for s in open_signals if s.status != SignalStatus.NEW)
    assert len({s.category for s in open_signals}) >= 6
    for signal in db.session.scalars(sa.select(Signal)):
        assert find_identifier(signal.title) is None and find_identifier(signal.description) is None
        assert signal.organisation_id is not None
        for r in signal.recognitions:
            assert r.user_id != signal.reported_by_id and r.organisation_id not in (None, signal.organisation_id)
    assert auth.login("lid@demo.leercirkels.nl", "leercirkel-demo-2026").status_code == 302
    assert client.get("/signalen").status_code == 200 and client.get("/signalen/overzicht").status_code == 200
