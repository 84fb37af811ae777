"""Progress figures: recording them, which record counts, hidden figures that never leak, charts and tables and
CSV files that carry the same numbers, and the blocks on the home, circle and organisation pages."""

import csv
import io
from decimal import Decimal

import lxml.html
import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.timefmt import local_today
from circles.progress import figures
from circles.progress.models import ProgressRecord
from circles.progress.signals import services as signals
from circles.workpackages import services as package_services
from tests.conftest import post_form

LAST_YEAR = local_today().year - 1


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv", url
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def table(html, table_id):
    """The rows of a table as the reader sees them: header row first, then one list of cell texts per row."""
    doc = lxml.html.fromstring(html)
    rows = doc.xpath(f'//table[@id="{table_id}"]//tr')
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in rows]


def chart_values(html, chart_id):
    """{(series, year): the printed value} of the bars in a chart."""
    doc = lxml.html.fromstring(html)
    svg = doc.xpath(f'//*[@aria-labelledby="{chart_id}-title {chart_id}-desc"]')[0]
    return {(t.get("data-series"), int(t.get("data-year"))): t.text_content().strip()
            for t in svg.xpath('.//*[@class="chart-value"]')}


# --- recording -------------------------------------------------------------------------------------

def test_a_coordinator_records_figures_and_a_correction_keeps_the_history(client, auth, create_org, create_user):
    org = create_org("Gemeente Tiel", municipality="Tiel")
    coordinator = create_user(role=Role.COORDINATOR, org=org, name="Carla Coördinator")
    auth.login(coordinator.email)
    url = f"/voortgang/organisaties/{org.slug}/invoeren"
    assert "Cijfers invoeren" in page(client, url)
    response = post_form(client, url, {"year": str(LAST_YEAR), "quarter": "", "target": "20",
                                       "realised": "12,5", "source": "own_count", "note": "Eigen telling HR."})
    assert response.status_code == 302
    response = post_form(client, url, {"year": str(LAST_YEAR), "quarter": "", "target": "",
                                       "realised": "14", "source": "sector_monitor", "note": "Na de sectormonitor."})
    assert response.status_code == 302
    html = page(client, f"/voortgang/organisaties/{org.slug}")
    rows = table(html, "year-table")
    assert rows[1][:4] == [str(LAST_YEAR), "20", "14", "70%"]  # target from the first, realised corrected
    assert "gecorrigeerd" in html and "Na de sectormonitor." in html and "Eigen telling HR." in html
    assert "Carla Coördinator" in html  # own organisation sees who recorded
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressRecord)) == 2


def test_the_whole_year_counts_before_quarters_and_target_and_realised_may_come_from_different_records(
        app, create_org, create_user, report):
    org = create_org()
    user = create_user(org=org)
    report(org, user, LAST_YEAR, target=40)  # January: the target for the year
    report(org, user, LAST_YEAR, realised=10, quarter=1)
    report(org, user, LAST_YEAR, realised=25, quarter=3)
    report(org, user, LAST_YEAR, realised=18, quarter=2)  # recorded late, but an earlier quarter
    by_year, quarters = figures.organisation(org.id)
    assert (by_year[LAST_YEAR].target, by_year[LAST_YEAR].realised, quarters[LAST_YEAR]) == (40, 25, 3)
    report(org, user, LAST_YEAR, realised=31)  # the year's final count
    by_year, quarters = figures.organisation(org.id)
    assert (by_year[LAST_YEAR].target, by_year[LAST_YEAR].realised, quarters[LAST_YEAR]) == (40, 31, None)


def test_a_member_records_only_when_the_organisation_lets_members(client, auth, create_org, create_user):
    org = create_org()
    coordinator = create_user(role=Role.COORDINATOR, org=org)
    member = create_user(org=org)
    auth.login(member.email)
    assert client.get(f"/voortgang/organisaties/{org.slug}/invoeren").status_code == 403
    assert "alleen de coördinatoren" in page(client, f"/voortgang/organisaties/{org.slug}")
    auth.logout()
    auth.login(coordinator.email)
    assert post_form(client, f"/voortgang/organisaties/{org.slug}/instellingen",
                     {"recorders": "members"}).status_code == 302
    auth.logout()
    auth.login(member.email)
    assert client.get(f"/voortgang/organisaties/{org.slug}/invoeren").status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    ({"year": "", "realised": "3"}, "Vul het jaar in waarover de cijfers gaan."),
    ({"realised": "-3"}, "Vul een getal van 0 of meer in."),
    ({"year": str(local_today().year + 2), "target": "3"}, "Kies uiterlijk volgend jaar"),
    ({"year": str(local_today().year + 1), "realised": "3"}, "Deze periode is nog niet begonnen"),
    ({"target": "", "realised": ""}, "Vul de taakstelling, het aantal gerealiseerde banen of allebei in."),
])
def test_bad_figures_get_a_dutch_message_and_keep_what_was_typed(client, auth, create_org, create_user, data,
                                                                  message):
    org = create_org()
    auth.login(create_user(role=Role.COORDINATOR, org=org).email)
    form = {"year": str(LAST_YEAR), "quarter": "", "target": "", "realised": "", "source": "uwv",
            "note": "Geteld door P&O"} | data
    response = post_form(client, f"/voortgang/organisaties/{org.slug}/invoeren", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert "Geteld door P&amp;O" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressRecord)) == 0


# --- hidden figures ---------------------------------------------------------------------------------

def _numbers_shown(client, urls):
    """Everything a reader can read on these pages and CSV downloads, as one text."""
    texts = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        if response.mimetype == "text/html":  # what is read, not the markup (a CSRF token may hold "9.1")
            texts.append(lxml.html.fromstring(response.get_data(as_text=True)).text_content())
        else:
            texts.append(response.get_data().decode("utf-8-sig"))
    return "\n".join(texts)


def _network(create_org, create_user, create_circle, add_member, report, names, municipality="Apeldoorn"):
    """Water boards in one region and one circle (no other organisation shares their sector)."""
    orgs, users = [], []
    circle = create_circle("Waterschappen Oost", sectors=["waterschappen"], visibility="public")
    for name in names:
        org = create_org(name, sector="waterschappen", municipality=municipality)
        user = create_user(org=org)
        add_member(circle, user)
        orgs.append(org)
        users.append(user)
    return orgs, users, circle


def _all_urls(orgs, circle):
    region = orgs[0].region.code
    urls = ["/", "/voortgang", f"/voortgang?jaar={LAST_YEAR}", "/voortgang/landelijk.csv",
            f"/voortgang/sectoren.csv?jaar={LAST_YEAR}", f"/voortgang/regios.csv?jaar={LAST_YEAR}",
            "/voortgang/sectoren/waterschappen", "/voortgang/sectoren/waterschappen.csv",
            f"/voortgang/regios/{region}", f"/voortgang/regios/{region}.csv",
            f"/voortgang/leercirkels/{circle.slug}", f"/voortgang/leercirkels/{circle.slug}/jaren.csv",
            f"/voortgang/leercirkels/{circle.slug}/organisaties.csv?jaar={LAST_YEAR}",
            f"/leercirkels/{circle.slug}", "/sectoren/waterschappen"]
    for org in orgs:
        urls += [f"/voortgang/organisaties/{org.slug}", f"/voortgang/organisaties/{org.slug}.csv",
                 f"/organisaties/{org.slug}"]
    return urls


def test_four_organisations_one_hidden_no_page_lets_anyone_derive_the_hidden_figures(
        client, auth, create_org, create_user, create_circle, add_member, report, hide):
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap A", "Waterschap B", "Waterschap C", "Waterschap Verborgen"])
    for org, user, (target, realised) in zip(orgs, users, [(20, 11), (22, 13), (24, 17), (9.1, 7.3)], strict=True):
        report(org, user, LAST_YEAR, target=target, realised=realised)
    hide(orgs[3])
    outsider = create_user(name="Buitenstaander")
    for who in (None, outsider, users[0]):
        if who is not None:
            auth.login(who.email)
        shown = _numbers_shown(client, _all_urls(orgs, circle))
        for hidden_value in ("9,1", "7,3", "75,1", "48,3", "9.1", "7.3", "75.1", "48.3"):
            assert hidden_value not in shown, (who, hidden_value)
        assert "66" in shown and "41" in shown  # the visible totals are there
        assert "cijfers verborgen" in shown and "telt hier niet mee" in shown
        if who is not None:
            auth.logout()
    # its own people still see their figures
    auth.login(users[3].email)
    assert "7,3" in page(client, f"/voortgang/organisaties/{orgs[3].slug}")


def test_hidden_figures_count_in_a_sector_total_of_five_with_at_least_three_hidden(
        client, create_org, create_user, create_circle, add_member, report, hide):
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   [f"Waterschap {n}" for n in "ABCDE"])
    for org, user, realised in zip(orgs, users, (10, 20, 30, 40, 50), strict=True):
        report(org, user, LAST_YEAR, target=60, realised=realised)
    hide(orgs[4])  # five organisations, one hidden: its figure would be total minus the four visible ones
    rows = table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")
    assert rows[1][2] == "100" and "1 organisatie met verborgen cijfers telt hier niet mee" in rows[1][6]
    hide(orgs[3])  # two hidden: either one could subtract its own figure
    rows = table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")
    assert rows[1][2] == "60"
    hide(orgs[2])  # three hidden among five: they count, together
    html = page(client, "/voortgang/sectoren/waterschappen")
    rows = table(html, "year-table")
    assert rows[1][1:3] == ["300", "150"] and rows[1][5] == "5"
    assert "3 organisaties met verborgen cijfers tellen mee" in rows[1][6]
    # the national figure is the sum of the sector figures as shown; region and circle totals stay visible-only
    national = table(page(client, "/voortgang"), "national-table")
    assert national[1][2] == "150"
    region = table(page(client, f"/voortgang/regios/{orgs[0].region.code}"), "year-table")
    assert region[1][2] == "30" and "3 organisaties met verborgen cijfers tellen hier niet mee" in region[1][6]
    circle_rows = table(page(client, f"/voortgang/leercirkels/{circle.slug}"), "member-table")
    assert [r[5] for r in circle_rows[1:]].count("cijfers verborgen") == 3


def test_hidden_organisations_with_only_a_target_do_not_shield_one_realised_number(
        client, create_org, create_user, create_circle, add_member, report, hide):
    """Three hidden among five, but only one of them gave a realised number: the realised total minus the visible
    ones would be that one organisation's. The rule holds for the target and the realised number each."""
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   [f"Waterschap {n}" for n in "ABCDE"])
    for org, user, realised in zip(orgs, users, (10, 20, None, None, 7.3), strict=True):
        report(org, user, LAST_YEAR, target=60, realised=realised)
    for org in orgs[2:]:
        hide(org)
    shown = _numbers_shown(client, _all_urls(orgs, circle))
    for hidden_value in ("7,3", "37,3", "7.3", "37.3"):
        assert hidden_value not in shown, hidden_value
    rows = table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")
    assert rows[1][1:3] == ["120", "30"]
    assert "3 organisaties met verborgen cijfers tellen hier niet mee" in rows[1][6]
    report(orgs[2], users[2], LAST_YEAR, realised=4)  # a second hidden realised number: either could subtract
    assert table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")[1][2] == "30"
    report(orgs[3], users[3], LAST_YEAR, realised=5)  # three hidden realised numbers: they count, together
    rows = table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")
    assert rows[1][1:3] == ["300", "46,3"] and "3 organisaties met verborgen cijfers tellen mee" in rows[1][6]


def test_the_national_figures_change_as_soon_as_a_coordinator_records_new_ones(client, create_org, create_user,
                                                                              report):
    org = create_org("Waterschap Noord", sector="waterschappen")
    user = create_user(org=org)
    report(org, user, LAST_YEAR, target=10, realised=4)
    before = table(page(client, "/voortgang"), "national-table")
    assert before[1][2] == "4"
    report(org, user, LAST_YEAR, target=10, realised=7)
    assert table(page(client, "/voortgang"), "national-table")[1][2] == "7"


def test_a_circles_totals_follow_new_figures_and_a_new_member_at_once(client, create_org, create_user,
                                                                      create_circle, add_member, report):
    """The circle's totals are kept for a while (core.cache): new figures and a new member organisation show on
    the next visit all the same."""
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap Noord"])
    report(orgs[0], users[0], LAST_YEAR, target=10, realised=4)
    url = f"/voortgang/leercirkels/{circle.slug}"
    realised = lambda: table(page(client, url), "year-table")[-1][2]  # noqa: E731
    assert realised() == "4"
    report(orgs[0], users[0], LAST_YEAR, target=10, realised=6)
    assert realised() == "6"
    newcomer = create_org("Waterschap Zuid", sector="waterschappen", municipality="Apeldoorn")
    person = create_user(org=newcomer)
    report(newcomer, person, LAST_YEAR, target=5, realised=3)
    assert realised() == "6"  # not a member yet
    add_member(circle, person)
    assert realised() == "9"


# --- charts, tables and CSV files ---------------------------------------------------------------------

def test_charts_tables_and_csv_files_carry_the_same_numbers(client, create_org, create_user, create_circle,
                                                           add_member, report, make_package):
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap Noord", "Waterschap Zuid"])
    for n, year in enumerate(range(LAST_YEAR - 3, LAST_YEAR + 1)):
        report(orgs[0], users[0], year, target=20 + n, realised=Decimal("10.5") + n)
        report(orgs[1], users[1], year, target=1200 + n, realised=900 + 3 * n)
    source = make_package(title="Medewerker groenonderhoud")
    adoption = package_services.adopt(source, users[0])
    package_services.report_in_use(adoption, users[0], 2)
    db.session.commit()
    for url, chart_id, table_id, csv_url in [
        ("/voortgang/sectoren/waterschappen", "chart-sector", "year-table", "/voortgang/sectoren/waterschappen.csv"),
        ("/voortgang", "chart-national", "national-table", "/voortgang/landelijk.csv"),
        (f"/voortgang/leercirkels/{circle.slug}", "chart-circle", "year-table",
         f"/voortgang/leercirkels/{circle.slug}/jaren.csv"),
        (f"/voortgang/organisaties/{orgs[0].slug}", "chart-organisation", "year-table",
         f"/voortgang/organisaties/{orgs[0].slug}.csv"),
    ]:
        html = page(client, url)
        bars = chart_values(html, chart_id)
        rows = table(html, table_id)
        assert rows[0][:3] == ["Jaar", "Taakstelling", "Gerealiseerd"]
        assert len(rows) > 4
        for row in rows[1:]:
            year = int(row[0])
            assert bars.get(("target", year), "") == row[1], (url, year)
            assert bars.get(("realised", year), "") == row[2], (url, year)
            assert bars.get(("adopted_jobs", year), "") == row[4], (url, year)
        assert any(row[4] == "2" for row in rows[1:]) or "organisaties" in url  # the adoption is beside them
        downloaded = csv_rows(client, csv_url)
        assert downloaded[0] == rows[0]
        assert len(downloaded) == len(rows)
        for shown, row in zip(rows[1:], downloaded[1:], strict=True):
            # the CSV writes numbers without thousands separators, for spreadsheets
            assert [c.replace(".", "") for c in shown] == row, url
    sector_rows = table(page(client, "/voortgang/sectoren/waterschappen"), "year-table")
    assert next(r for r in sector_rows if r[0] == str(LAST_YEAR))[1:3] == ["1.226", "922,5"]


def test_every_other_table_and_its_csv_download_carry_the_same_rows(client, create_org, create_user, create_circle,
                                                                   add_member, report, hide):
    """The tables without a chart (sectors and regions in one year, a circle's organisations) and the region page:
    the download parses and has the page's rows, numbers without thousands separators."""
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap Noord", "Waterschap Zuid", "Waterschap Verborgen"])
    for org, user, (target, realised) in zip(orgs, users, [(1200, 922.5), (30, 12), (8, 5)], strict=True):
        report(org, user, LAST_YEAR, target=target, realised=realised)
    report(orgs[1], users[1], LAST_YEAR, realised=14, quarter=3)
    hide(orgs[2])
    region = orgs[0].region.code
    for url, table_id, csv_url in [
        (f"/voortgang?jaar={LAST_YEAR}", "sector-table", f"/voortgang/sectoren.csv?jaar={LAST_YEAR}"),
        (f"/voortgang?jaar={LAST_YEAR}", "region-table", f"/voortgang/regios.csv?jaar={LAST_YEAR}"),
        (f"/voortgang/regios/{region}", "year-table", f"/voortgang/regios/{region}.csv"),
        (f"/voortgang/leercirkels/{circle.slug}?jaar={LAST_YEAR}", "member-table",
         f"/voortgang/leercirkels/{circle.slug}/organisaties.csv?jaar={LAST_YEAR}"),
    ]:
        rows = table(page(client, url), table_id)
        downloaded = csv_rows(client, csv_url)
        assert downloaded[0] == rows[0], url
        assert [[c.replace(".", "") for c in row] for row in rows[1:]] == downloaded[1:], url
        assert any("1.2" in cell for row in rows[1:] for cell in row), url  # the figures are in it
    members = {row[0]: row for row in csv_rows(client, f"/voortgang/leercirkels/{circle.slug}/organisaties.csv"
                                                       f"?jaar={LAST_YEAR}")[1:]}
    assert members["Waterschap Noord"][2:4] == ["1200", "922,5"]
    assert members["Waterschap Verborgen"][2:] == ["", "", "", "cijfers verborgen"]


def test_the_svg_chart_is_described_and_not_by_colour_alone(client, create_org, create_user, report):
    org = create_org(sector="waterschappen")
    report(org, create_user(org=org), LAST_YEAR, target=20, realised=15)
    doc = lxml.html.fromstring(page(client, "/voortgang/sectoren/waterschappen"))
    svg = doc.xpath('//svg[@role="img"]')[0]
    title, desc = (doc.get_element_by_id(i) for i in svg.get("aria-labelledby").split())
    assert "Waterschappen" in title.text_content() or "waterschappen" in title.text_content().lower()
    assert f"In {LAST_YEAR}: 15 van de 20 banen gerealiseerd (75%)" in desc.text_content()
    fills = {r.get("fill") for r in svg.xpath(".//rect[@height]") if float(r.get("height")) > 0}
    assert any(f.startswith("url(#") for f in fills) and "#154273" in fills  # a pattern beside the solid fill
    legend = [li.text_content().strip() for li in doc.xpath('//ul[@class="chart-legend"]/li')]
    assert legend == ["Taakstelling", "Gerealiseerd", "Via overgenomen werkpakketten"]


# --- the blocks on other pages --------------------------------------------------------------------------

def test_home_circle_and_organisation_pages_show_progress_at_a_glance(client, auth, create_org, create_user,
                                                                      create_circle, add_member, report):
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap Rivierenland", "Waterschap Zuiderzeeland"])
    report(orgs[0], users[0], LAST_YEAR, target=10, realised=8)
    report(orgs[1], users[1], LAST_YEAR, target=30, realised=16)
    report(orgs[1], users[1], LAST_YEAR + 1, realised=3, quarter=1)  # this year, under way: not "the latest"
    circle_page = page(client, f"/leercirkels/{circle.slug}")
    assert f"In {LAST_YEAR} realiseerden de organisaties in deze leercirkel samen 24 van de 40 banen (60%)" in \
        circle_page
    home = page(client, "/")
    assert f"In {LAST_YEAR} realiseerden de organisaties op dit platform samen 24 van de 40 banen" in home
    auth.login(users[0].email)
    home = page(client, "/")
    assert "In uw sector, Waterschappen: 24 van de 40 banen (60%)" in home
    assert f'href="/voortgang/organisaties/{orgs[0].slug}"' in page(client, f"/organisaties/{orgs[0].slug}")
    sector_page = page(client, "/sectoren/waterschappen")
    assert f"In {LAST_YEAR} realiseerden de organisaties in deze sector samen 24 van de 40 banen (60%)." in sector_page
    assert 'href="/voortgang/sectoren/waterschappen"' in sector_page
    for url in ("/voortgang", "/voortgang/sectoren/waterschappen", f"/voortgang/leercirkels/{circle.slug}",
                f"/voortgang/organisaties/{orgs[0].slug}"):  # self-reported, and said so
        assert "De cijfers zijn door de organisaties zelf opgegeven en niet gecontroleerd." in page(client, url), url


def test_home_and_circle_pages_show_the_most_recognised_signals(client, auth, create_org, create_user,
                                                                create_circle, add_member, report):
    """The circle page shows the open signals of its sectors (and those of every sector), most recognised first;
    the home page those of the whole platform."""
    orgs, users, circle = _network(create_org, create_user, create_circle, add_member, report,
                                   ["Waterschap Rivierenland", "Waterschap Zuiderzeeland"])
    others = [create_user() for _ in range(3)]
    made = {}
    for title, sector, recognisers in [("Maaiwerk is uitbesteed", "waterschappen", others[:1]),
                                       ("Regels voor detachering onduidelijk", None, others[:2]),
                                       ("Krimp op scholen", "vo", others)]:
        made[title] = signals.report_signal(users[0], title=title, category="overig", description="Wat er speelt.",
                                            sector_code=sector)
        for person in recognisers:
            signals.recognise(person, made[title])
    db.session.commit()
    auth.login(users[1].email)
    circle_page = page(client, f"/leercirkels/{circle.slug}")
    assert "Knelpunten uit de praktijk" in circle_page and "Krimp op scholen" not in circle_page
    assert circle_page.index("Regels voor detachering onduidelijk") < circle_page.index("Maaiwerk is uitbesteed")
    home = page(client, "/")
    assert home.index("Krimp op scholen") < home.index("Regels voor detachering") < home.index("Maaiwerk")
    assert f'href="/signalen/{made["Krimp op scholen"].id}"' in home


def test_demo_figures_are_added_once_and_some_are_hidden(app):
    from circles.demo import seed_demo
    from circles.progress.models import ProgressSettings

    first = seed_demo()
    assert first["progress records"] > 50
    assert seed_demo()["progress records"] == 0
    hidden = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressSettings)
                               .where(ProgressSettings.hidden.is_(True)))
    assert hidden >= 4
    gemeenten = figures.series(figures.sector("gemeenten"))
    assert len(gemeenten) >= 5 and any(f.hidden_counted for f in gemeenten)
