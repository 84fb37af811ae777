"""Bad input on the progress pages never gives a 500: a form re-renders with 422, a clear Dutch message in the
error summary and at the field, and what was typed still in the fields, with nothing stored; odd URL
parameters are ignored with a notice; unknown codes and names in the address are a 404."""

import html as html_lib
import re

import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.timefmt import local_today
from circles.progress.models import ProgressRecord, ProgressSettings
from tests.conftest import post_form

THIS_YEAR = local_today().year
LAST_YEAR = THIS_YEAR - 1
#: A nine-digit number that passes the BSN eleven-test.
BSN_LIKE = "111222333"
PERSONAL = "Dit lijkt een persoonsgegeven van een medewerker"
NOT_A_NUMBER = "Vul een getal in, zoals 12 of 12,5."
NOT_NEGATIVE = "Vul een getal van 0 of meer in."
TARGET, REALISED, YEAR = "Taakstelling (aantal banen)", "Gerealiseerd (aantal banen)", "Jaar"
SOURCE, PERIOD, NOTE = "Bron van de cijfers", "Periode", "Toelichting (niet verplicht)"


@pytest.fixture
def org(create_org):
    return create_org("Gemeente Invoerstad", municipality="Utrecht")


@pytest.fixture
def coordinator(org, create_user, auth):
    user = create_user(name="Cora Coördinator", org=org, role=Role.COORDINATOR)
    assert auth.login(user.email).status_code == 302
    return user


def _form(**changes) -> dict:
    data = {"year": str(LAST_YEAR), "quarter": "", "target": "10", "realised": "5", "source": "own_count",
            "note": "Geteld door personeelszaken."}
    return {**data, **changes}


def _records() -> list:
    db.session.expire_all()
    return db.session.execute(sa.select(ProgressRecord.year, ProgressRecord.target, ProgressRecord.realised)).all()


def _summary(page: str) -> list[str]:
    """The lines of the error summary at the top of the page, as a reader sees them."""
    match = re.search(r'<div class="error-summary".*?</ul>', page, re.S)
    assert match, "no error summary on the page"
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def _typed(page: str, name: str) -> str:
    """What the field ``name`` holds on the page (a text box's value, a text area's text)."""
    textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    if textarea:
        return html_lib.unescape(textarea.group(1)).lstrip("\r\n")
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, f"no field {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


# --- the record form ---------------------------------------------------------------------------------

#: id -> (changed fields, the summary line a reader sees, the fields whose typed value must still be there)
BAD_RECORDS = {
    "negative target": ({"target": "-3"}, f"{TARGET}: {NOT_NEGATIVE}", ["target", "realised", "year", "note"]),
    "negative realised": ({"realised": "-0,5"}, f"{REALISED}: {NOT_NEGATIVE}", ["target", "realised", "note"]),
    "realised without a year": ({"year": ""}, f"{YEAR}: Vul het jaar in waarover de cijfers gaan.",
                                ["year", "target", "realised", "note"]),
    "a year beyond next year": (
        {"year": str(THIS_YEAR + 2)},
        f"{YEAR}: Kies uiterlijk volgend jaar ({THIS_YEAR + 1}): verder vooruit kunt u nog geen cijfers opgeven.",
        ["year", "target", "realised", "note"]),
    "a year far ahead": ({"year": "99999"}, f"{YEAR}: Vul een jaartal in, zoals 2019.", ["year", "target"]),
    "a year before 2013": ({"year": "2012"},
                           f"{YEAR}: De banenafspraak telt banen vanaf 2013; kies 2013 of later.",
                           ["year", "target", "realised", "note"]),
    "text as the target": ({"target": "veel"}, f"{TARGET}: {NOT_A_NUMBER}", ["target", "realised", "note"]),
    "text as realised": ({"realised": "veel"}, f"{REALISED}: {NOT_A_NUMBER}", ["target", "realised", "note"]),
    "text as the year": ({"year": "vorig jaar"}, f"{YEAR}: Vul een jaartal in, zoals 2019.", ["year", "target"]),
    "a year with a decimal": ({"year": "2024,5"}, f"{YEAR}: Vul een jaartal in, zoals 2019.", ["year"]),
    "a number larger than the whole agreement": (
        {"target": "200000"}, f"{TARGET}: Vul een getal van hoogstens 125000 in.", ["target", "realised"]),
    "realised in a quarter that has not started": (
        {"year": str(THIS_YEAR + 1), "quarter": "1", "target": "", "realised": "3"},
        f"{REALISED}: Deze periode is nog niet begonnen: vul alleen de taakstelling in, of kies een periode die al "
        "loopt.", ["year", "realised", "note"]),
    "nothing filled in": ({"year": "", "target": "", "realised": "", "note": ""},
                          f"{YEAR}: Vul het jaar in waarover de cijfers gaan.", []),
    "a year but no numbers": ({"target": "", "realised": ""},
                              f"{TARGET}: Vul de taakstelling, het aantal gerealiseerde banen of allebei in.",
                              ["year", "note"]),
    "an unknown source": ({"source": "gokken"}, f"{SOURCE}: Kies waar de cijfers vandaan komen.",
                          ["year", "target", "realised", "note"]),
    "no source": ({"source": ""}, f"{SOURCE}: Kies waar de cijfers vandaan komen.", ["target", "realised"]),
    "an unknown quarter": ({"quarter": "7"}, f"{PERIOD}: Kies een kwartaal (1 tot en met 4) of het hele jaar.",
                           ["year", "target", "realised", "note"]),
    "a BSN-like number in the note": (
        {"note": f"Medewerker {BSN_LIKE} is geplaatst."}, f"{NOTE}: {PERSONAL}", ["note", "target", "realised"]),
    "a grouped BSN-like number in the note": (
        {"note": "Geplaatst: 111 222 333."}, f"{NOTE}: {PERSONAL}", ["note"]),
    "a named employee in the note": ({"note": "naam medewerker: Piet"}, f"{NOTE}: {PERSONAL}", ["note"]),
    "a note over 1000 characters": ({"note": "Geteld. " * 126}, f"{NOTE}: Gebruik hoogstens 1000 tekens.",
                                    ["note", "target", "realised"]),
    "a control character in the note": ({"note": "Geteld\x07 door HR"},
                                        f"{NOTE}: Dit veld bevat tekens die niet zijn toegestaan.",
                                        ["note", "target", "realised"]),
    "a NUL character in the note": ({"note": "Geteld\x00"}, f"{NOTE}: Dit veld bevat tekens die niet zijn toegestaan.",
                                    ["target", "realised"]),
    "a control character in a number": ({"target": "1\x000"}, f"{TARGET}: {NOT_A_NUMBER}", ["realised", "note"]),
}


@pytest.mark.parametrize("case", BAD_RECORDS)
def test_bad_figures_get_a_clear_message_and_keep_what_was_typed(client, org, coordinator, case):
    changes, message, kept = BAD_RECORDS[case]
    before = _records()
    data = _form(**changes)
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.split(": ", 1)[1].split(".")[0] in page  # at the field too
    summary = _summary(page)
    assert any(line.startswith(message) for line in summary), summary
    assert "Not a valid" not in page and "Invalid" not in page  # no English WTForms message
    for name in kept:
        assert _typed(page, name) == data[name].strip(), name
    assert _records() == before


def test_the_page_marks_the_field_with_the_error(client, org, coordinator):
    page = post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren", _form(target="-3")).get_data(
        as_text=True)
    tag = re.search(r'<input[^>]*name="target"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in tag and "target-error" in tag
    assert '<a href="#target">' in page


def test_two_decimals_are_rounded_to_one_and_the_stored_number_is_shown(client, org, coordinator):
    """Jobs are counted in tenths: "12,55" is taken as 12,6, and the page shows 12,6, not what was typed."""
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren", _form(realised="12,55"))
    assert response.status_code == 302
    assert [(r.year, str(r.realised)) for r in _records()] == [(LAST_YEAR, "12.6")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "12,6" in page and "12,55" not in page


def test_a_decimal_comma_and_a_decimal_point_both_work(client, org, coordinator):
    for typed in ("12,5", "12.5", " 12,5 "):
        assert post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren",
                         _form(realised=typed)).status_code == 302, typed
    assert {str(r.realised) for r in _records()} == {"12.5"}


def test_bad_figures_as_a_member_who_may_not_record_are_refused_before_anything_else(client, org, create_user,
                                                                                     auth):
    """Someone who may not record gets 403, not the form's messages (which would say the form exists)."""
    member = create_user(org=org)
    assert auth.login(member.email).status_code == 302
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren", _form(target="-3"),
                         page=f"/voortgang/organisaties/{org.slug}")
    assert response.status_code == 403
    assert _records() == []


# --- the settings form ------------------------------------------------------------------------------------

@pytest.mark.parametrize("recorders", ["iedereen", ""])
def test_an_unknown_recorders_value_gets_a_message(client, org, coordinator, recorders):
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/instellingen",
                         {"hidden": "y", "recorders": recorders})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wie mag de cijfers invoeren?: Kies wie de cijfers mag invoeren." in _summary(page)
    assert "Not a valid" not in page
    db.session.expire_all()
    assert db.session.get(ProgressSettings, org.id) is None


def test_a_control_character_in_the_settings_is_refused(client, org, coordinator):
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/instellingen",
                         {"hidden": "y", "recorders": "members\x00"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(ProgressSettings, org.id) is None


# --- the year in the address --------------------------------------------------------------------------------

NOTICE = "Voor dat jaar zijn er geen cijfers; u ziet"
BAD_YEARS = ["abc", "1900", "2012", "99999", "²⁰²⁵", "٢٠٢٥", "-1", "2024.0", " 2024", str(THIS_YEAR + 2), "0x7e8",
             "\x00", "2024\x00", "9" * 400]


@pytest.fixture
def circle(create_circle, create_user, add_member, org, report):
    circle = create_circle("Leercirkel Invoer", visibility="public")
    user = create_user(org=org, role=Role.COORDINATOR)
    add_member(circle, user)
    report(org, user, LAST_YEAR, target=10, realised=4)
    return circle


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_in_the_address_shows_the_latest_year_with_a_notice(client, circle, year):
    for path in ("/voortgang", f"/voortgang/leercirkels/{circle.slug}"):
        response = client.get(path, query_string={"jaar": year})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert f"{NOTICE} {LAST_YEAR}." in page, path
    assert client.get(f"/leercirkels/{circle.slug}", query_string={"jaar": year}).status_code == 200


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_in_a_download_address_gives_the_latest_year(client, circle, year):
    for path in ("/voortgang/sectoren.csv", "/voortgang/regios.csv", "/voortgang/landelijk.csv",
                 f"/voortgang/leercirkels/{circle.slug}/organisaties.csv",
                 f"/voortgang/leercirkels/{circle.slug}/jaren.csv"):
        response = client.get(path, query_string={"jaar": year})
        assert response.status_code == 200 and response.mimetype == "text/csv", path
    assert str(LAST_YEAR) in client.get("/voortgang/sectoren.csv", query_string={"jaar": year}).headers[
        "Content-Disposition"]


def test_a_good_year_in_the_address_has_no_notice(client, circle):
    page = client.get("/voortgang", query_string={"jaar": str(LAST_YEAR - 1)}).get_data(as_text=True)
    assert NOTICE not in page and f"Per sector en per regio in {LAST_YEAR - 1}" in page


# --- unknown names in the address -------------------------------------------------------------------------

UNKNOWN = [
    "/voortgang/sectoren/onbekend", "/voortgang/sectoren/onbekend.csv", "/voortgang/sectoren/GEMEENTEN",
    "/voortgang/sectoren/" + "x" * 300, "/voortgang/sectoren/%C2%B2",
    "/voortgang/regios/AM99", "/voortgang/regios/AM99.csv", "/voortgang/regios/am13", "/voortgang/regios/%27",
    "/voortgang/organisaties/bestaat-niet", "/voortgang/organisaties/bestaat-niet.csv",
    "/voortgang/organisaties/%E2%80%AE", "/voortgang/leercirkels/bestaat-niet",
    "/voortgang/leercirkels/bestaat-niet/jaren.csv", "/voortgang/leercirkels/bestaat-niet/organisaties.csv",
    "/voortgang/onbekend.csv", "/voortgang/LANDELIJK.csv", "/voortgang/sectoren/gemeenten/extra",
]


@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_name_in_the_address_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_an_unknown_download_of_a_circle_is_not_found(client, circle):
    assert client.get(f"/voortgang/leercirkels/{circle.slug}/onbekend.csv").status_code == 404


@pytest.mark.parametrize("path", ["/voortgang/organisaties/bestaat-niet/invoeren",
                                  "/voortgang/organisaties/bestaat-niet/instellingen"])
def test_the_forms_of_an_unknown_organisation_are_not_found(client, coordinator, path):
    assert client.get(path).status_code == 404
    assert post_form(client, path, _form(), page="/voortgang").status_code == 404
    assert _records() == []


