"""The Markdown export, the Atom feed and the public JSON API of work packages."""

import difflib
import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale

from circles.accounts.models import Role
from circles.core.db import db
from circles.workpackages.content import package_content
from circles.workpackages.export import package_markdown
from circles.workpackages.models import Adoption, WorkPackage

pytestmark = pytest.mark.usefixtures("page_routes")

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def full_package(make_package):
    return make_package(
        title="Medewerker post en archief", summary="Post sorteren en rondbrengen in het stadhuis.",
        hours=(12, 20), sectors=["gemeenten", "po"], instruments=["loonkostensubsidie", "no_riskpolis"],
        tasks=[{"description": "Post sorteren", "frequency": "dagelijks", "hours_per_week": 4,
                "independence": "zelfstandig_na_instructie", "tools": "postkar"},
               {"description": "Archief scannen", "frequency": "wekelijks", "hours_per_week": 2.5,
                "independence": "onder_begeleiding"}],
        setting="post_archief", work_level="mbo2", contract_forms=["bepaalde_tijd"],
        pay_scale="Schaal 4, cao Gemeenten", guidance=["buddy"], guidance_notes="Een vaste collega als maatje.",
        skills="Kan werken met een **vast** ritme.\n- lezen\n- sorteren", cost_one_off=1500, cost_yearly=2000,
        subsidies_yearly=12500, tips="Begin klein.", licence="CC-BY-4.0")


def markdown_of(package, **kwargs) -> str:
    return package_markdown(package_content(package), organisation=package.organisation.name, circle=None,
                            url=kwargs.pop("url", None), revision=kwargs.pop("revision", None), **kwargs)


# --- the Markdown document ----------------------------------------------------------------------------

def test_markdown_has_the_facts_tasks_and_sections_in_dutch(app, full_package):
    with app.test_request_context():
        text = markdown_of(full_package, url="https://example.org/werkpakketten/1-x", revision=3)
    lines = text.splitlines()
    assert lines[0] == "# Medewerker post en archief"
    assert "Post sorteren en rondbrengen in het stadhuis." in lines
    assert "- **Uren per week:** 12–20 uur (= 0,47–0,78 baan)" in lines
    assert "- **Afdeling of omgeving:** Post en archief" in lines
    assert "- **Werkniveau:** Mbo 2" in lines
    assert "- **Sectoren:** Gemeenten, Primair onderwijs" in lines
    assert "- **Contractvormen:** Arbeidsovereenkomst voor bepaalde tijd" in lines
    assert "- **Licentie:** CC BY 4.0: hergebruik met naamsvermelding " \
           "(<https://creativecommons.org/licenses/by/4.0/deed.nl>)" in lines
    assert "- **Ingebracht door:** Gemeente Werkstad" in lines
    assert "- **Versie:** 3" in lines
    assert "- **Bron:** <https://example.org/werkpakketten/1-x>" in lines
    # Tasks, numbered, with their details
    assert "1. Post sorteren" in lines and "2. Archief scannen" in lines
    assert "   - **Hoe vaak:** Dagelijks" in lines
    assert "   - **Uren per week:** 2,5" in lines
    assert "   - **Hulpmiddelen:** postkar" in lines
    # The writer's own Markdown stays as written
    assert "Kan werken met een **vast** ritme.\n- lezen\n- sorteren" in text
    assert "- Buddy of maatje" in lines and "Een vaste collega als maatje." in lines
    assert "- Loonkostensubsidie" in lines and "- No-riskpolis" in lines
    assert "- **Eenmalige kosten:** € 1.500" in lines
    assert "- **Tegemoetkomingen per jaar:** € 12.500" in lines
    assert "## Tips" in lines
    # Nothing was written about pitfalls or adjustments: no empty sections
    assert "## Valkuilen" not in lines
    assert "## Aanpassingen van de werkplek" not in lines
    assert "## Waar de taken vandaan komen" not in lines
    assert text.endswith("Begin klein.\n")


def test_markdown_uses_the_readers_number_format(app, full_package):
    with app.test_request_context(), force_locale("en"):
        text = markdown_of(full_package)
    assert "(= 0.47–0.78" in text
    assert "€ 1,500" in text


def test_markdown_shows_unknown_codes_instead_of_failing(app):
    content = {"title": "Iets", "summary": "", "sectors": ["maan"], "instruments": ["toverstaf"],
               "guidance": ["hond"], "contract_forms": ["levenslang"], "setting": "zolder", "work_level": "x",
               "licence": "eigen", "hours_min": None, "hours_max": 8,
               "tasks": [{"description": "Lachen", "frequency": "altijd", "hours_per_week": None,
                          "independence": "", "tools": ""}]}
    with app.test_request_context():
        text = package_markdown(content, organisation=None, circle=None, url=None, revision=None)
    for code in ("maan", "toverstaf", "hond", "levenslang", "zolder", "eigen", "altijd"):
        assert code in text
    assert "- **Uren per week:** 8 uur (= 0,31 baan)" in text.splitlines()
    assert "## Kenmerken" in text and "Ingebracht door" not in text


def test_one_change_changes_one_line(app, full_package):
    """Revisions are compared by this text: editing one fact must show as one changed line."""
    with app.test_request_context():
        before = markdown_of(full_package)
        full_package.hours_max = 25.5
        full_package.pay_scale = "Schaal 5"
        after = markdown_of(full_package)
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changed == ["- - **Uren per week:** 12–20 uur (= 0,47–0,78 baan)",
                       "+ - **Uren per week:** 12–25,5 uur (= 0,47–1,00 baan)",
                       "- - **Loonschaal en cao:** Schaal 4, cao Gemeenten",
                       "+ - **Loonschaal en cao:** Schaal 5"]


def test_content_survives_a_round_trip(app, full_package, make_package):
    from circles.workpackages.content import apply_content

    copy = make_package(title="Kopie", hours=None)
    content = package_content(full_package)
    apply_content(copy, {**content, "sectors": [*content["sectors"], "bestaat-niet"]})
    db.session.commit()
    db.session.expire_all()
    copy = db.session.get(WorkPackage, copy.id)
    assert package_content(copy) == content
    assert [t.position for t in copy.tasks] == [0, 1]
    # Instruments can change without a clash of the rows that stay
    apply_content(copy, {"instruments": ["no_riskpolis", "jobcoach_voorziening"]})
    db.session.commit()
    assert db.session.get(WorkPackage, copy.id).instruments == ["jobcoach_voorziening", "no_riskpolis"]
    # Task lines are replaced, not added to; fields left out of the dict stay as they are
    apply_content(copy, {"tasks": [{"description": "Planten water geven", "hours_per_week": None, "tools": None}]})
    db.session.commit()
    db.session.expire_all()
    copy = db.session.get(WorkPackage, copy.id)
    assert [(t.description, t.position, t.tools) for t in copy.tasks] == [("Planten water geven", 0, "")]
    assert copy.title == "Medewerker post en archief" and copy.sectors[0].code == "gemeenten"


# --- the Markdown download ----------------------------------------------------------------------------

def test_anyone_downloads_a_public_package(client, full_package):
    response = client.get(f"/werkpakketten/{full_package.id}/export.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="medewerker-post-en-archief.md"'
    text = response.get_data(as_text=True)
    assert text.startswith("# Medewerker post en archief\n")
    assert "1. Post sorteren" in text
    assert "(= 0,47–0,78 baan)" in text
    assert "https://creativecommons.org/licenses/by/4.0/deed.nl" in text
    assert f"<http://localhost/werkpakketten/{full_package.id}-medewerker-post-en-archief>" in text


def test_a_circle_package_is_not_found_by_outsiders(client, auth, create_user, create_circle, add_member,
                                                    make_package):
    circle = create_circle(name="Leercirkel Geheim", visibility="circle")
    package = make_package(title="Alleen voor de cirkel", visibility="circle", circle=circle)
    url = f"/werkpakketten/{package.id}/export.md"
    assert client.get(url).status_code == 404
    outsider = create_user()
    auth.login(outsider.email)
    assert client.get(url).status_code == 404
    auth.logout()
    member = create_user()
    add_member(circle, member)
    auth.login(member.email)
    response = client.get(url)
    assert response.status_code == 200
    assert "- **Leercirkel:** Leercirkel Geheim" in response.get_data(as_text=True)


def test_a_draft_is_exported_only_for_its_editors(client, login_as, make_package, create_org):
    author_org = create_org()
    package = make_package(title="Concept", status="draft", organisation=author_org)
    assert client.get(f"/werkpakketten/{package.id}/export.md").status_code == 404
    login_as(Role.MEMBER, org=author_org)
    assert client.get(f"/werkpakketten/{package.id}/export.md").status_code == 200


def test_export_of_a_missing_package_is_404(client):
    assert client.get("/werkpakketten/999999/export.md").status_code == 404


# --- the Atom feed -------------------------------------------------------------------------------------

def test_feed_lists_public_published_packages_newest_first(client, create_circle, make_package):
    circle = create_circle(visibility="circle")
    first = make_package(title="Eerste openbare")
    make_package(title="Alleen de cirkel", visibility="circle", circle=circle)
    make_package(title="Alleen leden", visibility="platform")
    make_package(title="Nog een concept", status="draft")
    make_package(title="In beoordeling", status="in_review")
    second = make_package(title="Tweede <openbare> & nieuwste", summary="Met tekens: < & >")
    response = client.get("/werkpakketten/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Tweede <openbare> & nieuwste", "Eerste openbare"]
    top = entries[0]
    assert top.find(f"{ATOM}link").get("href") == f"http://localhost/werkpakketten/{second.id}-tweede-openbare-nieuwste"
    assert top.findtext(f"{ATOM}summary") == "Met tekens: < & >"
    assert top.findtext(f"{ATOM}author/{ATOM}name") == "Gemeente Werkstad"
    assert top.findtext(f"{ATOM}id").endswith(f":werkpakket/{second.id}")
    assert top.findtext(f"{ATOM}updated")
    assert entries[1].find(f"{ATOM}link").get("href").endswith(f"/werkpakketten/{first.id}-eerste-openbare")
    assert b"Alleen de cirkel" not in response.data and b"concept" not in response.data


def test_feed_holds_the_50_newest(client, make_package):
    packages = [make_package() for _ in range(52)]
    entries = ET.fromstring(client.get("/werkpakketten/feed.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == 50
    assert entries[0].findtext(f"{ATOM}title") == packages[-1].title
    assert packages[0].title not in {e.findtext(f"{ATOM}title") for e in entries}


def test_an_empty_feed_is_still_a_valid_feed(client):
    feed = ET.fromstring(client.get("/werkpakketten/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}id") == "http://localhost/werkpakketten/feed.atom"


# --- the JSON API ----------------------------------------------------------------------------------------

def _public_headers(response):
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_api_lists_only_public_published_packages(client, create_circle, make_package, create_org):
    circle = create_circle(visibility="circle")
    package = make_package(title="Openbaar werkpakket", hours=(12.75, 25.5), sectors=["gemeenten"],
                           instruments=["no_riskpolis"], tasks=["Koffie zetten"], setting="catering")
    make_package(title="Alleen de cirkel", visibility="circle", circle=circle)
    make_package(title="Alleen leden", visibility="platform")
    make_package(title="Concept", status="draft")
    adopters = [create_org(), create_org()]
    for org in adopters:
        db.session.add(Adoption(source_id=package.id, organisation_id=org.id))
    db.session.commit()
    response = client.get("/api/v1/werkpakketten")
    assert response.status_code == 200
    _public_headers(response)
    data = response.get_json()
    assert data["total"] == 1 and data["pages"] == 1 and data["page"] == 1 and data["per_page"] == 20
    assert [item["title"] for item in data["items"]] == ["Openbaar werkpakket"]
    item = data["items"][0]
    assert item["url"] == f"http://localhost/werkpakketten/{package.id}-openbaar-werkpakket"
    assert item["sectors"] == [{"code": "gemeenten", "label": "Gemeenten"}]
    assert item["hours_min"] == 12.75 and item["hours_max"] == 25.5
    assert item["job_equivalent_min"] == 0.5 and item["job_equivalent_max"] == 1.0
    assert item["instruments"] == ["no_riskpolis"]
    assert item["tasks"] == [{"description": "Koffie zetten", "frequency": "wekelijks", "hours_per_week": None,
                              "independence": "zelfstandig_na_instructie"}]
    assert item["organisation"] == {"name": "Gemeente Werkstad"}
    assert item["adoptions"] == 2
    assert item["licence"] == "CC-BY-4.0" and item["language"] == "nl" and item["setting"] == "catering"
    assert item["published_at"].endswith("Z") and "T" in item["published_at"]
    assert "Alleen de cirkel" not in response.get_data(as_text=True)


def test_api_pages_with_links(client, make_package):
    packages = [make_package() for _ in range(5)]
    data = client.get("/api/v1/werkpakketten?per_page=2&page=2").get_json()
    assert data["page"] == 2 and data["per_page"] == 2 and data["total"] == 5 and data["pages"] == 3
    # Newest first: 5 4 | 3 2 | 1
    assert [i["id"] for i in data["items"]] == [packages[2].id, packages[1].id]
    assert data["links"] == {
        "self": "http://localhost/api/v1/werkpakketten?page=2&per_page=2",
        "next": "http://localhost/api/v1/werkpakketten?page=3&per_page=2",
        "prev": "http://localhost/api/v1/werkpakketten?page=1&per_page=2",
    }
    last = client.get(data["links"]["next"]).get_json()
    assert [i["id"] for i in last["items"]] == [packages[0].id]
    assert last["links"]["next"] is None
    first = client.get(data["links"]["prev"]).get_json()
    assert first["links"]["prev"] is None


@pytest.mark.parametrize(("query", "page", "per_page"), [
    ("page=abc&per_page=xyz", 1, 20),
    ("page=-1&per_page=-5", 1, 20),
    ("page=0&per_page=0", 1, 20),
    ("page=99999999999999999999999&per_page=1000", 1, 100),
    ("page=7&per_page=2", 2, 2),
    ("page=2.5&per_page=1e3", 1, 20),
])
def test_api_paging_values_are_clamped(client, make_package, query, page, per_page):
    for _ in range(3):
        make_package()
    response = client.get(f"/api/v1/werkpakketten?{query}")
    assert response.status_code == 200
    data = response.get_json()
    assert (data["page"], data["per_page"]) == (page, per_page)
    assert data["items"]


def test_api_list_with_no_packages(client):
    data = client.get("/api/v1/werkpakketten?page=3").get_json()
    assert data["items"] == [] and data["total"] == 0 and data["pages"] == 1 and data["page"] == 1


def test_api_list_loads_in_a_fixed_number_of_queries(client, make_package, count_queries, create_org):
    def make(count):
        for _ in range(count):
            package = make_package(tasks=["Taak een", "Taak twee"], sectors=["po", "vo"],
                                   instruments=["loonkostensubsidie"], organisation=create_org())
            db.session.add(Adoption(source_id=package.id, organisation_id=create_org().id))
        db.session.commit()

    make(3)
    with count_queries() as few:
        assert len(client.get("/api/v1/werkpakketten?per_page=100").get_json()["items"]) == 3
    make(27)
    with count_queries() as many:
        assert len(client.get("/api/v1/werkpakketten?per_page=100").get_json()["items"]) == 30
    assert len(many) == len(few)


def test_api_shows_one_public_package_in_full(client, full_package):
    response = client.get(f"/api/v1/werkpakketten/{full_package.id}")
    assert response.status_code == 200
    _public_headers(response)
    data = response.get_json()
    assert data["title"] == "Medewerker post en archief"
    assert data["skills"].startswith("Kan werken met een **vast** ritme.")
    assert data["cost_one_off"] == 1500 and data["subsidies_yearly"] == 12500
    assert data["guidance"] == ["buddy"] and data["contract_forms"] == ["bepaalde_tijd"]
    assert data["tasks"][0]["tools"] == "postkar"
    assert data["sectors"] == [{"code": "gemeenten", "label": "Gemeenten"},
                               {"code": "po", "label": "Primair onderwijs"}]
    assert data["job_equivalent_max"] == 0.78 and data["adoptions"] == 0
    assert data["url"].endswith(f"/werkpakketten/{full_package.id}-medewerker-post-en-archief")
    assert "circle_id" not in data


def test_api_does_not_reveal_packages_that_are_not_public(client, auth, create_user, create_circle, add_member,
                                                           make_package):
    circle = create_circle(visibility="circle")
    hidden = [make_package(visibility="circle", circle=circle), make_package(visibility="platform"),
              make_package(status="draft"), make_package(status="archived")]
    member = create_user()
    add_member(circle, member)
    auth.login(member.email)  # even a reader who may see them elsewhere: the API is public data only
    missing = client.get("/api/v1/werkpakketten/999999")
    assert missing.status_code == 404
    _public_headers(missing)
    for package in hidden:
        response = client.get(f"/api/v1/werkpakketten/{package.id}")
        assert response.status_code == 404
        assert response.get_json() == missing.get_json()
        assert "error" in response.get_json()
    assert client.get("/api/v1/werkpakketten").get_json()["total"] == 0
