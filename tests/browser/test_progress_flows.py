"""Progress and signals as people use them, in real Chromium: a coordinator records last year's figures for their
organisation; the sector dashboard and the circle page show the new totals; a member reports a signal, another
recognises it, a platform coordinator sets its status with a response. And: the record form's error state is
accessible and keeps what was typed."""

import pytest
from playwright.sync_api import expect

from circles.accounts.models import Role
from circles.core.timefmt import local_today
from tests.browser.conftest import new_context
from tests.browser.test_accessibility import check_page
from tests.browser.test_flows import expect_message, log_in
from tests.progress.conftest import add_member, create_circle, report  # noqa: F401

pytestmark = pytest.mark.browser

YEAR = local_today().year - 1


def test_record_figures_see_the_totals_report_recognise_and_answer_a_signal(
        page, browser, live_server, create_org, create_user, create_circle, add_member, report):  # noqa: F811
    tiel = create_org("Gemeente Tiel", sector="gemeenten", municipality="Tiel")
    buren = create_org("Gemeente Buren", sector="gemeenten", municipality="Buren")
    coordinator = create_user("coordinator@tiel.example", name="Carla de Wit", role=Role.COORDINATOR, org=tiel)
    colleague = create_user("p.jansen@buren.example", name="Peter Jansen", org=buren)
    report(buren, colleague, YEAR, target=10, realised=8)
    circle = create_circle("Gemeenten Rivierenland", sectors=["gemeenten"], visibility="public")
    add_member(circle, coordinator)
    add_member(circle, colleague)

    # The coordinator finds their organisation's figures from the main menu and records last year's.
    log_in(page, live_server, coordinator.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Voortgang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voortgang van de banenafspraak")
    page.get_by_role("link", name="De cijfers van uw organisatie bekijken of invoeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voortgang van Gemeente Tiel")
    page.get_by_role("link", name="Cijfers invoeren").click()
    page.get_by_label("Jaar", exact=True).fill(str(YEAR))
    page.get_by_label("Taakstelling (aantal banen)").fill("20")
    page.get_by_label("Gerealiseerd (aantal banen)").fill("12,5")
    page.get_by_role("group", name="Bron van de cijfers").get_by_label("Sectormonitor").check()
    page.get_by_label("Toelichting (niet verplicht)").fill("Uit de sectormonitor van september.")
    page.get_by_role("button", name="Cijfers opslaan").click()
    expect_message(page, f"De cijfers voor {YEAR} zijn opgeslagen.")
    year_table = page.get_by_role("table", name="Gemeente Tiel, per jaar")
    expect(year_table.get_by_role("row", name=str(YEAR))).to_contain_text("12,5")

    # The sector dashboard counts both municipalities; the chart says so too.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Gemeenten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voortgang in de sector Gemeenten")
    row = page.get_by_role("table", name="Gemeenten, per jaar").get_by_role("row", name=str(YEAR))
    expect(row.get_by_role("cell").nth(0)).to_have_text("30")
    expect(row.get_by_role("cell").nth(1)).to_have_text("20,5")
    expect(page.get_by_role("img", name="Banen per jaar: Gemeenten")).to_be_visible()

    # The circle page shows the new total of its member organisations.
    page.goto(live_server(f"/leercirkels/{circle.slug}"))
    expect(page.get_by_role("main")).to_contain_text(
        f"In {YEAR} realiseerden de organisaties in deze leercirkel samen 20,5 van de 30 banen (68%).")

    # A member reports a signal.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signalen").click()
    page.get_by_role("link", name="Signaal melden").first.click()
    page.get_by_label("Titel", exact=True).fill("Schoonmaak is uitbesteed")
    page.get_by_role("group", name="Categorie").get_by_label("Uitbesteding").check()
    page.get_by_label("Beschrijving").fill("Ons schoonmaakwerk zit bij een aannemer; daar tellen de banen niet mee.")
    page.get_by_role("button", name="Signaal melden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schoonmaak is uitbesteed")
    signal_url = page.url

    # Another member recognises it.
    other = new_context(browser)
    second = other.new_page()
    log_in(second, live_server, colleague.email)
    second.goto(signal_url)
    second.get_by_label("Toelichting (niet verplicht)").fill("Bij ons ook: catering en schoonmaak.")
    second.get_by_role("button", name="Wij herkennen dit").click()
    expect(second.get_by_role("main")).to_contain_text("Bij ons ook: catering en schoonmaak.")
    other.close()

    # A platform coordinator sets its status and answers.
    fund = create_org("Sectorfonds Gemeenten", sector="gemeenten", municipality="Utrecht")
    platform_coordinator = create_user("fonds@sectorfonds.example", name="Femke Fonds", role=Role.COORDINATOR,
                                       org=fund)
    third_context = new_context(browser)
    third = third_context.new_page()
    log_in(third, live_server, platform_coordinator.email)
    third.goto(signal_url)
    third.get_by_role("link", name="Status, reactie en samenvoegen").click()
    third.get_by_role("group", name="Status").get_by_label("Besproken in de leercirkel").check()
    third.get_by_label("Reactie van de coördinatoren").fill("Besproken op 12 november; we zoeken uit wat telt.")
    third.get_by_role("button", name="Status en reactie opslaan").click()
    third.goto(signal_url)
    expect(third.get_by_role("main")).to_contain_text("Besproken in de leercirkel")
    expect(third.get_by_role("main")).to_contain_text("Besproken op 12 november; we zoeken uit wat telt.")
    third_context.close()


def test_the_record_form_in_its_error_state_is_accessible_and_keeps_what_was_typed(
        page, live_server, create_org, create_user):
    org = create_org("Gemeente Culemborg", municipality="Culemborg")
    coordinator = create_user(role=Role.COORDINATOR, org=org)
    log_in(page, live_server, coordinator.email)
    page.goto(live_server(f"/voortgang/organisaties/{org.slug}/invoeren"))
    page.get_by_label("Jaar", exact=True).fill(str(local_today().year + 3))
    page.get_by_label("Gerealiseerd (aantal banen)").fill("-2")
    page.get_by_label("Toelichting (niet verplicht)").fill("Eerste telling")
    page.get_by_role("button", name="Cijfers opslaan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vul een getal van 0 of meer in.")
    expect(page.get_by_label("Toelichting (niet verplicht)")).to_have_value("Eerste telling")
    expect(page.get_by_label("Gerealiseerd (aantal banen)")).to_have_value("-2")
    # the first link in the summary takes the keyboard to the field
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Gerealiseerd (aantal banen)")).to_be_focused()
    assert check_page(page, "nl", "progress.record (error state)") == []
