"""The instrument guide: every instrument explained, and where packages and cases used it."""

import re

import pytest

from circles.workpackages.guide import views as guide_views
from circles.workpackages.instruments import INSTRUMENTS

pytestmark = pytest.mark.usefixtures("page_routes")


def card(html: str, code: str) -> str:
    """The text of one instrument's card on the guide page."""
    match = re.search(rf'<li class="card" id="instrument-{code}">(.*?)</li>', html, re.S)
    assert match, f"no card for {code}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def library(create_circle, add_member, create_user, make_package, make_case):
    """Packages and cases that use loonkostensubsidie at every visibility; a member of the closed circle."""
    circle = create_circle(name="Besloten cirkel", visibility="circle")
    member = create_user()
    add_member(circle, member)
    make_package(title="Openbaar pakket", instruments=["loonkostensubsidie", "no_riskpolis"])
    make_package(title="Pakket voor leden", visibility="platform", instruments=["loonkostensubsidie"])
    make_package(title="Pakket van de cirkel", visibility="circle", circle=circle, instruments=["loonkostensubsidie"])
    make_package(title="Concept pakket", status="draft", instruments=["loonkostensubsidie"])
    make_package(title="Gearchiveerd pakket", status="archived", instruments=["loonkostensubsidie"])
    make_case(title="Openbaar voorbeeld", instruments=["loonkostensubsidie"])
    make_case(title="Voorbeeld van de cirkel", visibility="circle", circle=circle, instruments=["loonkostensubsidie"])
    return {"circle": circle, "member": member}


def test_guide_lists_every_instrument_with_an_explanation(client):
    response = client.get("/instrumenten")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "algemene informatie" in html and "beslist" in html
    for item in INSTRUMENTS:
        text = card(html, item.code)
        assert str(item.label) in text
        assert f'href="/instrumenten/{item.code}"' in html
        assert "Gebruikt in 0 werkpakketten · 0 voorbeelden" in text
    assert "Wie geeft het: UWV" in card(html, "no_riskpolis")
    assert "Wajong" in card(html, "loondispensatie")


def test_guide_counts_only_what_the_reader_may_see(client, auth, library):
    html = client.get("/instrumenten").get_data(as_text=True)
    assert "Gebruikt in 1 werkpakket · 1 voorbeeld" in card(html, "loonkostensubsidie")
    assert "Gebruikt in 1 werkpakket · 0 voorbeelden" in card(html, "no_riskpolis")
    auth.login(library["member"].email)
    html = client.get("/instrumenten").get_data(as_text=True)
    assert "Gebruikt in 3 werkpakketten · 2 voorbeelden" in card(html, "loonkostensubsidie")


def test_instrument_page_lists_the_packages_and_cases_that_used_it(client, auth, create_user, library):
    response = client.get("/instrumenten/loonkostensubsidie")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Loonkostensubsidie" in html and "loonwaarde" in html and "Gemeente" in html
    assert "Openbaar pakket" in html and "Gemeente Werkstad" in html and "Samenvatting van openbaar pakket." in html
    assert "Openbaar voorbeeld" in html and "Hogeschool Voorbeeld" in html
    assert re.search(r'href="/werkpakketten/\d+-openbaar-pakket"', html)
    assert re.search(r'href="/voorbeelden/\d+-openbaar-voorbeeld"', html)
    for hidden in ("Pakket voor leden", "Pakket van de cirkel", "Concept pakket", "Gearchiveerd pakket",
                   "Voorbeeld van de cirkel", "Besloten cirkel"):
        assert hidden not in html
    assert "1 werkpakket" in html
    # A logged-in member of another organisation sees the platform package, not the circle's
    auth.login(create_user().email)
    html = client.get("/instrumenten/loonkostensubsidie").get_data(as_text=True)
    assert "Pakket voor leden" in html and "Pakket van de cirkel" not in html
    auth.logout()
    auth.login(library["member"].email)
    html = client.get("/instrumenten/loonkostensubsidie").get_data(as_text=True)
    assert "Pakket van de cirkel" in html and "Voorbeeld van de cirkel" in html and "3 werkpakketten" in html


def test_instrument_page_without_users_says_so(client):
    html = client.get("/instrumenten/proefplaatsing").get_data(as_text=True)
    assert "Er zijn nog geen werkpakketten die dit instrument gebruiken." in html
    assert "Er zijn nog geen voorbeelden die dit instrument gebruiken." in html


def test_instrument_page_shows_the_newest_and_the_total(client, make_package, monkeypatch):
    monkeypatch.setattr(guide_views, "LIST_SIZE", 2)
    for n in range(1, 4):
        make_package(title=f"Pakket nummer {n}", instruments=["jobcoach_voorziening"])
    html = client.get("/instrumenten/jobcoach_voorziening").get_data(as_text=True)
    assert "De 2 nieuwste van 3 werkpakketten." in html
    assert "Pakket nummer 3" in html and "Pakket nummer 2" in html and "Pakket nummer 1" not in html
    assert html.index("Pakket nummer 3") < html.index("Pakket nummer 2")


def test_content_in_another_language_is_marked(client, make_package):
    make_package(title="Mail room assistant", language="en", instruments=["overig"])
    html = client.get("/instrumenten/overig").get_data(as_text=True)
    assert re.search(r'<a class="utrecht-link" href="/werkpakketten/\d+-mail-room-assistant" lang="en">', html)


@pytest.mark.parametrize("code", ["bestaat-niet", "LOONKOSTENSUBSIDIE", "x" * 300])
def test_unknown_instrument_is_404(client, code):
    assert client.get(f"/instrumenten/{code}").status_code == 404


def test_instrument_page_loads_in_a_fixed_number_of_queries(client, make_package, make_case, create_org,
                                                            count_queries):
    def make(count):
        for _ in range(count):
            make_package(instruments=["werkplekaanpassing"], organisation=create_org())
            make_case(instruments=["werkplekaanpassing"], organisation=create_org())

    make(3)
    with count_queries() as few:
        assert client.get("/instrumenten/werkplekaanpassing").status_code == 200
    make(17)
    with count_queries() as many:
        html = client.get("/instrumenten/werkplekaanpassing").get_data(as_text=True)
    assert "20 werkpakketten" in html and "20 voorbeelden" in html
    assert len(many) == len(few)
    with count_queries() as guide:
        assert client.get("/instrumenten").status_code == 200
    assert len(guide) <= len(few)
