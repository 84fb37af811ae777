"""Meetings as people use them, in real Chromium: a coordinator schedules a regional meeting for two
circles; a member of one says yes and downloads the .ics; the coordinator publishes minutes with a
decision and an action item for that member, who finds it under /mijn/actiepunten and marks it done."""

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups import services as circles
from circles.groups.models import Membership
from tests.browser.test_flows import log_in

pytestmark = pytest.mark.browser


def test_regional_meeting_rsvp_ics_minutes_and_action_item(page, browser, live_server, create_user, mailbox,
                                                          tmp_path):
    coordinator = create_user(role=Role.COORDINATOR, name="Cora Coördinator")
    rijnmond = circles.create_circle(coordinator, name="Gemeenten Rijnmond", description="", goals="",
                                     sector_codes=["gemeenten"], region_codes=["AM22"], visibility="platform",
                                     join_policy="request")
    schools = circles.create_circle(coordinator, name="Hogescholen Rotterdam", description="", goals="",
                                    sector_codes=["hbo"], region_codes=["AM22"], visibility="platform",
                                    join_policy="request")
    member = create_user(name="Mila Lid", email="mila@example.org")
    db.session.add(Membership(circle=rijnmond, user=member))
    db.session.commit()
    assert schools

    # The coordinator schedules a regional meeting for both circles.
    log_in(page, live_server, coordinator.email)
    page.goto(live_server("/bijeenkomsten"))
    page.get_by_role("link", name="Nieuwe regionale bijeenkomst").click()
    day = date.today() + timedelta(days=20)
    page.get_by_label("Titel").fill("Regiobijeenkomst Rijnmond")
    page.get_by_label("Arbeidsmarktregio").select_option(label="Rijnmond")
    page.get_by_label("Gemeenten Rijnmond").check()
    page.get_by_label("Hogescholen Rotterdam").check()
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Begintijd").fill("10:00")
    page.get_by_label("Eindtijd").fill("12:30")
    page.get_by_label("UWV doet mee").check()
    page.get_by_role("button", name="Bijeenkomst plannen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regiobijeenkomst Rijnmond")
    meeting_url = page.url

    # The member says yes and downloads the .ics.
    member_context = browser.new_context(locale="nl-NL", accept_downloads=True)
    mine = member_context.new_page()
    log_in(mine, live_server, member.email)
    mine.goto(meeting_url)
    mine.get_by_label("Ja, ik kom").check()
    mine.get_by_role("button", name="Antwoord versturen").click()
    expect(mine.get_by_role("main")).to_contain_text("Ja, ik kom")
    with mine.expect_download() as download_info:
        mine.get_by_role("link", name="Zet in mijn agenda (.ics)").click()
    path = tmp_path / "bijeenkomst.ics"
    download_info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Regiobijeenkomst Rijnmond"
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (day, 10, 0)
    assert str(start.tzinfo) in ("Europe/Amsterdam", "CET", "CEST") or "Amsterdam" in str(event["DTSTART"].params)

    # The coordinator writes and publishes minutes with a decision and an action item for the member.
    page.goto(meeting_url)
    page.get_by_role("link", name="Verslag schrijven").click()
    page.get_by_label("Verslag", exact=True).fill("We spraken over **werkpakketten** met UWV.")
    page.get_by_role("button", name="Verslag opslaan").click()
    page.goto(meeting_url)
    page.get_by_role("button", name="Verslag publiceren").click()
    page.get_by_label("Besluit", exact=True).fill("We delen het werkpakket post en archief.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_label("Actiepunt", exact=True).fill("Werkpakket beschrijven")
    page.get_by_label("Wie doet het?").select_option(label="Mila Lid")
    page.get_by_role("button", name="Actiepunt toevoegen").click()
    expect(page.get_by_role("main")).to_contain_text("We delen het werkpakket post en archief.")
    assert any("Werkpakket beschrijven" in mailbox.text(m) for m in mailbox.to("mila@example.org"))

    # The member finds the action item under /mijn/actiepunten and marks it done.
    mine.goto(live_server("/mijn/actiepunten"))
    expect(mine.get_by_role("main")).to_contain_text("Werkpakket beschrijven")
    mine.get_by_role("button", name=re.compile(r"Markeer als gedaan.*Werkpakket beschrijven")).click()
    expect(mine.get_by_role("button", name=re.compile(r"Weer openzetten.*Werkpakket beschrijven"))).to_be_visible()
    expect(mine.get_by_role("main")).to_contain_text("Gedaan (1)")
    # and the published minutes are on the meeting page for the member
    mine.goto(meeting_url)
    expect(mine.get_by_role("main")).to_contain_text("We spraken over werkpakketten met UWV.")
    member_context.close()
