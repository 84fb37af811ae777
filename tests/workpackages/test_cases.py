"""Good-practice cases (goede voorbeelden): writing every field (no personal data; an employee's quote only
with consent), revisions, publishing and review, and the searchable list with facets."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from circles.accounts.models import Role
from circles.core import revisions
from circles.core.db import db
from circles.workpackages.cases import services as case_services
from circles.workpackages.cases.content import case_content, case_markdown
from circles.workpackages.models import Case, Status
from tests.conftest import post_form

EMPLOYEE_QUOTE = "Ik hoor er echt bij, de leraren rekenen op mij."
SUPERVISOR_QUOTE = "Hij zag al snel zelf wat er moest gebeuren."


def _form(title="Assistent-conciërge na een stage", **overrides) -> dict:
    """A filled-in case form as a browser sends it: every field, an employee's quote with consent and a
    supervisor's quote."""
    data = {
        "title": title,
        "summary": "Een oud-leerling van de praktijkschool werkt nu in de conciërgerie.",
        "story": "Het begon met een **stage** van een half jaar.\n\n- eerst meelopen\n- daarna zelfstandig",
        "function_title": "Assistent-conciërge",
        "setting": "conciergerie",
        "sector": "vo",
        "region": "AM22",
        "package": "",
        "circle": "",
        "start_year": "2019",
        "placements": "2",
        "hours_per_week": "20,5",
        "contract_form": "onbepaalde_tijd",
        "recruitment": ["stage", "oud_leerling"],
        "partners": ["vso_pro_school", "uwv"],
        "triggers": ["banenafspraak", "werkdruk"],
        "guidance": ["interne_werkbegeleider", "jobcoach_extern"],
        "guidance_notes": "De conciërge is vaste werkbegeleider.",
        "adjustments": "Een vaste werkplek met een picto-planning.",
        "instruments": ["loonkostensubsidie", "no_riskpolis"],
        "costs_benefits": "Vooral tijd van de werkbegeleider; de subsidie dekt het loon grotendeels.",
        "results_organisation": "Een schoner gebouw en minder uitval.",
        "results_team": "Leraren hebben minder kopieerwerk.",
        "results_employee": "Een vaste baan en collega's.",
        "still_employed": "ja",
        "permanent_after_months": "18",
        "growth": "Doet nu ook de bestellingen.",
        "lessons": "Begin met een stage.",
        "tips": "Zorg voor één vaste begeleider.",
        "quotes-0-role": "medewerker",
        "quotes-0-text": EMPLOYEE_QUOTE,
        "quotes-0-consent": "y",
        "quotes-0-consent_note": "Schriftelijk, met het formulier, maart 2024.",
        "quotes-1-role": "begeleider",
        "quotes-1-text": SUPERVISOR_QUOTE,
        "quotes-1-consent_note": "",
        "licence": "CC-BY-4.0",
        "language": "nl",
        "revision": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _create(client, **overrides):
    return post_form(client, "/voorbeelden/nieuw", _form(**overrides))


def _case(title="Assistent-conciërge na een stage") -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.title == title))


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def _page_of(case) -> str:
    return f"/voorbeelden/{case.id}-{case.slug}"


# --- writing -----------------------------------------------------------------------------------------------

def test_a_member_writes_a_case_with_every_field(client, login_as):
    user = login_as()
    response = _create(client)
    assert response.status_code == 302
    case = _case()
    assert response.headers["Location"].endswith(_page_of(case))
    assert (case.status, case.organisation_id, case.author_id, case.revision) == (
        Status.DRAFT, user.organisation_id, user.id, 1)
    assert (case.sector_code, case.region_code, case.setting, case.function_title) == (
        "vo", "AM22", "conciergerie", "Assistent-conciërge")
    assert (case.start_year, case.placements, case.hours_per_week, case.contract_form) == (
        2019, 2, 20.5, "onbepaalde_tijd")
    assert case.recruitment == ["stage", "oud_leerling"] and case.partners == ["vso_pro_school", "uwv"]
    assert case.triggers == ["banenafspraak", "werkdruk"]
    assert case.guidance == ["interne_werkbegeleider", "jobcoach_extern"]
    assert case.instruments == ["loonkostensubsidie", "no_riskpolis"]
    assert (case.still_employed, case.permanent_after_months) == (True, 18)
    employee, supervisor = case.quotes
    assert (employee.role, employee.consent_recorded_by_id) == ("medewerker", user.id)
    assert employee.consent_recorded_at is not None and "maart 2024" in employee.consent_note
    assert supervisor.role == "begeleider" and supervisor.consent_recorded_at is None

    page = client.get(_page_of(case)).get_data(as_text=True)
    for text in ("Rijnmond", "Voortgezet onderwijs", "Conciërgerie", "2019", "20,5 uur", "0,80 baan",
                 "Arbeidsovereenkomst voor onbepaalde tijd", "Oud-leerling (praktijkonderwijs of vso)",
                 "Vso- of praktijkschool", "Werkdruk van collega", "Externe jobcoach",
                 "Een schoner gebouw", "Leraren hebben minder kopieerwerk", "na 18 maanden",
                 "Doet nu ook de bestellingen", "Begin met een stage", "Concept"):
        assert text in page, text
    assert "<strong>stage</strong>" in page  # the story is Markdown
    assert 'href="/instrumenten/loonkostensubsidie"' in page
    # Quotes by role, never by name
    assert EMPLOYEE_QUOTE in page and "— Medewerker" in page and "— Begeleider" in page
    quotes = page[page.index("Wat betrokkenen zeggen"):page.index("Bijlagen")]
    assert user.name not in quotes


def test_the_new_form_starts_from_my_organisation_and_a_chosen_package(client, login_as, make_package):
    user = login_as()  # an organisation in Rotterdam (Rijnmond), sector gemeenten
    package = make_package(title="Medewerker post", organisation=user.organisation, status=Status.DRAFT)
    page = client.get(f"/voorbeelden/nieuw?werkpakket={package.id}").get_data(as_text=True)
    assert '<option selected value="gemeenten">' in page
    assert '<option selected value="AM22">Rijnmond</option>' in page
    assert f'<option selected value="{package.id}">Medewerker post</option>' in page
    assert "Geen gegevens waarmee de medewerker te herkennen is" in page
    assert "nooit op naam van een persoon" in page
    assert page.count('name="quotes-') >= 8 and 'name="quotes-2-text"' not in page  # two empty quote rows
    assert client.get("/voorbeelden/nieuw?werkpakket=abc").status_code == 200
    assert client.get("/voorbeelden/nieuw?werkpakket=999999").status_code == 200


def test_create_case_defaults_sector_and_region_to_the_organisation(app, create_user):
    user = create_user()
    case = case_services.create_case(user, {"title": "Zonder regio", "summary": "Kort."})
    db.session.commit()
    assert (case.sector_code, case.region_code, case.revision, case.slug) == ("gemeenten", "AM22", 1, "zonder-regio")


def test_an_employee_quote_without_consent_is_refused(client, login_as):
    login_as()
    response = _create(client, **{"quotes-0-consent": None})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#quotes-0-consent"' in page
    assert "alleen met diens uitdrukkelijke toestemming" in page
    assert EMPLOYEE_QUOTE in page and SUPERVISOR_QUOTE in page  # what was typed is still there
    assert _count() == 0


def test_a_supervisor_quote_needs_no_consent_but_the_service_guards_employees(app, create_user):
    user = create_user()
    with pytest.raises(case_services.CaseError) as refused:
        case_services.create_case(user, {"title": "Citaat", "quotes": [
            {"role": "medewerker", "text": "Mooi werk.", "consent_recorded": False}]})
    assert refused.value.status == 422
    db.session.rollback()
    case = case_services.create_case(user, {"title": "Citaat", "quotes": [
        {"role": "directeur", "text": "Mooi werk.", "consent_recorded": False}]})
    db.session.commit()
    assert case.quotes[0].consent_recorded_at is None


@pytest.mark.parametrize(("overrides", "field"), [
    ({"story": "Het nummer 111222333 staat in zijn dossier."}, "story"),
    ({"tips": "naam medewerker: Jan"}, "tips"),
    ({"results_employee": "Naam van de medewerker = Jan de Vries"}, "results_employee"),
    ({"quotes-1-text": "BSN: 111222333"}, "quotes-1-text"),
    ({"quotes-0-consent_note": "Getekend door naam medewerker: Jan"}, "quotes-0-consent_note"),
    ({"function_title": "Kandidaat 1112 22 333"}, "function_title"),
])
def test_personal_data_is_refused_with_a_dutch_message(client, login_as, overrides, field):
    login_as()
    response = _create(client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in page
    assert "Dit lijkt een persoonsgegeven van een medewerker" in page
    assert _count() == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Geef het voorbeeld een titel"),
    ({"start_year": "1989"}, "start_year", "1990 tot en met"),
    ({"start_year": "twintig"}, "start_year", "Vul een jaartal in"),
    ({"start_year": "12345"}, "start_year", "Vul een jaartal in"),
    ({"placements": "0"}, "placements", "minstens 1"),
    ({"placements": "1,5"}, "placements", "heel getal"),
    ({"hours_per_week": "-4"}, "hours_per_week", "0 of meer"),
    ({"hours_per_week": "61"}, "hours_per_week", "hoogstens 60"),
    ({"permanent_after_months": "601"}, "permanent_after_months", "hoogstens 600"),
    ({"quotes-1-text": "", "quotes-1-consent_note": "Mondeling"}, "quotes-1-text", "Schrijf het citaat"),
    ({"region": "AM99"}, "region", ""),
    ({"package": "12345"}, "package", ""),
])
def test_bad_input_gets_a_message_and_keeps_the_text(client, login_as, overrides, field, message):
    login_as()
    response = _create(client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in page and message in page
    assert "Leraren hebben minder kopieerwerk." in page
    assert _count() == 0


def test_a_case_needs_only_a_title_and_a_summary(client, login_as):
    login_as()
    response = post_form(client, "/voorbeelden/nieuw", {"title": "Kort voorbeeld", "summary": "Kort.",
                                                         "revision": "0"})
    assert response.status_code == 302
    case = _case("Kort voorbeeld")
    assert (case.sector_code, case.region_code, case.still_employed, case.quotes) == ("gemeenten", "AM22", None, [])
    page = client.get(_page_of(case)).get_data(as_text=True)
    assert "Wat betrokkenen zeggen" not in page and "Duurzaamheid" not in page  # no empty sections


def test_more_quote_rows_keep_what_was_typed(client, login_as):
    login_as()
    response = _create(client, add_quotes="Meer citaten", title="Nog niet klaar")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Nog niet klaar"' in page and SUPERVISOR_QUOTE in page
    assert 'name="quotes-3-text"' in page
    assert _count() == 0


def test_an_anonymous_visitor_cannot_write(client):
    response = client.get("/voorbeelden/nieuw")
    assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"]


def test_a_wrong_slug_redirects_to_the_right_address(client, make_case):
    case = make_case(title="Post rondbrengen")
    response = client.get(f"/voorbeelden/{case.id}-iets-anders")
    assert response.status_code == 301 and response.headers["Location"].endswith(_page_of(case))
    assert client.get("/voorbeelden/999999-x").status_code == 404


def test_the_linked_package_shows_only_when_the_reader_may_see_it(client, auth, create_user, make_package, make_case):
    open_package = make_package(title="Openbaar pakket")
    draft_package = make_package(title="Geheim pakket", status=Status.DRAFT)
    one = make_case(title="Met open pakket", package=open_package)
    two = make_case(title="Met geheim pakket", package=draft_package)
    page = client.get(_page_of(one)).get_data(as_text=True)
    assert f'href="/werkpakketten/{open_package.id}-{open_package.slug}"' in page
    page = client.get(_page_of(two)).get_data(as_text=True)
    assert "Geheim pakket" not in page and "een werkpakket dat u niet kunt zien" in page


# --- publishing and review ----------------------------------------------------------------------------------

@pytest.fixture
def circle_world(create_circle, add_member, create_user):
    """A circle-only circle with a coordinator, a member (the writer) and an outsider."""
    coordinator = create_user(role=Role.COORDINATOR, name="Coördinator Cirkel")
    circle = create_circle("Leercirkel VO West", coordinator=coordinator, visibility="circle")
    writer = create_user(name="Schrijver")
    add_member(circle, writer)
    outsider = create_user(name="Buitenstaander")
    return circle, coordinator, writer, outsider


def _publish(client, case, visibility):
    return post_form(client, f"/voorbeelden/{case.id}/publiceren", {"publiceren-visibility": visibility},
                     page=_page_of(case))


def test_a_member_publishes_to_their_circle_and_outsiders_never_see_it(client, auth, circle_world):
    circle, _coordinator, writer, outsider = circle_world
    auth.login(writer.email)
    _create(client, circle=str(circle.id))
    case = _case()
    assert case.circle_id == circle.id
    response = _publish(client, case, "circle")
    assert response.status_code == 302
    assert (case.status, case.visibility, case.revision) == (Status.PUBLISHED, "circle", 2)
    assert "Assistent-conci" in client.get("/voorbeelden?q=conci").get_data(as_text=True)
    auth.logout()

    for reader in (outsider, None):
        if reader:
            auth.login(reader.email)
        assert client.get(_page_of(case)).status_code == 404
        listing = client.get("/voorbeelden?q=conci&sector=vo").get_data(as_text=True)
        assert "Assistent-conci" not in listing and "0 voorbeelden gevonden" in listing
        assert 'Voortgezet onderwijs <span class="facet__count">(0)' in listing  # not even counted
        everything = client.get("/voorbeelden").get_data(as_text=True)
        assert "Rijnmond" not in everything and "Stage" not in everything
        if reader:
            auth.logout()


def test_public_needs_a_review_by_the_circle_coordinator(client, auth, circle_world, mailbox):
    circle, coordinator, writer, _outsider = circle_world
    auth.login(writer.email)
    _create(client, circle=str(circle.id))
    case = _case()
    assert _publish(client, case, "public").status_code == 302
    assert case.status == Status.IN_REVIEW
    [mail] = mailbox.to(coordinator.email)
    assert case.title in mailbox.text(mail) and _page_of(case) in mailbox.text(mail)
    # The writer cannot approve their own case.
    assert post_form(client, f"/voorbeelden/{case.id}/goedkeuren", {}, page=_page_of(case)).status_code == 403
    assert "wacht op een beoordeling" in client.get(_page_of(case)).get_data(as_text=True)
    auth.logout()

    assert client.get(_page_of(case)).status_code == 404  # not public yet
    auth.login(coordinator.email)
    queue = client.get("/beoordelen").get_data(as_text=True)
    assert f'href="{_page_of(case)}"' in queue and case.title in queue
    assert "Goedkeuren en publiceren" in client.get(_page_of(case)).get_data(as_text=True)
    assert post_form(client, f"/voorbeelden/{case.id}/goedkeuren", {}, page=_page_of(case)).status_code == 302
    auth.logout()
    assert (case.status, case.visibility, case.reviewed_by_id) == (Status.PUBLISHED, "public", coordinator.id)
    assert client.get(_page_of(case)).status_code == 200
    assert case.title not in client.get("/beoordelen").get_data(as_text=True)


def test_a_reviewer_sends_it_back_with_a_note(client, auth, circle_world, mailbox):
    circle, coordinator, writer, _outsider = circle_world
    auth.login(writer.email)
    _create(client, circle=str(circle.id))
    case = _case()
    _publish(client, case, "platform")
    auth.logout()
    auth.login(coordinator.email)
    empty = post_form(client, f"/voorbeelden/{case.id}/terugsturen", {"note": ""}, page=_page_of(case))
    assert empty.status_code == 422 and "Schrijf wat er beter moet" in empty.get_data(as_text=True)
    response = post_form(client, f"/voorbeelden/{case.id}/terugsturen", {"note": "Noem de subsidiebedragen."},
                         page=_page_of(case))
    assert response.status_code == 302
    assert case.status == Status.DRAFT
    [mail] = mailbox.to(writer.email)
    assert "Noem de subsidiebedragen." in mailbox.text(mail) and case.title in mailbox.text(mail)
    auth.logout()
    auth.login(writer.email)
    assert "Noem de subsidiebedragen." in client.get(_page_of(case)).get_data(as_text=True)


def test_without_a_circle_a_case_cannot_be_published_to_one(app, create_user):
    user = create_user()
    case = case_services.create_case(user, {"title": "Los"})
    with pytest.raises(case_services.CaseError) as refused:
        case_services.publish_to_circle(case, user)
    assert refused.value.status == 422


def test_archive_and_reopen(client, login_as):
    login_as()
    _create(client)
    case = _case()
    assert post_form(client, f"/voorbeelden/{case.id}/archiveren", {}, page=_page_of(case)).status_code == 302
    assert case.status == Status.ARCHIVED
    assert "Weer als concept openen" in client.get(_page_of(case)).get_data(as_text=True)
    assert post_form(client, f"/voorbeelden/{case.id}/heropenen", {}, page=_page_of(case)).status_code == 302
    assert case.status == Status.DRAFT


def test_others_may_not_edit_or_publish(client, auth, create_user, make_case):
    case = make_case(title="Van een ander")
    stranger = create_user()
    auth.login(stranger.email)
    assert client.get(f"/voorbeelden/{case.id}/bewerken").status_code == 403
    assert client.get(f"/voorbeelden/{case.id}/geschiedenis").status_code == 403
    page = client.get(_page_of(case)).get_data(as_text=True)
    assert "Bewerken" not in page and "Publiceren" not in page
    assert post_form(client, f"/voorbeelden/{case.id}/archiveren", {}, page=_page_of(case)).status_code == 403
    assert case.status == Status.PUBLISHED


def test_csrf_is_required(client, login_as):
    login_as()
    assert client.post("/voorbeelden/nieuw", data=_form()).status_code == 400
    assert _count() == 0


# --- revisions ---------------------------------------------------------------------------------------------

def test_every_save_is_a_revision_with_a_diff_and_restore(client, login_as):
    user = login_as()
    _create(client)
    case = _case()
    consent_at = case.quotes[0].consent_recorded_at
    edit = post_form(client, f"/voorbeelden/{case.id}/bewerken",
                     _form(revision="1", tips="Plan elke week een kort gesprek."))
    assert edit.status_code == 302 and case.revision == 2
    assert case.quotes[0].consent_recorded_at == consent_at  # an unchanged quote keeps its consent record
    form = client.get(f"/voorbeelden/{case.id}/bewerken").get_data(as_text=True)
    assert EMPLOYEE_QUOTE in form and 'name="quotes-0-consent" type="checkbox" value="y"' in form.replace(
        "checked ", "")
    history = client.get(f"/voorbeelden/{case.id}/geschiedenis").get_data(as_text=True)
    assert "Versie 1" in history and "Versie 2" in history and user.name in history
    diff = client.get(f"/voorbeelden/{case.id}/versies/2").get_data(as_text=True)
    assert re.search(r"<del>.*Zorg voor één vaste begeleider", diff)
    assert re.search(r"<ins>.*Plan elke week een kort gesprek", diff)
    restore = post_form(client, f"/voorbeelden/{case.id}/versies/1/terugzetten", {},
                        page=f"/voorbeelden/{case.id}/versies/1")
    assert restore.status_code == 302
    assert (case.revision, case.tips) == (3, "Zorg voor één vaste begeleider.")
    assert [q.text for q in case.quotes] == [EMPLOYEE_QUOTE, SUPERVISOR_QUOTE]
    assert revisions.latest("case", case.id).note == "restored:1"
    assert client.get(f"/voorbeelden/{case.id}/versies/99").status_code == 404


def test_a_concurrent_edit_is_refused_and_the_text_kept(client, login_as):
    user = login_as()
    _create(client)
    case = _case()
    # A colleague saves first.
    case_services.update_case(case, user, {**case_content(case), "lessons": "Neem de tijd."}, based_on=1)
    db.session.commit()
    response = post_form(client, f"/voorbeelden/{case.id}/bewerken",
                         _form(revision="1", growth="Gaat nu ook de kantine doen."))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Gaat nu ook de kantine doen." in page  # my text is still in the form
    assert "Neem de tijd." in page  # and theirs is shown in the difference
    assert 'name="revision" type="hidden" value="2"' in page
    assert case.growth == "Doet nu ook de bestellingen." and case.revision == 2


def test_the_markdown_of_a_case_is_stable_and_names_roles(app, create_user):
    user = create_user()
    case = case_services.create_case(user, {"title": "Post", "summary": "Kort.", "recruitment": ["stage"],
                                            "quotes": [{"role": "medewerker", "text": "Fijn werk.",
                                                        "consent_recorded": True, "consent_note": "mondeling"}]})
    db.session.commit()
    with app.test_request_context(), force_locale("nl"):
        text = case_markdown(case_content(case))
        assert text == case_markdown(case_content(case))
    lines = text.splitlines()
    assert lines[0] == "# Post"
    assert "- **Hoe de medewerker gevonden is:** Stage" in lines
    assert "- **Arbeidsmarktregio:** Rijnmond" in lines
    assert "> Fijn werk." in lines and "— Medewerker · toestemming vastgelegd (mondeling)" in lines
    assert user.name not in text


# --- the list: search and facets ----------------------------------------------------------------------------

@pytest.fixture
def examples(make_case, create_org):
    """Published public cases to search, each indexed."""
    north = create_org("Scholengroep Noord", sector="vo", municipality="Groningen")
    south = create_org("Gemeente Zuid", municipality="Maastricht")
    made = [
        make_case(title="Assistent-conciërge", summary="Helpt de conciërge na een stage.", sector_code="vo",
                  region_code="AM01", setting="conciergerie", organisation=north, instruments=["loonkostensubsidie"],
                  recruitment=["stage", "oud_leerling"]),
        make_case(title="Medewerker post en archief", summary="Sorteert de post.", sector_code="gemeenten",
                  region_code="AM30", setting="post_archief", organisation=south,
                  instruments=["jobcoach_voorziening"], recruitment=["wsp_uwv_gemeente"]),
        make_case(title="Onderwijsassistent", summary="Ondersteunt in de klas, samen met de concierge.",
                  sector_code="vo", region_code="AM01", setting="onderwijs_in_de_klas", organisation=north,
                  instruments=["loonkostensubsidie", "no_riskpolis"], recruitment=["stage"],
                  story="Begon met kopiëren en lamineren."),
    ]
    for case in made:
        case_services.index_case(case)
    db.session.commit()
    return made


def _titles(client, url) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    return re.findall(r'<h3 class="card__title[^>]*><a[^>]*>([^<]+)</a>', page)


def test_search_folds_accents_and_matches_prefixes(client, examples):
    assert set(_titles(client, "/voorbeelden?q=concierge")) == {"Assistent-conciërge", "Onderwijsassistent"}
    assert _titles(client, "/voorbeelden?q=conciërge")[0] == "Assistent-conciërge"  # the title match ranks first
    assert _titles(client, "/voorbeelden?q=archi") == ["Medewerker post en archief"]
    assert _titles(client, "/voorbeelden?q=kopieren") == ["Onderwijsassistent"]
    assert _titles(client, "/voorbeelden?q=post+klas") == []


def test_facets_combine_count_and_live_in_the_url(client, examples):
    page = client.get("/voorbeelden?instrument=loonkostensubsidie").get_data(as_text=True)
    assert "2 voorbeelden" in page
    assert re.search(r"Voortgezet onderwijs <span class=\"facet__count\">\(2\)", page)
    assert re.search(r"Stage <span class=\"facet__count\">\(2\)", page)
    assert re.search(r"Groningen <span class=\"facet__count\">\(2\)", page)
    assert _titles(client, "/voorbeelden?instrument=loonkostensubsidie&afdeling=conciergerie") == [
        "Assistent-conciërge"]
    # OR within a facet, AND across facets
    assert len(_titles(client, "/voorbeelden?sector=vo&sector=gemeenten")) == 3
    assert _titles(client, "/voorbeelden?werving=wsp_uwv_gemeente") == ["Medewerker post en archief"]
    assert set(_titles(client, "/voorbeelden?werving=oud_leerling&werving=wsp_uwv_gemeente")) == {
        "Assistent-conciërge", "Medewerker post en archief"}
    assert _titles(client, "/voorbeelden?werving=stage&regio=AM30") == []
    assert _titles(client, "/voorbeelden?q=conci&regio=AM01&werving=oud_leerling") == ["Assistent-conciërge"]
    # A chosen filter can be taken away with one link, keeping the others.
    page = client.get("/voorbeelden?sector=vo&werving=stage").get_data(as_text=True)
    assert 'href="/voorbeelden?sector=vo"' in page and 'href="/voorbeelden?werving=stage"' in page


@pytest.mark.parametrize("query", ["page=-1", "page=abc", "page=99999", "sector=bestaat-niet", "werving=<b>",
                                   "regio=AM99&afdeling=zolder", "instrument=geld", "q=" + "x" * 5000,
                                   "q=%22%27%29%28*", "q=NEAR(a+b)"])
def test_bad_parameters_never_break_the_list(client, examples, query):
    response = client.get(f"/voorbeelden?{query}")
    assert response.status_code == 200


def test_the_list_loads_in_a_fixed_number_of_queries(client, make_case, create_org, count_queries):
    organisations = [create_org(f"Werkgever {i}", municipality=town) for i, town in
                     enumerate(["Groningen", "Maastricht", "Rotterdam"])]

    def queries_for(n):
        for i in range(n):
            case = make_case(title=f"Voorbeeld {i}", sector_code="vo", region_code="AM01", setting="catering",
                             instruments=["no_riskpolis"], recruitment=["stage"], hours_per_week=12,
                             organisation=organisations[i % 3])
            case_services.index_case(case)
        db.session.commit()
        with count_queries() as q:
            assert client.get("/voorbeelden?q=voorbeeld&sector=vo&werving=stage").status_code == 200
        return len(q)

    assert queries_for(3) == queries_for(27)  # 3 cases, then 30


def test_the_review_queue_shows_only_what_i_may_review(client, auth, circle_world, create_user, make_case):
    circle, coordinator, _writer, _outsider = circle_world
    waiting = make_case(title="Wacht op de coördinator", status=Status.IN_REVIEW, visibility="public", circle=circle)
    other = make_case(title="Wacht op een ander", status=Status.IN_REVIEW, visibility="public",
                      circle=None)
    auth.login(coordinator.email)
    queue = client.get("/beoordelen").get_data(as_text=True)
    assert waiting.title in queue and other.title not in queue
    assert case_services.review_queue(coordinator) == [waiting]
