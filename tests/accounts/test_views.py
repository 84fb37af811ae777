"""Accounts as a person uses them: register, log in and out, reset and change the password, edit the
profile, download one's data, delete the account; administrators change roles."""

import json
import re

import sqlalchemy as sa

from circles.accounts.models import Organisation, Role, User
from circles.core.db import db
from circles.core.models import AuditEntry
from tests.conftest import PASSWORD, post_form

NEW_PASSWORD = "een nieuw lang wachtwoord"


def _register(client, **overrides):
    data = {"name": "Anna de Boer", "email": "anna@gemeente.example", "function": "projectleider",
            "organisation": "Gemeente Testdorp", "sector": "gemeenten", "municipality": "", "password": PASSWORD,
            "confirm": PASSWORD}
    data.update(overrides)
    return post_form(client, "/account/registreren", data)


def _municipality_id(name: str) -> str:
    from circles.reference.models import Municipality

    return str(db.session.scalar(sa.select(Municipality.id).where(Municipality.name == name)))


def test_register_with_a_new_organisation_logs_in(client):
    response = _register(client, municipality=_municipality_id("Zwolle"))
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Welkom, Anna de Boer" in home
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Gemeente Testdorp"))
    assert org.region.code == "AM36" and org.province.name == "Overijssel"


def test_register_joins_an_existing_organisation_case_insensitively(client, create_org):
    org = create_org("Gemeente Rotterdam")
    assert _register(client, organisation="gemeente rotterdam", sector="").status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "anna@gemeente.example"))
    assert user.organisation_id == org.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


def test_registration_errors_are_listed_and_what_was_typed_is_kept(client):
    response = _register(client, email="geen-adres", confirm="iets anders dan het wachtwoord")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is een probleem" in html
    assert "Vul een geldig e-mailadres in" in html
    assert "De twee wachtwoorden zijn niet gelijk." in html
    assert "Uw organisatie staat nog niet in de lijst: kies de gemeente." in html
    assert 'value="Anna de Boer"' in html and 'value="geen-adres"' in html and 'value="Gemeente Testdorp"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="email-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_register_with_an_address_in_use_is_refused(client, create_user):
    create_user("anna@gemeente.example")
    response = _register(client, municipality=_municipality_id("Zwolle"))
    assert response.status_code == 422
    assert "Er is al een account met dit e-mailadres" in response.get_data(as_text=True)


def test_register_with_a_forged_sector_or_municipality_is_refused(client):
    response = _register(client, sector="bestaat-niet", municipality="999999")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "kies de sector" in html and "kies de gemeente" in html


def test_short_password_is_refused_with_a_reason(client):
    response = _register(client, password="kort", confirm="kort", municipality=_municipality_id("Zwolle"))
    assert response.status_code == 422
    assert "minstens 12 tekens" in response.get_data(as_text=True)


def test_control_characters_are_refused_not_stored(client):
    response = _register(client, name="Anna\x00", municipality=_municipality_id("Zwolle"))
    assert response.status_code == 422
    assert "tekens die niet zijn toegestaan" in response.get_data(as_text=True)


def test_login_is_case_insensitive_and_logout_ends_the_session(client, auth, create_user):
    user = create_user("Piet@Example.org")
    assert auth.login("PIET@example.ORG").status_code == 302
    assert client.get("/account/profiel").status_code == 200
    assert auth.logout().status_code == 302
    response = client.get("/account/profiel")
    assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"]
    assert user.email == "piet@example.org"


def test_logout_needs_a_post_with_token(client, login_as):
    login_as()
    assert client.get("/account/uitloggen").status_code == 405
    assert client.post("/account/uitloggen").status_code == 400
    assert client.get("/account/profiel").status_code == 200


def test_session_changes_at_login(client, create_user):
    user = create_user()
    client.get("/account/inloggen")
    before = client.get_cookie("session").value
    post_form(client, "/account/inloggen", {"email": user.email, "password": PASSWORD})
    assert client.get_cookie("session").value != before


def test_remember_me_sets_a_lasting_cookie(client, auth, create_user):
    user = create_user()
    auth.login(user.email, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_password_reset_by_email(client, auth, create_user, mailbox):
    user = create_user("sanne@example.org", name="Sanne")
    response = post_form(client, "/account/wachtwoord-vergeten", {"email": "sanne@example.org"})
    assert response.status_code == 302
    [msg] = mailbox.to("sanne@example.org")
    assert "Sanne" in mailbox.text(msg) and msg.get_body(preferencelist=("html",)) is not None
    [link] = [u for u in mailbox.links(msg) if "/wachtwoord-herstellen/" in u]
    path = re.sub(r"^https?://[^/]+", "", link)
    assert post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert auth.login(user.email, PASSWORD).status_code == 401
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    # the link worked once
    assert client.get(path).status_code == 404


def test_reset_request_does_not_reveal_whether_an_address_exists(client, create_user, mailbox):
    create_user("bestaat@example.org")
    known = post_form(client, "/account/wachtwoord-vergeten", {"email": "bestaat@example.org"}, follow_redirects=True)
    unknown = post_form(client, "/account/wachtwoord-vergeten", {"email": "onbekend@example.org"},
                        follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731  (CSRF tokens differ)
    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert [m["To"] for m in mailbox.messages] == ["bestaat@example.org"]


def test_forged_or_expired_reset_token_gets_a_clear_404(app, client, create_user):
    from itsdangerous import URLSafeTimedSerializer

    user = create_user()
    assert client.get("/account/wachtwoord-herstellen/nonsense").status_code == 404
    wrong_key = URLSafeTimedSerializer("another key", salt="password-reset").dumps(
        {"u": user.id, "h": user.password_hash[-16:]})
    response = client.get(f"/account/wachtwoord-herstellen/{wrong_key}")
    assert response.status_code == 404
    assert "werkt niet" in response.get_data(as_text=True)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    from circles.accounts.services import make_reset_token

    assert client.get(f"/account/wachtwoord-herstellen/{make_reset_token(user)}").status_code == 404


def test_changing_the_password_logs_out_other_sessions(app, client, create_user):
    user = create_user()
    other_device = app.test_client()
    post_form(other_device, "/account/inloggen", {"email": user.email, "password": PASSWORD})
    post_form(client, "/account/inloggen", {"email": user.email, "password": PASSWORD})
    response = post_form(client, "/account/wachtwoord",
                         {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/profiel").status_code == 200  # this device stays in
    assert other_device.get("/account/profiel").status_code == 302  # the other is out


def test_change_password_with_a_wrong_current_password_is_refused(client, login_as):
    login_as()
    response = post_form(client, "/account/wachtwoord",
                         {"current": "niet mijn wachtwoord", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "Het huidige wachtwoord klopt niet." in response.get_data(as_text=True)


def test_profile_edit_saves_and_keeps_email_unique(client, login_as, create_user):
    create_user("bezet@example.org")
    user = login_as()
    response = post_form(client, "/account/profiel", {"name": "Nieuwe Naam", "email": "bezet@example.org",
                                                      "function": "adviseur", "locale": "nl"})
    assert response.status_code == 422
    assert 'value="Nieuwe Naam"' in response.get_data(as_text=True)
    response = post_form(client, "/account/profiel", {"name": "Nieuwe Naam", "email": user.email,
                                                      "function": "adviseur", "locale": "en", "show_email": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.function, user.locale, user.show_email) == ("Nieuwe Naam", "adviseur", "en", True)
    assert '<html lang="en">' in client.get("/account/profiel").get_data(as_text=True)


def test_export_contains_everything_stored_about_the_person(client, login_as, create_user, mailbox):
    from circles.accounts.services import personal_columns

    user = login_as(name="Marieke Exporteur")
    post_form(client, "/account/wachtwoord-vergeten", {"email": user.email})  # an e-mail to them
    admin = create_user(role=Role.ADMINISTRATOR)
    from circles.accounts.services import set_role

    set_role(admin, db.session.get(User, user.id), Role.COORDINATOR)  # an audit entry about them
    db.session.commit()
    response = client.get("/account/mijn-gegevens.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    users = db.metadata.tables["users"]
    stored_columns = {c.name for c in users.columns} - {"password_hash", "session_token"}
    assert stored_columns <= set(data["account"])
    assert data["account"]["name"] == "Marieke Exporteur"
    assert data["organisation"]["name"] == user.organisation.name
    # every table that refers to the person is covered, and the rows present are exported
    assert "audit_entries.subject_id" in data["records"]
    assert {f"{t.name}.{c.name}" for t, c in personal_columns() if t.name != "users"} >= set(data["records"])
    assert [m["subject"] for m in data["emails_sent_to_you"]] == ["Nieuw wachtwoord instellen"]
    assert "password_hash" not in json.dumps(data) and user.password_hash not in json.dumps(data)


def test_every_reference_to_a_person_says_what_happens_on_deletion(app):
    from circles.accounts.services import personal_columns

    missing = [f"{t.name}.{c.name}" for t, c in personal_columns()
               if t.name != "users" and c.info.get("personal") not in ("contribution", "anonymise", "delete")]
    assert missing == []


def test_deleting_the_account_removes_the_person_everywhere(client, auth, login_as, create_user, mailbox):
    user = login_as(name="Verdwijnt Straks")
    org_slug, email = user.organisation.slug, user.email
    post_form(client, "/account/wachtwoord-vergeten", {"email": email}, page="/account/verwijderen")
    admin = create_user(role=Role.ADMINISTRATOR, name="Beheerder Blijft")
    response = post_form(client, "/account/verwijderen", {"contributions": "keep", "password": PASSWORD})
    assert response.status_code == 302
    assert auth.login(email).status_code == 401
    auth.login(admin.email)
    for url in ("/", f"/organisaties/{org_slug}", "/beheer/gebruikers", "/organisaties"):
        assert "Verdwijnt Straks" not in client.get(url).get_data(as_text=True), url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email)) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.deleted"))
    assert entry.actor_id is None and "Verdwijnt" not in json.dumps(entry.details)


def test_deleting_needs_the_password_and_a_choice(client, login_as):
    login_as()
    response = post_form(client, "/account/verwijderen", {"password": "fout wachtwoord"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kies wat er gebeurt met wat u schreef." in html and "Het wachtwoord klopt niet." in html
    assert client.get("/account/profiel").status_code == 200


def test_administrator_changes_a_role_and_it_is_audited(client, login_as, create_user):
    admin = login_as(Role.ADMINISTRATOR)
    member = create_user(name="Gewoon Lid")
    response = post_form(client, f"/beheer/gebruikers/{member.id}/rol", {"role": "coordinator"},
                         page="/beheer/gebruikers")
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.role == Role.COORDINATOR
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
    assert (entry.actor_id, entry.subject_id, entry.details) == (admin.id, member.id,
                                                                 {"old": "member", "new": "coordinator"})


def test_role_changes_refuse_bad_input_and_the_last_administrator(client, login_as, create_user):
    admin = login_as(Role.ADMINISTRATOR)
    member = create_user()
    bad = post_form(client, f"/beheer/gebruikers/{member.id}/rol", {"role": "keizer"}, page="/beheer/gebruikers")
    assert bad.status_code == 422 and "Kies een geldige rol." in bad.get_data(as_text=True)
    assert post_form(client, "/beheer/gebruikers/999999/rol", {"role": "member"},
                     page="/beheer/gebruikers").status_code == 404
    last = post_form(client, f"/beheer/gebruikers/{admin.id}/rol", {"role": "member"}, page="/beheer/gebruikers")
    assert last.status_code == 409 and "laatste beheerder" in last.get_data(as_text=True)


def test_only_administrators_manage_roles(client, login_as, create_user):
    login_as(Role.COORDINATOR)
    member = create_user()
    assert client.get("/beheer/gebruikers").status_code == 403
    html = client.get("/").get_data(as_text=True)
    assert "/beheer/gebruikers" not in html
    assert post_form(client, f"/beheer/gebruikers/{member.id}/rol", {"role": "administrator"},
                     page="/").status_code == 403


def test_organisation_members_only_for_logged_in_members(client, login_as, create_org, create_user):
    org = create_org("Waterschap Test", sector="waterschappen", municipality="Apeldoorn")
    create_user(name="Lid Van Waterschap", org=org)
    anonymous = client.get(f"/organisaties/{org.slug}").get_data(as_text=True)
    assert "Waterschap Test" in anonymous and "Lid Van Waterschap" not in anonymous
    assert "Veluwe Stedendriehoek" in anonymous and "Gelderland" in anonymous
    assert client.get("/organisaties").status_code == 302
    login_as()
    assert "Lid Van Waterschap" in client.get(f"/organisaties/{org.slug}").get_data(as_text=True)
    assert client.get("/organisaties/bestaat-niet").status_code == 404


def test_organisation_search_and_bad_page_numbers(client, login_as, create_org):
    create_org("Provincie Zoekbaar", sector="provincies")
    login_as()
    html = client.get("/organisaties?q=zoekbaar").get_data(as_text=True)
    assert "Provincie Zoekbaar" in html
    for query in ("?page=-1", "?page=abc", "?page=99999", "?q=" + "x" * 5000):
        assert client.get("/organisaties" + query).status_code in (200, 404)


def test_a_coordinator_of_the_organisation_edits_it(client, login_as, create_org):
    org = create_org("Gemeente Oud")
    login_as(Role.COORDINATOR, org=org)
    response = post_form(client, f"/organisaties/{org.slug}/bewerken", {
        "name": "Gemeente Nieuw", "sector": "gemeenten", "municipality": _municipality_id("Enschede"),
        "website": "geen url"})
    assert response.status_code == 422 and 'value="Gemeente Nieuw"' in response.get_data(as_text=True)
    response = post_form(client, f"/organisaties/{org.slug}/bewerken", {
        "name": "Gemeente Nieuw", "sector": "gemeenten", "municipality": _municipality_id("Enschede"),
        "website": "https://www.example.org"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Gemeente Nieuw" and org.region.code == "AM05"


def test_the_organisation_form_starts_from_the_current_sector_and_municipality(client, login_as, create_org):
    """Changing only the name works: the sector and municipality are already chosen in the form."""
    org = create_org("Gemeente Bewerkstad", sector="waterschappen", municipality="Tiel")
    login_as(Role.COORDINATOR, org=org)
    html = client.get(f"/organisaties/{org.slug}/bewerken").get_data(as_text=True)
    assert re.search(r'<option selected value="waterschappen">|<option value="waterschappen" selected>', html)
    assert re.search(rf'<option selected value="{org.municipality_id}">|<option value="{org.municipality_id}" selected',
                     html)
    assert 'value="Gemeente Bewerkstad"' in html


def test_a_member_or_another_coordinator_may_not_edit_an_organisation(client, login_as, create_org):
    org = create_org()
    login_as(Role.MEMBER, org=org)
    assert client.get(f"/organisaties/{org.slug}/bewerken").status_code == 403
    assert "bewerken" not in client.get(f"/organisaties/{org.slug}").get_data(as_text=True)


def test_organisation_website_must_be_http_or_https(client, login_as, create_org):
    org = create_org("Gemeente Link")
    login_as(Role.COORDINATOR, org=org)
    for bad in ("javascript://example.org/%0aalert(1)", "ftp://example.org", "https://localhost", "www.example.org"):
        response = post_form(client, f"/organisaties/{org.slug}/bewerken", {
            "name": "Gemeente Link", "sector": "gemeenten", "municipality": _municipality_id("Enschede"),
            "website": bad})
        assert response.status_code == 422, bad
    db.session.refresh(org)
    assert org.website == ""


def test_administrators_read_the_whole_audit_log(client, login_as, create_user):
    admin = login_as(Role.ADMINISTRATOR, name="Ada Beheerder")
    member = create_user(name="Bert Lid")
    post_form(client, f"/beheer/gebruikers/{member.id}/rol", {"role": "editor"}, page="/beheer/gebruikers")
    html = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Ada Beheerder heeft de platformrol gewijzigd van Bert Lid (Redacteur)" in html
    assert client.get("/beheer/logboek?page=abc").status_code == 200
    assert client.get("/beheer/logboek?page=-3").status_code == 200
    post_form(client, "/account/uitloggen", {}, page="/")
    login_as(Role.COORDINATOR)
    assert client.get("/beheer/logboek").status_code == 403
    assert admin
