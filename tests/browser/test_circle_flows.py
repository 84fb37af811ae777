"""Learning circles as people use them, in real Chromium: find and join, request and approval with the
e-mail read from the local SMTP server, and an invitation to someone without an account."""

import re

import pytest
from playwright.sync_api import expect

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups import services
from tests.browser.test_flows import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def make_circle(coordinator, name, *, regions=(), sectors=("gemeenten",), visibility="platform",
                join_policy="open"):
    circle = services.create_circle(coordinator, name=name, description=f"Over {name}.", goals="",
                                    sector_codes=list(sectors), region_codes=list(regions), visibility=visibility,
                                    join_policy=join_policy)
    db.session.commit()
    return circle


def test_a_project_leader_finds_the_circle_of_their_sector_and_region_and_joins(page, live_server, create_user,
                                                                                create_org):
    coordinator = create_user(role=Role.COORDINATOR)
    make_circle(coordinator, "Gemeenten Rijnmond", regions=["AM22"])
    make_circle(coordinator, "Gemeenten Twente", regions=["AM05"])
    make_circle(coordinator, "Scholen samen", sectors=["vo"], regions=["AM22"])
    user = create_user(name="Ruud Rotterdam", org=create_org("Gemeente Vlaardingen", municipality="Vlaardingen"))
    log_in(page, live_server, user.email)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leercirkels").click()
    page.get_by_label("Sector").select_option(label="Gemeenten")
    page.get_by_label("Arbeidsmarktregio").select_option(label="Mijn regio")
    page.get_by_role("button", name="Toon leercirkels").click()
    results = page.locator(".card-list")
    expect(results).to_contain_text("Gemeenten Rijnmond")
    expect(results).not_to_contain_text("Gemeenten Twente")
    expect(results).not_to_contain_text("Scholen samen")

    results.get_by_role("link", name="Gemeenten Rijnmond").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeenten Rijnmond")
    page.get_by_role("button", name="Doe mee").click()
    expect(page.get_by_role("status")).to_contain_text("U doet nu mee in Gemeenten Rijnmond")
    expect(page.get_by_role("table")).to_contain_text("Ruud Rotterdam")


def test_request_approval_and_the_email_that_tells_the_requester(page, context, live_server, create_user,
                                                                 mailbox, browser):
    coordinator = create_user(role=Role.COORDINATOR, name="Cor Coördinator", email="cor@example.org")
    make_circle(coordinator, "Netwerk universiteiten", sectors=["wo"], join_policy="request")
    requester = create_user(name="Vera Vraag", email="vera@example.org")

    log_in(page, live_server, requester.email)
    page.goto(live_server("/leercirkels?sector=wo"))
    page.get_by_role("link", name="Netwerk universiteiten").click()
    page.get_by_role("link", name="Vraag om mee te doen").click()
    page.get_by_label("Waarom wilt u meedoen?").fill("Wij zoeken werkpakketten voor de facilitaire dienst.")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd")
    [notice] = mailbox.to("cor@example.org")
    assert "Vera Vraag" in mailbox.text(notice)

    # The coordinator, in a browser of their own, approves.
    other = browser.new_context(locale="nl-NL")
    coordinator_page = other.new_page()
    log_in(coordinator_page, live_server, coordinator.email)
    manage_link = next(link for link in mailbox.links(notice) if "/beheer" in link)
    coordinator_page.goto(manage_link.replace(re.match(r"https?://[^/]+", manage_link).group(0), live_server.url))
    expect(coordinator_page.get_by_role("main")).to_contain_text("Wij zoeken werkpakketten voor de facilitaire dienst.")
    coordinator_page.get_by_role("button", name="Goedkeuren (Vera Vraag)").click()
    expect(coordinator_page.get_by_role("status")).to_contain_text("Vera Vraag doet nu mee.")
    other.close()

    [decision] = mailbox.to("vera@example.org")
    assert "U doet nu mee in Netwerk universiteiten" in mailbox.text(decision)
    circle_link = next(link for link in mailbox.links(decision) if "/leercirkels/" in link)
    page.goto(circle_link.replace(re.match(r"https?://[^/]+", circle_link).group(0), live_server.url))
    expect(page.get_by_text("U doet mee in deze leercirkel")).to_be_visible()


def test_an_invited_person_without_an_account_registers_and_lands_in_the_circle(page, browser, live_server,
                                                                               create_user, mailbox):
    coordinator = create_user(role=Role.COORDINATOR, email="coord@example.org")
    make_circle(coordinator, "Besloten kring Defensie", sectors=["defensie"], visibility="circle",
                join_policy="invitation")
    log_in(page, live_server, coordinator.email)
    page.goto(live_server("/leercirkels/besloten-kring-defensie/beheer"))
    page.get_by_label("E-mailadres van wie u uitnodigt").fill("nieuwe.collega@example.org")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("status")).to_contain_text("De uitnodiging is verstuurd")

    [invitation] = mailbox.to("nieuwe.collega@example.org")
    link = next(u for u in mailbox.links(invitation) if "/uitnodiging/" in u)
    guest = browser.new_context(locale="nl-NL").new_page()
    guest.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    expect(guest.get_by_role("heading", level=1)).to_contain_text("Besloten kring Defensie")
    guest.get_by_role("main").get_by_role("link", name="Account aanmaken").click()
    guest.get_by_label("Naam", exact=True).fill("Nieuwe Collega")
    guest.get_by_label("E-mailadres (werk)").fill("nieuwe.collega@example.org")
    guest.get_by_label("Organisatie", exact=True).fill("Ministerie van Defensie")
    guest.get_by_label("Sector van uw organisatie").select_option(label="Defensie")
    guest.get_by_label("Gemeente van vestiging").select_option(label="'s-Gravenhage")
    guest.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    guest.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    guest.get_by_role("button", name="Account aanmaken").click()
    # back on the invitation, now logged in
    guest.get_by_role("button", name="Doe mee in deze leercirkel").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("Besloten kring Defensie")
    expect(guest.get_by_role("status")).to_contain_text("Welkom in Besloten kring Defensie")
    expect(guest.get_by_text("U doet mee in deze leercirkel")).to_be_visible()
