"""Calendar files and feeds: what a calendar app receives, and who may receive it."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db, utcnow
from circles.groups.models import Membership
from circles.meetings.calendar import services as calendar
from circles.meetings.models import Answer, CalendarToken, Rsvp
from tests.conftest import post_form
from tests.meetings.conftest import in_days

AMS = ZoneInfo("Europe/Amsterdam")


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def count_tokens() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CalendarToken))


def uid(meeting) -> str:
    return f"meeting-{meeting.id}@leercirkels"


def get_ics(client, url: str, status: int = 200) -> icalendar.Calendar | None:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status != 200:
        return None
    assert response.content_type == "text/calendar; charset=utf-8"
    return parse(response.data)


@pytest.fixture
def token_of(app):
    """A fresh personal feed token for ``user`` (what the account page shows once)."""

    def make(user) -> str:
        token = calendar.new_token(user)
        db.session.commit()
        return token

    return make


# --- One meeting ---------------------------------------------------------------------------------

def test_meeting_ics_has_timezone_and_all_event_fields(client, create_circle, create_meeting):
    circle = create_circle(visibility="public")
    meeting = create_meeting(circle, title="Werkplekken aanpassen", start=datetime(2027, 3, 10, 13, 0, tzinfo=UTC))
    meeting.agenda = "1. Welkom\n2. **Jobcoaching** in de praktijk"
    meeting.online_url = "https://meet.example.org/abc"
    db.session.commit()

    response = client.get(f"/bijeenkomsten/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="bijeenkomst-{meeting.id}.ics"'
    cal = parse(response.data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN" and "PRODID" in cal
    assert "METHOD" not in cal
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Amsterdam"
    assert tz.walk("STANDARD") and tz.walk("DAYLIGHT")

    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == uid(meeting)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 10, 14, 0)  # CET: UTC+1
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2027, 3, 10, 16, 0)
    assert str(event["SUMMARY"]) == "Werkplekken aanpassen"
    assert str(event["LOCATION"]) == "Stadhuis, Coolsingel 40, Rotterdam"
    url = str(event["URL"])
    assert url.startswith("http") and url.endswith(f"/bijeenkomsten/{meeting.id}")
    description = str(event["DESCRIPTION"])
    assert "2. **Jobcoaching** in de praktijk" in description  # the Markdown as it was typed
    assert "https://meet.example.org/abc" in description and url in description
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event and "LAST-MODIFIED" in event


def test_online_meeting_has_its_link_as_location(client, create_circle, create_meeting):
    meeting = create_meeting(create_circle(visibility="public"))
    meeting.location_name = meeting.address = ""
    meeting.online_url = "https://meet.example.org/xyz"
    db.session.commit()
    (event,) = get_ics(client, f"/bijeenkomsten/{meeting.id}.ics").walk("VEVENT")
    assert str(event["LOCATION"]) == "https://meet.example.org/xyz"


def test_mail_attachment_outside_a_request_has_method_organiser_and_public_url(app, create_meeting):
    meeting = create_meeting()
    meeting.cancelled_at = utcnow()
    meeting.sequence = 2
    db.session.commit()
    cal = parse(calendar.meeting_ics(meeting, method="CANCEL"))
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert str(event["URL"]) == f"{app.config['BASE_URL']}/bijeenkomsten/{meeting.id}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(parse(calendar.meeting_ics(meeting, method="REQUEST"))["METHOD"]) == "REQUEST"


def test_vtimezone_agrees_with_zoneinfo_for_years_to_come(app):
    tz = calendar.amsterdam_vtimezone().to_tz()
    moment = datetime(2024, 1, 1, 0, 30, tzinfo=UTC)
    while moment < datetime(2045, 1, 1, tzinfo=UTC):
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(AMS).utcoffset(), moment
        moment += timedelta(hours=23)


def test_weekly_series_keeps_14_00_local_across_the_end_of_summer_time(client, create_circle, create_meeting):
    """25 October 2026 clocks go back: 14:00 in Amsterdam is 12:00 UTC before and 13:00 UTC after."""
    circle = create_circle(visibility="public")
    starts = [datetime(2026, 10, 11, 12, tzinfo=UTC), datetime(2026, 10, 18, 12, tzinfo=UTC),
              datetime(2026, 10, 25, 13, tzinfo=UTC), datetime(2026, 11, 1, 13, tzinfo=UTC)]
    series = [create_meeting(circle, start=start, title="Wekelijks overleg") for start in starts]
    for meeting in series:
        meeting.series_id = "series-1"
    db.session.commit()

    # In the feed (built directly: the HTTP feeds only go back 60 days) ...
    raw = calendar.feed_ics(series, "Wekelijks").decode()
    for day in ("20261011", "20261018", "20261025", "20261101"):
        assert f"DTSTART;TZID=Europe/Amsterdam:{day}T140000" in raw
    local = [e.decoded("DTSTART") for e in parse(raw.encode()).walk("VEVENT")]
    assert [(d.date().isoformat(), d.hour, d.minute) for d in local] == [
        ("2026-10-11", 14, 0), ("2026-10-18", 14, 0), ("2026-10-25", 14, 0), ("2026-11-01", 14, 0)]
    assert [d.astimezone(UTC) for d in local] == starts  # the same instants as stored
    # ... and in each download.
    for meeting in series:
        (event,) = get_ics(client, f"/bijeenkomsten/{meeting.id}.ics").walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event.decoded("DTSTART").hour == 14


def test_meeting_ics_of_a_circle_only_circle_is_404_for_outsiders(client, auth, create_circle, create_meeting,
                                                                   create_user, add_member):
    circle = create_circle(visibility="circle")
    meeting = create_meeting(circle)
    member, outsider = create_user(), create_user()
    add_member(circle, member)
    get_ics(client, f"/bijeenkomsten/{meeting.id}.ics", 404)  # anonymous
    auth.login(outsider.email)
    get_ics(client, f"/bijeenkomsten/{meeting.id}.ics", 404)
    auth.logout()
    auth.login(member.email)
    get_ics(client, f"/bijeenkomsten/{meeting.id}.ics")
    get_ics(client, "/bijeenkomsten/999999.ics", 404)


def test_meeting_ics_of_a_platform_circle_asks_anonymous_visitors_to_log_in(client, create_meeting):
    meeting = create_meeting()  # a platform circle
    response = client.get(f"/bijeenkomsten/{meeting.id}.ics")
    assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"]


# --- Feeds ---------------------------------------------------------------------------------------

def test_cancelled_meeting_stays_in_the_feed_with_a_higher_sequence(client, create_circle, create_meeting):
    circle = create_circle(visibility="public")
    meeting = create_meeting(circle, title="Netwerkmiddag")
    other = create_meeting(circle)
    before = events(get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics"))[uid(meeting)]
    assert int(before["SEQUENCE"]) == 0 and str(before["STATUS"]) == "CONFIRMED"

    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    db.session.commit()
    after = events(get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics"))
    assert set(after) == {uid(meeting), uid(other)}
    assert str(after[uid(meeting)]["STATUS"]) == "CANCELLED"
    assert int(after[uid(meeting)]["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "Netwerkmiddag" in str(after[uid(meeting)]["SUMMARY"])
    assert str(after[uid(other)]["STATUS"]) == "CONFIRMED"


def test_uids_are_stable_between_downloads(client, create_circle, create_meeting):
    circle = create_circle(visibility="public")
    meetings = [create_meeting(circle), create_meeting(circle)]
    first = events(get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics"))
    second = events(get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics"))
    assert set(first) == set(second) == {uid(m) for m in meetings}
    single = [str(e["UID"]) for e in get_ics(client, f"/bijeenkomsten/{meetings[0].id}.ics").walk("VEVENT")]
    assert single == [uid(meetings[0])]


def test_feed_has_one_timezone_and_a_name(client, create_circle, create_meeting):
    circle = create_circle("Banen in de zorg", visibility="public")
    create_meeting(circle)
    create_meeting(circle)
    cal = get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics")
    assert len(cal.walk("VTIMEZONE")) == 1 and len(cal.walk("VEVENT")) == 2
    assert "Banen in de zorg" in str(cal["X-WR-CALNAME"])


def test_personal_feed_works_without_a_session_and_refuses_wrong_and_revoked_tokens(
        client, create_user, create_circle, create_meeting, token_of):
    owner = create_user()
    meeting = create_meeting(create_circle())  # platform circle: any logged-in member may see it
    old = token_of(owner)
    response = client.get(f"/agenda/{old}.ics")  # no one is logged in
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=900"
    assert uid(meeting) in events(parse(response.data))
    assert "Set-Cookie" not in response.headers

    new = token_of(owner)
    assert new != old
    assert count_tokens() == 1
    wrong_token = "x" * len(old)
    wrong = client.get(f"/agenda/{wrong_token}.ics")
    revoked = client.get(f"/agenda/{old}.ics")
    assert wrong.status_code == revoked.status_code == 404
    # The same answer (but for the address echoed in the page): a revoked token looks like any wrong one.
    assert wrong.get_data(as_text=True) == revoked.get_data(as_text=True).replace(old, wrong_token)
    get_ics(client, f"/agenda/{new}.ics")


def test_only_the_hash_of_a_token_is_stored(app, create_user):
    owner = create_user()
    token = calendar.new_token(owner)
    row = db.session.scalars(sa.select(CalendarToken).where(CalendarToken.user_id == owner.id)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert calendar.user_for_token(token) == owner
    assert calendar.user_for_token("") is None and calendar.user_for_token(token + "x") is None


def test_personal_feed_never_shows_a_circle_only_circle_the_owner_is_not_in(
        client, create_user, create_circle, create_meeting, add_member, token_of):
    owner = create_user()
    platform = create_meeting(create_circle(visibility="platform"))
    mine_circle, secret_circle = create_circle(visibility="circle"), create_circle(visibility="circle")
    add_member(mine_circle, owner)
    mine = create_meeting(mine_circle)
    secret = create_meeting(secret_circle, title="Geheim overleg")
    regional_secret = create_meeting(kind="regional", invited=[secret_circle])
    regional_mine = create_meeting(kind="regional", invited=[secret_circle, mine_circle])
    token = token_of(owner)

    response = client.get(f"/agenda/{token}.ics")
    found = events(parse(response.data))
    assert set(found) == {uid(platform), uid(mine), uid(regional_mine)}
    assert b"Geheim overleg" not in response.data and secret_circle.name.encode() not in response.data
    assert uid(regional_secret) not in found

    add_member(secret_circle, owner)
    found = events(get_ics(client, f"/agenda/{token}.ics"))
    assert {uid(secret), uid(regional_secret)} <= set(found)


def test_personal_feed_drops_meetings_of_a_circle_the_owner_left_even_after_a_yes(
        client, create_user, create_circle, create_meeting, add_member, token_of):
    owner = create_user()
    circle = create_circle(visibility="circle")
    membership = add_member(circle, owner)
    meeting = create_meeting(circle)
    db.session.add(Rsvp(meeting=meeting, user=owner, answer=Answer.YES))
    db.session.commit()
    token = token_of(owner)
    assert uid(meeting) in events(get_ics(client, f"/agenda/{token}.ics"))
    db.session.delete(db.session.get(Membership, membership.id))
    db.session.commit()
    assert uid(meeting) not in events(get_ics(client, f"/agenda/{token}.ics"))


def test_personal_feed_goes_back_60_days_and_keeps_older_meetings_with_a_yes(
        client, create_user, create_circle, create_meeting, token_of):
    owner = create_user()
    circle = create_circle()
    recent = create_meeting(circle, start=in_days(-30))
    old = create_meeting(circle, start=in_days(-100))
    old_yes = create_meeting(circle, start=in_days(-100))
    old_maybe = create_meeting(circle, start=in_days(-100))
    db.session.add_all([Rsvp(meeting=old_yes, user=owner, answer=Answer.YES),
                        Rsvp(meeting=old_maybe, user=owner, answer=Answer.MAYBE)])
    db.session.commit()
    found = events(get_ics(client, f"/agenda/{token_of(owner)}.ics"))
    assert set(found) == {uid(recent), uid(old_yes)}
    assert uid(old) not in found and uid(old_maybe) not in found


def test_personal_feed_loads_in_a_fixed_number_of_queries(client, create_user, create_circle, create_meeting,
                                                           token_of, count_queries):
    owner = create_user()
    circle = create_circle()
    create_meeting(circle)
    token = token_of(owner)

    def queries() -> int:
        with count_queries() as q:
            assert client.get(f"/agenda/{token}.ics").status_code == 200
        return len(q)

    few = queries()
    for _ in range(12):
        create_meeting(circle)
    create_meeting(kind="regional", invited=[circle, create_circle()])
    assert queries() == few


def test_circle_feed_of_a_public_circle_is_open_to_anyone(client, create_circle, create_meeting):
    circle = create_circle(visibility="public")
    own = create_meeting(circle)
    regional = create_meeting(kind="regional", invited=[circle])
    elsewhere = create_meeting(create_circle(visibility="public"))
    response = client.get(f"/leercirkels/{circle.slug}/agenda.ics")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=900"
    found = events(parse(response.data))
    assert set(found) == {uid(own), uid(regional)} and uid(elsewhere) not in found
    # A wrong token does not close a public feed.
    get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics?token=fout")


def test_circle_feed_of_other_circles_needs_a_token_of_someone_who_may_see_it(
        client, create_user, create_circle, create_meeting, add_member, token_of):
    platform = create_circle(visibility="platform")
    closed = create_circle(visibility="circle")
    create_meeting(platform)
    closed_meeting = create_meeting(closed)
    member, outsider = create_user(), create_user()
    add_member(closed, member)
    member_token, outsider_token = token_of(member), token_of(outsider)

    for circle in (platform, closed):
        get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics", 404)
        get_ics(client, f"/leercirkels/{circle.slug}/agenda.ics?token=" + "x" * 43, 404)
    get_ics(client, f"/leercirkels/{platform.slug}/agenda.ics?token={outsider_token}")
    get_ics(client, f"/leercirkels/{closed.slug}/agenda.ics?token={outsider_token}", 404)
    response = client.get(f"/leercirkels/{closed.slug}/agenda.ics?token={member_token}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, max-age=900"
    assert set(events(parse(response.data))) == {uid(closed_meeting)}
    get_ics(client, "/leercirkels/bestaat-niet/agenda.ics", 404)


# --- The account page and the slots --------------------------------------------------------------

def test_account_page_explains_and_shows_a_new_link_once(client, login_as, create_circle, add_member):
    user = login_as()
    circle = create_circle("Zorg Twente", visibility="circle")
    add_member(circle, user)
    page = client.get("/account/agenda")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Abonneren vanaf internet" in html and "U heeft nog geen agenda-link" in html
    assert 'id="feed-url"' not in html and ".ics" not in html

    response = post_form(client, "/account/agenda/nieuw", {}, page="/account/agenda")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    first = re.search(r'id="feed-url" type="url" value="(http[^"]+/agenda/([^"/]+)\.ics)"', html)
    assert first, html
    assert f"/leercirkels/{circle.slug}/agenda.ics?token={first.group(2)}" in html
    assert calendar.user_for_token(first.group(2)) == user

    html = client.get("/account/agenda").get_data(as_text=True)
    assert first.group(2) not in html  # only the hash is kept: the link is shown once
    assert "de oude link niet meer" in html

    response = post_form(client, "/account/agenda/nieuw", {}, page="/account/agenda")
    second = re.search(r'/agenda/([^"/]+)\.ics', response.get_data(as_text=True)).group(1)
    assert second != first.group(2)
    get_ics(client, f"/agenda/{first.group(2)}.ics", 404)
    get_ics(client, f"/agenda/{second}.ics")


def test_account_page_and_new_link_need_a_login_and_csrf(client, login_as):
    assert client.get("/account/agenda").status_code == 302
    assert client.post("/account/agenda/nieuw").status_code in (302, 400)
    login_as()
    assert client.post("/account/agenda/nieuw").status_code == 400  # no CSRF token
    assert count_tokens() == 0


def test_circle_page_links_to_the_right_calendar(client, login_as, create_circle):
    public = create_circle(visibility="public")
    platform = create_circle(visibility="platform")
    html = client.get(f"/leercirkels/{public.slug}").get_data(as_text=True)
    assert f"/leercirkels/{public.slug}/agenda.ics" in html
    login_as(role=Role.MEMBER)
    html = client.get(f"/leercirkels/{platform.slug}").get_data(as_text=True)
    assert f"/leercirkels/{platform.slug}/agenda.ics" not in html and 'href="/account/agenda"' in html


def test_meeting_page_offers_the_ics_download(client, create_circle, create_meeting):
    meeting = create_meeting(create_circle(visibility="public"))
    html = client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    assert f'href="/bijeenkomsten/{meeting.id}.ics"' in html and "Zet in mijn agenda (.ics)" in html
