"""Circles over HTTP, as members and coordinators use them."""

import re

import sqlalchemy as sa

from circles.accounts.models import Role
from circles.core.db import db
from circles.groups.models import Circle, CircleRole, Invitation, Membership, MembershipState
from tests.conftest import PASSWORD, post_form, statements_before_and_after


def test_list_groups_circles_by_sector_and_shows_counts_and_regions(client, create_circle, create_user, add_member):
    rijnmond = create_circle("Gemeenten Rijnmond", regions=["AM22"], visibility="public")
    add_member(rijnmond, create_user())
    create_circle("Scholen landelijk", sectors=["vo"], visibility="public")
    html = client.get("/leercirkels").get_data(as_text=True).split("leercirkels gevonden", 1)[1]
    assert html.index("Gemeenten") < html.index("Gemeenten Rijnmond") < html.index("Voortgezet onderwijs")
    assert "2 leden" in html and "Rijnmond" in html and "Landelijk" in html


def test_filter_by_sector_region_my_region_and_name(client, login_as, create_circle, create_org):
    create_circle("Rijnmond", regions=["AM22"])
    create_circle("Twente", regions=["AM05"])
    create_circle("Scholen", sectors=["vo"])
    login_as(org=create_org(municipality="Enschede"))
    names = lambda html: set(re.findall(r'card__title[^>]*><a[^>]*>([^<]+)<', html))  # noqa: E731
    assert names(client.get("/leercirkels?sector=vo").get_data(as_text=True)) == {"Scholen"}
    assert names(client.get("/leercirkels?regio=AM22").get_data(as_text=True)) == {"Rijnmond", "Scholen"}
    assert names(client.get("/leercirkels?regio=mijn").get_data(as_text=True)) == {"Twente", "Scholen"}
    assert names(client.get("/leercirkels?q=twen").get_data(as_text=True)) == {"Twente"}


def test_unknown_filter_values_are_ignored_with_a_message(client, create_circle):
    create_circle("Openbaar", visibility="public")
    response = client.get("/leercirkels?sector=bestaat-niet&regio=AM99&q=" + "x" * 500)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De gekozen sector bestaat niet" in html and "De gekozen regio bestaat niet" in html


def test_sector_page_and_unknown_sector(client, create_circle, create_org):
    create_circle("Waterschappen samen", sectors=["waterschappen"], visibility="public")
    create_org("Waterschap Aa en Maas", sector="waterschappen", municipality="'s-Hertogenbosch")
    html = client.get("/sectoren/waterschappen").get_data(as_text=True)
    assert "Waterschappen samen" in html and "Waterschap Aa en Maas" in html
    # the browser tab shows the sector's name, not the markup of the blocks other features add to the page
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Waterschappen") and "<" not in title
    assert client.get("/sectoren/bestaat-niet").status_code == 404


def test_listing_runs_a_fixed_number_of_queries(client, login_as, create_circle, create_user, add_member,
                                                count_queries):
    user = login_as()

    def queries_for(n_circles: int) -> int:
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Circle))
        for i in range(existing, n_circles):
            circle = create_circle(f"Cirkel {i:03d}", regions=["AM22", "AM05"], sectors=["gemeenten", "po"])
            add_member(circle, create_user())
            if i % 2:
                add_member(circle, user)
        with count_queries() as counted:
            assert client.get("/leercirkels").status_code == 200
        return len(counted)

    assert queries_for(5) == queries_for(50)


def test_directory_runs_a_fixed_number_of_queries(client, login_as, create_user, count_queries):
    login_as()
    for _ in range(3):
        create_user()
    with count_queries() as few:
        client.get("/leden")
    for _ in range(25):
        create_user()
    with count_queries() as many:
        client.get("/leden")
    assert len(few) == len(many)


def test_join_an_open_circle(client, login_as, create_circle):
    circle = create_circle("Open cirkel", join_policy="open")
    user = login_as()
    response = post_form(client, f"/leercirkels/{circle.slug}/meedoen", {}, page=f"/leercirkels/{circle.slug}")
    assert response.status_code == 302
    html = client.get(f"/leercirkels/{circle.slug}").get_data(as_text=True)
    assert "U doet nu mee in Open cirkel" in html and user.name in html
    # a second join is a clear 409
    again = post_form(client, f"/leercirkels/{circle.slug}/meedoen", {}, page="/leercirkels")
    assert again.status_code == 409 and "U bent al lid" in again.get_data(as_text=True)


def test_request_approve_and_the_requester_is_told(client, auth, create_circle, create_user, mailbox):
    coordinator = create_user(role=Role.COORDINATOR, email="coord@example.org")
    circle = create_circle("Op aanvraag", coordinator=coordinator)
    requester = create_user(email="vraag@example.org", name="Vera Vraag")
    auth.login(requester.email)
    response = post_form(client, f"/leercirkels/{circle.slug}/meedoen", {"motivation": "Wij hebben ervaring."})
    assert response.status_code == 302
    [to_coordinator] = mailbox.to("coord@example.org")
    assert "Vera Vraag" in mailbox.text(to_coordinator) and "Wij hebben ervaring." in mailbox.text(to_coordinator)
    auth.logout()
    auth.login(coordinator.email)
    manage = client.get(f"/leercirkels/{circle.slug}/beheer").get_data(as_text=True)
    assert "Vera Vraag" in manage and "Wij hebben ervaring." in manage
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == requester.id))
    url = f"/leercirkels/{circle.slug}/aanvragen/{membership.id}/goedkeuren"
    assert post_form(client, url, {}, page=f"/leercirkels/{circle.slug}/beheer").status_code == 302
    [decision] = mailbox.to("vraag@example.org")
    assert "U doet nu mee in Op aanvraag" in mailbox.text(decision)
    # approving twice is refused
    twice = post_form(client, url, {}, page=f"/leercirkels/{circle.slug}/beheer")
    assert twice.status_code == 409 and "al beslist" in twice.get_data(as_text=True)


def test_decline_with_reason(client, login_as, create_circle, create_user, add_member, mailbox):
    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    requester = create_user(email="nee@example.org")
    membership_id = add_member(circle, requester, state=MembershipState.PENDING).id
    response = post_form(client, f"/leercirkels/{circle.slug}/aanvragen/{membership_id}/afwijzen",
                         {"reason": "Deze cirkel is alleen voor gemeenten."}, page=f"/leercirkels/{circle.slug}/beheer")
    assert response.status_code == 302
    [msg] = mailbox.to("nee@example.org")
    assert "niet goedgekeurd" in mailbox.text(msg) and "alleen voor gemeenten" in mailbox.text(msg)
    assert db.session.get(Membership, membership_id) is None


def test_forged_membership_id_of_another_circle_gets_404(client, login_as, create_circle, create_user, add_member):
    coordinator = login_as(Role.COORDINATOR)
    mine = create_circle(coordinator=coordinator)
    theirs = create_circle()
    foreign = add_member(theirs, create_user(), state=MembershipState.PENDING)
    for action in ("aanvragen/{id}/goedkeuren", "aanvragen/{id}/afwijzen", "leden/{id}/verwijderen", "leden/{id}/rol"):
        url = f"/leercirkels/{mine.slug}/" + action.format(id=foreign.id)
        assert post_form(client, url, {"role": "member"}, page="/").status_code == 404, url
    assert post_form(client, f"/leercirkels/{mine.slug}/aanvragen/999999/goedkeuren", {}, page="/").status_code == 404
    assert db.session.get(Membership, foreign.id).state == MembershipState.PENDING


def test_coordinator_appoints_a_co_coordinator_and_the_last_one_cannot_leave(client, login_as, create_circle,
                                                                            create_user, add_member):
    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    own = db.session.scalar(sa.select(Membership).where(Membership.user_id == coordinator.id))
    leave = post_form(client, f"/leercirkels/{circle.slug}/verlaten", {}, page=f"/leercirkels/{circle.slug}")
    assert leave.status_code == 409 and "minstens één coördinator" in leave.get_data(as_text=True)
    other = add_member(circle, create_user(name="Co Coördinator"))
    response = post_form(client, f"/leercirkels/{circle.slug}/leden/{other.id}/rol", {"role": "coordinator"},
                         page=f"/leercirkels/{circle.slug}/beheer")
    assert response.status_code == 302
    bad = post_form(client, f"/leercirkels/{circle.slug}/leden/{own.id}/rol", {"role": "keizer"},
                    page=f"/leercirkels/{circle.slug}/beheer")
    assert bad.status_code == 422
    assert post_form(client, f"/leercirkels/{circle.slug}/verlaten", {},
                     page=f"/leercirkels/{circle.slug}").status_code == 302
    db.session.refresh(other)
    assert other.role == "coordinator"


def test_circle_log_shows_who_did_what(client, login_as, create_circle, create_user, add_member):
    coordinator = login_as(Role.COORDINATOR, name="Cora Coördinator")
    circle = create_circle(coordinator=coordinator)
    member = add_member(circle, create_user(name="Mo Lid"))
    post_form(client, f"/leercirkels/{circle.slug}/leden/{member.id}/verwijderen", {},
              page=f"/leercirkels/{circle.slug}/beheer")
    html = client.get(f"/leercirkels/{circle.slug}/logboek").get_data(as_text=True)
    assert "Cora Coördinator heeft uit de leercirkel gehaald: Mo Lid" in html


def test_invited_person_without_account_registers_and_lands_in_the_circle(client, login_as, auth, create_circle,
                                                                         mailbox):
    from circles.reference.models import Municipality

    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle("Besloten kring", coordinator=coordinator, visibility="circle", join_policy="invitation")
    response = post_form(client, f"/leercirkels/{circle.slug}/uitnodigen", {"email": "gast@example.org"},
                         page=f"/leercirkels/{circle.slug}/beheer")
    assert response.status_code == 302
    [msg] = mailbox.to("gast@example.org")
    link = next(u for u in mailbox.links(msg) if "/uitnodiging/" in u)
    path = re.sub(r"^https?://[^/]+", "", link)
    auth.logout()
    page = client.get(path).get_data(as_text=True)
    assert "Besloten kring" in page and "Account aanmaken" in page
    register = f"/account/registreren?next={path}"
    mid = str(db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Delft")))
    response = post_form(client, register, {"name": "Gast Nieuw", "email": "gast@example.org", "function": "",
                                            "organisation": "Gemeente Delft", "sector": "gemeenten",
                                            "municipality": mid, "password": PASSWORD, "confirm": PASSWORD})
    assert response.headers["Location"] == path
    assert post_form(client, path, {}).headers["Location"] == f"/leercirkels/{circle.slug}"
    assert "Welkom in Besloten kring" in client.get(f"/leercirkels/{circle.slug}").get_data(as_text=True)
    # the link works once
    assert client.get(path).status_code == 410


def test_revoked_expired_and_unknown_invitations(client, login_as, create_circle):
    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator, join_policy="invitation")
    post_form(client, f"/leercirkels/{circle.slug}/uitnodigen", {"email": "x@example.org"},
              page=f"/leercirkels/{circle.slug}/beheer")
    invitation = db.session.scalar(sa.select(Invitation))
    response = post_form(client, f"/leercirkels/{circle.slug}/uitnodigingen/{invitation.id}/intrekken", {},
                         page=f"/leercirkels/{circle.slug}/beheer")
    assert response.status_code == 302
    again = post_form(client, f"/leercirkels/{circle.slug}/uitnodigingen/{invitation.id}/intrekken", {},
                      page=f"/leercirkels/{circle.slug}/beheer")
    assert again.status_code == 409
    assert client.get("/uitnodiging/" + "a" * 43).status_code == 404
    assert client.get("/uitnodiging/" + "a" * 500).status_code == 404


def test_invite_with_a_bad_address_keeps_the_text(client, login_as, create_circle):
    coordinator = login_as(Role.COORDINATOR)
    circle = create_circle(coordinator=coordinator)
    response = post_form(client, f"/leercirkels/{circle.slug}/uitnodigen", {"email": "geen adres"},
                         page=f"/leercirkels/{circle.slug}/beheer")
    assert response.status_code == 422
    assert 'value="geen adres"' in response.get_data(as_text=True)


def test_coordinator_creates_and_edits_a_circle(client, login_as):
    login_as(Role.COORDINATOR)
    response = post_form(client, "/leercirkels/nieuw", {
        "name": "Nieuwe cirkel", "description": "Over *ons*", "goals": "", "sectors": ["po", "vo"],
        "regions": ["AM22"], "visibility": "public", "join_policy": "open"})
    assert response.status_code == 302
    circle = db.session.scalar(sa.select(Circle).where(Circle.name == "Nieuwe cirkel"))
    assert [s.code for s in circle.sectors] == ["po", "vo"] and [r.code for r in circle.regions] == ["AM22"]
    assert "<em>ons</em>" in client.get(f"/leercirkels/{circle.slug}").get_data(as_text=True)
    bad = post_form(client, f"/leercirkels/{circle.slug}/bewerken", {
        "name": "Andere naam", "description": "", "goals": "", "sectors": [], "visibility": "galaxy",
        "join_policy": "open", "status": "active"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Kies minstens één sector." in html and 'value="Andere naam"' in html
    ok = post_form(client, f"/leercirkels/{circle.slug}/bewerken", {
        "name": "Andere naam", "description": "", "goals": "", "sectors": ["po"], "visibility": "platform",
        "join_policy": "request", "status": "archived"})
    assert ok.status_code == 302
    db.session.refresh(circle)
    assert (circle.name, circle.status, circle.visibility) == ("Andere naam", "archived", "platform")


def test_markdown_in_circle_description_is_sanitised(client, create_circle):
    circle = create_circle(visibility="public", description='<script>alert(1)</script> [x](javascript:alert(1))')
    html = client.get(f"/leercirkels/{circle.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_private_circle_never_leaks(client, login_as, create_circle, create_user, add_member):
    private = create_circle("Geheime Kring", visibility="circle", join_policy="invitation")
    insider = create_user(name="Ingewijde Persoon")
    add_member(private, insider)
    outsider = login_as()
    assert outsider
    for url in ("/leercirkels", "/leercirkels?q=Geheime", "/sectoren/gemeenten", f"/leden/{insider.id}",
                f"/leden?leercirkel={private.slug}", "/leden"):
        assert "Geheime Kring" not in client.get(url).get_data(as_text=True), url
    for url in (f"/leercirkels/{private.slug}", f"/leercirkels/{private.slug}/beheer",
                f"/leercirkels/{private.slug}/logboek", f"/leercirkels/{private.slug}/meedoen"):
        assert client.get(url).status_code == 404, url
    # the circle filter of the directory ignores a circle the reader may not see
    html = client.get(f"/leden?leercirkel={private.slug}").get_data(as_text=True)
    assert "Ingewijde Persoon" in html  # the person is a platform member, listed without the circle


def test_member_profile_hides_email_unless_chosen(client, login_as, create_user):
    hidden = create_user(email="verborgen@example.org")
    shown = create_user(email="zichtbaar@example.org")
    shown.show_email = True
    db.session.commit()
    login_as()
    assert "verborgen@example.org" not in client.get(f"/leden/{hidden.id}").get_data(as_text=True)
    assert "zichtbaar@example.org" in client.get(f"/leden/{shown.id}").get_data(as_text=True)
    assert client.get("/leden/999999").status_code == 404


def test_directory_needs_log_in_and_searches(client, login_as, create_user, create_org):
    assert client.get("/leden").status_code == 302
    create_user(name="Zoekbare Zoë", org=create_org("Provincie Fryslân", sector="provincies",
                                                     municipality="Leeuwarden"))
    login_as()
    for query in ("?q=zoekbare", "?organisatie=fryslân", "?sector=provincies", "?regio=AM02"):
        assert "Zoekbare Zoë" in client.get("/leden" + query).get_data(as_text=True), query
    assert "Zoekbare Zoë" not in client.get("/leden?sector=po").get_data(as_text=True)


def test_notification_switches_in_the_profile(client, login_as):
    user = login_as()
    response = post_form(client, "/account/profiel", {"name": user.name, "email": user.email, "function": "",
                                                      "locale": "nl", "notifications": ["invitations"]})
    assert response.status_code == 302
    db.session.refresh(user)
    from circles.core.notifications import KINDS

    assert user.muted_notifications == sorted(set(KINDS) - {"invitations"})
    assert "join_requests" in user.muted_notifications


def test_home_page_shows_my_circles_and_waiting_requests(client, login_as, create_circle, create_user, add_member):
    coordinator = login_as(Role.COORDINATOR)
    mine = create_circle("Mijn eigen kring", coordinator=coordinator)
    create_circle("Niet de mijne")
    add_member(mine, create_user(), state=MembershipState.PENDING)
    html = client.get("/").get_data(as_text=True)
    assert "Uw leercirkels" in html and "Mijn eigen kring" in html and "Niet de mijne" not in html
    assert "1 aanvraag wacht op u" in html


def test_sector_page_runs_a_fixed_number_of_queries(client, create_circle, create_org, count_queries):
    for i in range(3):
        create_circle(f"Cirkel {i}", visibility="public")
        create_org(f"Gemeente {i}")
    with count_queries() as few:
        client.get("/sectoren/gemeenten")
    for i in range(3, 20):
        create_circle(f"Cirkel {i}", visibility="public", regions=["AM22"])
        create_org(f"Gemeente {i}")
    with count_queries() as many:
        client.get("/sectoren/gemeenten")
    assert len(few) == len(many)


def test_circle_page_runs_a_fixed_number_of_queries(client, login_as, create_circle, create_user, create_org,
                                                    add_member, count_queries):
    viewer = login_as()
    circle = create_circle("Drukke kring", visibility="platform")
    add_member(circle, viewer)

    def add(n):
        for i in range(n):
            add_member(circle, create_user(org=create_org(f"Organisatie {circle.id}-{i}-{n}")))

    few, many = statements_before_and_after(client, count_queries, f"/leercirkels/{circle.slug}",
                                            lambda n: add(3 if n == 1 else 57))  # 57: more than a page of members
    assert few == many <= 10


def test_the_edit_form_shows_the_circles_sectors_and_regions_ticked(client, login_as):
    """Saving the edit form without touching the sectors keeps them (it used to show none ticked)."""
    login_as(Role.COORDINATOR)
    post_form(client, "/leercirkels/nieuw", {
        "name": "Scholen Twente", "description": "", "goals": "", "sectors": ["po", "vo"], "regions": ["AM05"],
        "visibility": "public", "join_policy": "open"})
    circle = db.session.scalar(sa.select(Circle).where(Circle.name == "Scholen Twente"))
    html = client.get(f"/leercirkels/{circle.slug}/bewerken").get_data(as_text=True)
    ticked = set(re.findall(r'<input[^>]*checked[^>]*name="(\w+)"[^>]*value="(\w+)"'
                            r'|<input[^>]*name="(\w+)"[^>]*value="(\w+)"[^>]*checked', html))
    pairs = {(a or c, b or d) for a, b, c, d in ticked}
    assert {("sectors", "po"), ("sectors", "vo"), ("regions", "AM05")} <= pairs
    assert re.search(r'<option[^>]*selected[^>]*value="public"|<option[^>]*value="public"[^>]*selected', html)


def test_the_circle_list_comes_in_pages_of_fifty_and_keeps_the_filters(client, create_circle):
    for i in range(53):
        create_circle(f"Cirkel {i:02d}", sectors=["vo"], visibility="public")
    create_circle("Gemeentecirkel", sectors=["gemeenten"], visibility="public")
    names = lambda html: re.findall(r'card__title[^>]*><a[^>]*>([^<]+)<', html)  # noqa: E731
    first = client.get("/leercirkels?sector=vo").get_data(as_text=True)
    assert names(first) == [f"Cirkel {i:02d}" for i in range(50)]
    assert "53 leercirkels gevonden" in first and "Pagina 1 van 2" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "sector=vo" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert names(second) == ["Cirkel 50", "Cirkel 51", "Cirkel 52"]
    # a page past the end shows the last page, not an empty list
    assert names(client.get("/leercirkels?sector=vo&page=99").get_data(as_text=True)) == names(second)


def test_the_circle_page_lists_members_fifty_at_a_time_with_the_coordinators_first(client, login_as, create_circle,
                                                                                  create_user, add_member):
    """A national circle has hundreds of members: the page shows fifty, coordinators first, then by name."""
    viewer = login_as()
    boss = create_user(name="Zoë Zwart", role=Role.COORDINATOR)
    circle = create_circle("Grote kring", coordinator=boss, visibility="platform")
    for i in range(60):
        add_member(circle, create_user(name=f"Deelnemer {i:02d}"))
    add_member(circle, viewer)
    add_member(circle, create_user(name="Anna Aalders"), role=CircleRole.COORDINATOR)
    add_member(circle, create_user(name="Bert Wachter"), state=MembershipState.PENDING)
    names = lambda html: re.findall(r'/leden/\d+">([^<]+)</a>', html.split('id="members-title"')[1])  # noqa: E731

    first = client.get(f"/leercirkels/{circle.slug}").get_data(as_text=True)
    shown = names(first)
    assert shown[:2] == ["Anna Aalders", "Zoë Zwart"] and shown[2:4] == ["Deelnemer 00", "Deelnemer 01"]
    assert len(shown) == 50
    assert "<dd>63</dd>" in first and "Pagina 1 van 2" in first and "Bert Wachter" not in first
    coordinators = first.split('id="coordinators-title"')[1].split("</ul>")[0]
    assert "Anna Aalders" in coordinators and "Zoë Zwart" in coordinators and "Deelnemer 00" not in coordinators
    next_link = re.search(r'<a href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert next_link.endswith("#members-title")
    second = client.get(next_link).get_data(as_text=True)
    assert names(second) == [f"Deelnemer {i:02d}" for i in range(48, 60)] + [viewer.name]
    # the coordinators section is the same on the second page
    assert "Anna Aalders" in second.split('id="coordinators-title"')[1].split("</ul>")[0]
    # a page past the end, a 30-digit page and a word give a page of the list, never an error
    assert names(client.get(f"/leercirkels/{circle.slug}?page=99").get_data(as_text=True)) == names(second)
    for bad in ("9" * 30, "abc", "-3"):
        response = client.get(f"/leercirkels/{circle.slug}?page={bad}")
        assert response.status_code == 200 and len(names(response.get_data(as_text=True))) in (13, 50)
