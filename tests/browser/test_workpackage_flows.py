"""Work packages as people use them, in real Chromium: a member writes a package with three task lines
and two instruments and publishes it to their circle; a member of another organisation finds it with a
search word and a facet, adopts it, adapts the copy and reports one job; the original then shows one
adoption and one job."""

import pytest
from playwright.sync_api import expect

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups import services as circles
from circles.groups.models import Membership
from tests.browser.test_flows import log_in

pytestmark = pytest.mark.browser


def test_write_publish_find_adopt_and_report_a_job(page, browser, live_server, create_user, create_org):
    coordinator = create_user(role=Role.COORDINATOR, name="Cora Coördinator")
    circle = circles.create_circle(coordinator, name="Scholen Utrecht", description="", goals="",
                                   sector_codes=["vo"], region_codes=["AM13"], visibility="platform",
                                   join_policy="request")
    writer = create_user(name="Wim Schrijver", org=create_org("Lyceum De Brug", sector="vo"))
    adopter = create_user(name="Anna Overnemer", org=create_org("College Oost", sector="vo"))
    db.session.add_all([Membership(circle=circle, user=writer), Membership(circle=circle, user=adopter)])
    db.session.commit()

    # The writer describes the package: three task lines, two instruments.
    log_in(page, live_server, writer.email)
    page.goto(live_server("/werkpakketten"))
    page.get_by_role("link", name="Nieuw werkpakket").click()
    page.get_by_label("Titel").fill("Assistent-conciërge")
    page.get_by_label("Samenvatting").fill("Taken die de conciërge en de docenten ontlasten.")
    page.get_by_label("Afdeling of omgeving").select_option(label="Conciërgerie")
    page.get_by_role("group", name="Sectoren waar het past").get_by_label("Voortgezet onderwijs").check()
    for number, (task, hours) in enumerate([("Kopiëren en lamineren", "6"), ("Lokalen klaarzetten", "5,5"),
                                            ("Post rondbrengen", "4")], start=1):
        row = page.get_by_role("group", name=f"Taak {number}", exact=True)
        row.get_by_label("Taak", exact=True).fill(task)
        row.get_by_label("Uren per week").fill(hours)
    page.get_by_label("Uren per week, minimaal").fill("12")
    page.get_by_label("Uren per week, maximaal").fill("15,5")
    instruments = page.get_by_role("group", name="Gebruikte instrumenten")
    instruments.get_by_label("Loonkostensubsidie").check()
    instruments.get_by_label("Jobcoach").check()
    page.get_by_label("Leercirkel").select_option(label="Scholen Utrecht")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assistent-conciërge")
    expect(page.get_by_role("table")).to_contain_text("Lokalen klaarzetten")
    page.get_by_label("Alleen de leden van de leercirkel").check()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("main")).to_contain_text("gepubliceerd in de leercirkel Scholen Utrecht")
    original_url = page.url

    # A member of another organisation finds it with a search word and a facet.
    other = browser.new_context(locale="nl-NL")
    mine = other.new_page()
    log_in(mine, live_server, adopter.email)
    mine.goto(live_server("/werkpakketten"))
    mine.get_by_label("Zoeken", exact=True).fill("concierge")
    mine.get_by_role("group", name="Instrument").get_by_label("Loonkostensubsidie").check()
    mine.get_by_role("button", name="Toon werkpakketten").click()
    expect(mine.get_by_role("status").first).to_contain_text("1 werkpakket gevonden")
    assert "instrument=loonkostensubsidie" in mine.url
    mine.get_by_role("link", name="Assistent-conciërge").click()

    # ... adopts it, adapts the copy and reports one job.
    mine.get_by_role("link", name="Overnemen voor mijn organisatie").click()
    mine.get_by_role("button", name="Kopie maken voor mijn organisatie").click()
    expect(mine.get_by_role("heading", level=1)).to_contain_text("Werkpakket bewerken")
    mine.get_by_label("Uren per week, maximaal").fill("20")
    mine.get_by_role("button", name="Opslaan").click()
    expect(mine.get_by_role("main")).to_contain_text("De wijzigingen zijn opgeslagen.")
    mine.get_by_label("Aantal banen dat het heeft opgeleverd").fill("1")
    mine.get_by_role("button", name="In gebruik genomen melden").click()
    expect(mine.get_by_role("main")).to_contain_text("in gebruik genomen")
    other.close()

    # The original shows one adoption and one job.
    page.goto(original_url)
    expect(page.locator("#uptake-summary")).to_contain_text("1 organisatie nam dit werkpakket over.")
    expect(page.locator("#uptake-summary")).to_contain_text("met samen 1 baan.")
    expect(page.get_by_role("main")).to_contain_text("College Oost")
