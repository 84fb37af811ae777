"""What a person does with the site, in real Chromium, checked by what they see (Dutch interface)."""

import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "een heel nieuw wachtwoord voor mij"


def log_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the log-in form (does not check the outcome)."""
    page.goto(live_server("/account/inloggen"))
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def account_menu(page):
    return page.get_by_role("navigation", name="Uw account")


def expect_message(page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_register_a_new_account_with_a_new_organisation(page, live_server):
    page.goto(live_server("/"))
    page.get_by_role("main").get_by_role("link", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")

    page.get_by_label("Naam", exact=True).fill("Fatima el Amrani")
    page.get_by_label("E-mailadres (werk)").fill("f.elamrani@dedommel.example")
    page.get_by_label("Functie", exact=True).fill("projectleider banenafspraak")
    page.get_by_label("Organisatie", exact=True).fill("Waterschap De Proefpolder")
    page.get_by_label("Sector van uw organisatie").select_option(label="Waterschappen")
    page.get_by_label("Gemeente van vestiging").select_option(label="Utrecht")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()

    expect(page).to_have_url(live_server("/"))
    expect_message(page, "Welkom, Fatima el Amrani. Uw account is aangemaakt.")
    expect(account_menu(page).get_by_role("button", name="Uitloggen")).to_be_visible()

    # The new organisation exists with the sector and municipality that were chosen.
    account_menu(page).get_by_role("link", name="Fatima el Amrani").click()
    page.get_by_role("link", name="Waterschap De Proefpolder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waterschap De Proefpolder")
    details = page.locator("dl")
    expect(details).to_contain_text("Waterschappen")
    expect(details).to_contain_text("Utrecht")
    expect(page.get_by_role("main")).to_contain_text("Fatima el Amrani, projectleider banenafspraak")


def test_log_out_then_a_wrong_password_then_log_in(page, live_server, create_user):
    create_user("jan@example.org", name="Jan de Vries")
    log_in(page, live_server, "jan@example.org")
    expect_message(page, "U bent ingelogd.")

    account_menu(page).get_by_role("button", name="Uitloggen").click()
    expect_message(page, "U bent uitgelogd, ook op uw andere apparaten.")
    expect(account_menu(page)).not_to_contain_text("Jan de Vries")

    account_menu(page).get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres", exact=True).fill("jan@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill("niet mijn wachtwoord")
    page.get_by_role("button", name="Inloggen", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Er is een probleem")
    expect(summary).to_contain_text("Deze combinatie van e-mailadres en wachtwoord kennen we niet.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("E-mailadres", exact=True)).to_have_value("jan@example.org")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")

    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect_message(page, "U bent ingelogd.")
    expect(account_menu(page).get_by_role("link", name="Jan de Vries")).to_be_visible()


def test_switch_to_english_and_back(page, live_server):
    page.goto(live_server("/privacy"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacyverklaring")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server("/privacy"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy statement")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Home")
    expect(page.get_by_role("main")).not_to_contain_text("Privacyverklaring")

    page.get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(live_server("/privacy"))
    expect(html).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacyverklaring")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Start")


def test_edit_the_profile(page, live_server, create_user):
    create_user("piet@example.org", name="Piet Jansen")
    log_in(page, live_server, "piet@example.org")
    account_menu(page).get_by_role("link", name="Piet Jansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw profiel")

    page.get_by_label("Naam", exact=True).fill("Pieter Jansen-Bakker")
    page.get_by_label("Functie", exact=True).fill("coördinator inclusie")
    page.get_by_role("button", name="Opslaan").click()

    expect_message(page, "Uw profiel is opgeslagen.")
    expect(account_menu(page).get_by_role("link", name="Pieter Jansen-Bakker")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Naam", exact=True)).to_have_value("Pieter Jansen-Bakker")
    expect(page.get_by_label("Functie", exact=True)).to_have_value("coördinator inclusie")


def _wait_for_mail(mailbox, address: str, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = mailbox.to(address)
        if messages:
            return messages
        time.sleep(0.05)
    raise AssertionError(f"no e-mail to {address} arrived")


def test_forgotten_password(page, live_server, create_user, mailbox):
    create_user("vergeten@example.org", name="Vera Vergeetachtig")
    page.goto(live_server("/account/inloggen"))
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("E-mailadres", exact=True).fill("vergeten@example.org")
    page.get_by_role("button", name="Link versturen").click()
    expect_message(page, "Als er een account met dit adres is, ontvangt u binnen enkele minuten een e-mail")

    [message] = _wait_for_mail(mailbox, "vergeten@example.org")
    assert message["Subject"] == "Nieuw wachtwoord instellen"
    [link] = [url for url in mailbox.links(message) if "/account/wachtwoord-herstellen/" in url]
    assert link.startswith(live_server.url + "/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw wachtwoord kiezen")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page).to_have_url(live_server("/account/inloggen"))
    expect_message(page, "Uw wachtwoord is gewijzigd. U kunt nu inloggen.")

    log_in(page, live_server, "vergeten@example.org", PASSWORD)  # the old password no longer works
    expect(page.get_by_role("alert")).to_contain_text("Deze combinatie van e-mailadres en wachtwoord")
    log_in(page, live_server, "vergeten@example.org", NEW_PASSWORD)
    expect_message(page, "U bent ingelogd.")
    expect(account_menu(page).get_by_role("link", name="Vera Vergeetachtig")).to_be_visible()

    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet (meer)")


@pytest.mark.parametrize("choice", ["Bewaren zonder mijn naam", "Ook verwijderen"])
def test_delete_the_account(page, live_server, create_org, create_user, choice):
    org = create_org("Gemeente Proefdorp")
    create_user("zoe@example.org", name="Zoë Vertrekker", org=org)
    create_user("bram@example.org", name="Bram Blijver", org=org)
    log_in(page, live_server, "zoe@example.org")
    account_menu(page).get_by_role("link", name="Zoë Vertrekker").click()
    page.get_by_role("navigation", name="Uw account").get_by_role("link", name="Account verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account verwijderen")

    page.get_by_role("group", name="Wat gebeurt er met wat u schreef?").get_by_label(choice).check()
    page.get_by_label("Uw wachtwoord, ter bevestiging").fill(PASSWORD)
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()

    expect(page).to_have_url(live_server("/"))
    expect_message(page, "Uw account en uw gegevens zijn verwijderd.")
    expect(account_menu(page).get_by_role("link", name="Inloggen")).to_be_visible()

    log_in(page, live_server, "zoe@example.org")
    expect(page.get_by_role("alert")).to_contain_text("Deze combinatie van e-mailadres en wachtwoord")

    log_in(page, live_server, "bram@example.org")
    expect_message(page, "U bent ingelogd.")
    for path in ("/", "/organisaties", f"/organisaties/{org.slug}"):
        page.goto(live_server(path))
        expect(page.locator("body")).not_to_contain_text("Vertrekker")
    # The organisation page does list its members to a logged-in member: the check above means something.
    expect(page.get_by_role("main")).to_contain_text("Bram Blijver")


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, live_server):
    page.goto(live_server("/"))
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
