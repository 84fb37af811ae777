"""Every progress page and download runs the same number of SQL queries whatever the amount of data.

A small data set (three organisations, two years) and a much larger one (fifteen more organisations over six
years, some hiding their figures, quarter records, corrections recorded by different people, adopted work
packages with jobs, signals with recognitions) must give each page the same count, for an anonymous reader
and for a logged-in member (who sees their own organisation's history with the names of who recorded it).
"""

import csv
import io
from datetime import UTC, datetime

import pytest

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.timefmt import local_today
from circles.progress.signals import services as signals
from circles.workpackages import services as packages

LAST_YEAR = local_today().year - 1


class DataSet:
    """Organisations in one circle with figures, grown in steps; ``first`` is the organisation whose pages
    are read, ``reader`` a member of it (in the circle)."""

    def __init__(self, create_org, create_user, create_circle, add_member, report, hide, make_package):
        self.create_org, self.create_user, self.add_member = create_org, create_user, add_member
        self.report, self.hide, self.make_package = report, hide, make_package
        self.circle = create_circle("Leercirkel Telwerk", visibility="public", sectors=["gemeenten"],
                                    regions=["AM13"])
        self.first = create_org("Gemeente Eerste", municipality="Utrecht")
        self.reader = create_user(name="Lezer Lid", org=self.first)
        self.first_coordinator = create_user(name="Eerste Coördinator", org=self.first, role=Role.COORDINATOR)
        add_member(self.circle, self.reader)
        self.organisations = [self.first]
        self.count = 0

    def _organisation(self, *, sector="gemeenten", municipality="Utrecht"):
        self.count += 1
        org = self.create_org(f"Organisatie {self.count:02d}", sector=sector, municipality=municipality)
        user = self.create_user(org=org, role=Role.COORDINATOR)
        self.add_member(self.circle, user)
        self.organisations.append(org)
        return org, user

    def small(self) -> None:
        """Three organisations (``first`` and two more), two whole years each."""
        for year in (LAST_YEAR - 1, LAST_YEAR):
            self.report(self.first, self.first_coordinator, year, target=10, realised=4)
        for _ in range(2):
            org, user = self._organisation()
            for year in (LAST_YEAR - 1, LAST_YEAR):
                self.report(org, user, year, target=8, realised=3.5)

    def large(self) -> None:
        """Fifteen more organisations over six years, and everything else the dashboards count."""
        years = range(LAST_YEAR - 5, LAST_YEAR + 1)
        # ``first``: more years, quarters and corrections, by the same person as in the small set (several people
        # recording: test_the_own_history_names_its_recorders_in_a_fixed_number_of_queries).
        for n, year in enumerate(years):
            self.report(self.first, self.first_coordinator, year, target=10 + n, realised=4 + n)
            self.report(self.first, self.first_coordinator, year, realised=5 + n, note="Gecorrigeerd na telling.")
        for quarter in (1, 2, 3):
            self.report(self.first, self.first_coordinator, LAST_YEAR, quarter=quarter, realised=quarter * 2)
        self.report(self.first, self.first_coordinator, LAST_YEAR + 1, quarter=1, realised=1)
        self.report(self.first, self.first_coordinator, LAST_YEAR + 2, target=30)
        sectors = ["gemeenten"] * 11 + ["vo", "vo", "waterschappen", "gemeenten"]
        places = ["Utrecht", "Amersfoort", "Rotterdam"]
        author = None
        package = None
        for i, sector in enumerate(sectors):
            org, user = self._organisation(sector=sector, municipality=places[i % len(places)])
            for n, year in enumerate(years):
                self.report(org, user, year, target=5 + i, realised=2 + n, source=("own_count", "uwv")[i % 2])
                if i % 3 == 0:
                    self.report(org, user, year, target=6 + i, realised=3 + n, source="sector_monitor")
            self.report(org, user, LAST_YEAR + 1, target=9)
            self.report(org, user, LAST_YEAR + 1, quarter=1, realised=1)
            if i in (1, 3, 5, 7):
                self.hide(org)
            if author is None:
                author = user
                package = self.make_package(title="Medewerker post", organisation=org, author=user,
                                            tasks=["Post sorteren"], sectors=["gemeenten"])
            else:
                adoption = packages.adopt(package, user)
                packages.report_in_use(adoption, user, 1 + i % 3)
                adoption.in_use_at = datetime(years[i % len(years)], 6, 1, 12, tzinfo=UTC)
                db.session.commit()
            if i % 4 == 0:
                signal = signals.report_signal(user, title=f"Knelpunt {i}", category="uitbesteding",
                                               description="Het werk is uitbesteed.", sector_code="gemeenten")
                signals.recognise(self.reader, signal, "Bij ons ook.")
                db.session.commit()
        db.session.commit()

    def urls(self) -> list[str]:
        circle, org = self.circle.slug, self.first.slug
        return [
            "/", f"/leercirkels/{circle}",
            "/voortgang", f"/voortgang?jaar={LAST_YEAR - 1}", "/voortgang/sectoren/gemeenten", "/voortgang/regios/AM13",
            f"/voortgang/leercirkels/{circle}", f"/voortgang/leercirkels/{circle}?jaar={LAST_YEAR - 1}",
            f"/voortgang/organisaties/{org}",
            "/voortgang/landelijk.csv", "/voortgang/sectoren.csv", f"/voortgang/regios.csv?jaar={LAST_YEAR}",
            "/voortgang/sectoren/gemeenten.csv", "/voortgang/regios/AM13.csv",
            f"/voortgang/leercirkels/{circle}/jaren.csv", f"/voortgang/leercirkels/{circle}/organisaties.csv",
            f"/voortgang/organisaties/{org}.csv",
        ]


@pytest.fixture
def data(create_org, create_user, create_circle, add_member, report, hide, make_package) -> DataSet:
    return DataSet(create_org, create_user, create_circle, add_member, report, hide, make_package)


def _counts(client, count_queries, urls) -> dict[str, int]:
    """Queries per URL, each page read once before it is counted (so nothing warms up during the count)."""
    counts = {}
    for url in urls:
        assert client.get(url).status_code == 200, url
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(counted)
    return counts


@pytest.mark.parametrize("cache", ["cached", "uncached"])
@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_every_progress_page_runs_a_fixed_number_of_queries(app, client, auth, count_queries, data, reader, cache):
    """Also with the totals' cache off (CACHE_SECONDS = 0): each page is read once before it is counted, so with
    the cache on, the home page and the overview would be counted from the cache and never compute a total."""
    if cache == "uncached":
        app.config["CACHE_SECONDS"] = 0
    if reader == "member":
        assert auth.login(data.reader.email).status_code == 302
    data.small()
    few = _counts(client, count_queries, data.urls())
    data.large()
    many = _counts(client, count_queries, data.urls())
    assert many == few


def test_the_larger_data_set_is_on_the_pages(client, auth, data):
    """The larger data set is what the count above ran on: hidden organisations, quarters, corrections,
    adopted packages and signals are on the pages (so no query was skipped for want of data)."""
    data.small()
    data.large()
    assert auth.login(data.reader.email).status_code == 302
    sector = client.get("/voortgang/sectoren/gemeenten").get_data(as_text=True)
    assert "organisaties met verborgen cijfers tellen mee" in sector
    circle = client.get(f"/voortgang/leercirkels/{data.circle.slug}").get_data(as_text=True)
    assert "cijfers verborgen" in circle and "organisaties met verborgen cijfers tellen hier niet mee" in circle
    own = client.get(f"/voortgang/organisaties/{data.first.slug}").get_data(as_text=True)
    assert "gecorrigeerd" in own and "kwartaal 3" in own and "Eerste Coördinator" in own
    download = client.get("/voortgang/landelijk.csv").get_data(as_text=True).lstrip("\ufeff")
    national = list(csv.reader(io.StringIO(download), delimiter=";"))
    assert any(row[4] not in ("", "0") for row in national[1:]), national
    home = client.get("/").get_data(as_text=True)
    assert "Knelpunt" in home



def test_the_own_history_names_its_recorders_in_a_fixed_number_of_queries(client, auth, count_queries, data,
                                                                          create_user, report):
    """A member sees who recorded each of their organisation's figures: one person or ten, the same count."""
    data.small()
    assert auth.login(data.reader.email).status_code == 302
    page = f"/voortgang/organisaties/{data.first.slug}"
    few = _counts(client, count_queries, [page])
    for n in range(6):
        report(data.first, create_user(name=f"Invoerder {n}", org=data.first), LAST_YEAR - 2 - n, target=5,
               realised=n)
    many = _counts(client, count_queries, [page])
    assert "Invoerder 5" in client.get(page).get_data(as_text=True)
    assert many == few
