"""Minutes: revisions, stale edits refused with the editor's text kept, history, diff, restore, publishing
and who may read or write them."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from circles.accounts.models import Role
from circles.core import revisions
from circles.core.db import db
from circles.groups.models import CircleRole
from circles.meetings.minutes import services as minutes_services
from circles.meetings.models import Minutes
from tests.conftest import AuthActions, csrf_token_from

_REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')


def edit_url(meeting) -> str:
    return f"/bijeenkomsten/{meeting.id}/verslag"


def load_editor(client, meeting) -> tuple[str, str]:
    """GET the edit page as a browser would: (csrf token, revision the edit starts from)."""
    response = client.get(edit_url(meeting))
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return csrf_token_from(html), _REVISION.search(html).group(1)


def save(client, meeting, body: str):
    token, revision = load_editor(client, meeting)
    return client.post(edit_url(meeting), data={"body": body, "revision": revision, "csrf_token": token})


def client_for(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client


@pytest.fixture
def world(create_user, create_circle, add_member, create_meeting):
    """A circle with a coordinator and a plain member, and a meeting of it."""
    coordinator = create_user(role=Role.COORDINATOR, name="Cora Coördinator")
    circle = create_circle(coordinator=coordinator)
    member = create_user(name="Mark Lid")
    add_member(circle, member)
    meeting = create_meeting(circle, title="Voorjaarsbijeenkomst")
    return {"coordinator": coordinator, "member": member, "circle": circle, "meeting": meeting}


def current_minutes(meeting) -> Minutes:
    db.session.expire_all()
    return db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting.id))


def test_each_save_is_a_numbered_revision(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]

    assert save(client, meeting, "Aanwezig: tien werkgevers.").status_code == 302
    assert save(client, meeting, "Aanwezig: twaalf werkgevers.").status_code == 302

    minutes = current_minutes(meeting)
    assert minutes.revision == 2
    assert minutes.body == "Aanwezig: twaalf werkgevers."
    history = revisions.history("minutes", minutes.id)
    assert [r.number for r in history] == [2, 1]
    assert history[0].author_id == world["coordinator"].id


def test_concurrent_edit_is_refused_with_own_text_kept_and_other_version_shown(app, world, add_member, create_user):
    meeting = world["meeting"]
    second = create_user(name="Sanne Tweede")
    add_member(world["circle"], second, role=CircleRole.COORDINATOR)
    first_client, second_client = client_for(app, world["coordinator"]), client_for(app, second)
    assert save(first_client, meeting, "Begin van het verslag.").status_code == 302

    token_1, rev_1 = load_editor(first_client, meeting)
    token_2, rev_2 = load_editor(second_client, meeting)
    assert rev_1 == rev_2 == "1"
    response = first_client.post(edit_url(meeting), data={"body": "Versie van Cora.\nMet een besluit.",
                                                          "revision": rev_1, "csrf_token": token_1})
    assert response.status_code == 302
    response = second_client.post(edit_url(meeting), data={"body": "Versie van Sanne, lang getypt.",
                                                           "revision": rev_2, "csrf_token": token_2})

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft het verslag intussen opgeslagen" in html
    # Her own text is still in the editable textarea, the other version shown read-only with who.
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*Versie van Sanne, lang getypt.</textarea>', html)
    assert re.search(r"<textarea[^>]*readonly[^>]*>Versie van Cora.\nMet een besluit.</textarea>", html)
    assert "Cora Coördinator" in html
    assert current_minutes(meeting).body == "Versie van Cora.\nMet een besluit."

    # After merging she saves again from the version she was shown: that works.
    merged_rev = _REVISION.search(html).group(1)
    assert merged_rev == "2"
    response = second_client.post(edit_url(meeting), data={"body": "Samengevoegd.", "revision": merged_rev,
                                                           "csrf_token": token_2})
    assert response.status_code == 302
    assert current_minutes(meeting).revision == 3


def test_a_save_racing_past_the_check_gets_the_same_conflict(app, world, monkeypatch):
    """Two saves that both pass the revision check: the unique revision number stops the second."""
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    assert save(client, meeting, "Eerste.").status_code == 302
    token, rev = load_editor(client, meeting)
    assert save(client, meeting, "Tweede, van een ander.").status_code == 302  # revision 2 now exists
    # Simulate the race: the check still sees revision 1 as the latest.
    real_latest = revisions.latest
    monkeypatch.setattr(revisions, "latest", lambda t, i: revisions.get(t, i, 1) or real_latest(t, i))

    response = client.post(edit_url(meeting), data={"body": "Mijn tekst.", "revision": rev, "csrf_token": token})

    assert response.status_code == 409
    assert "Mijn tekst." in response.get_data(as_text=True)
    assert current_minutes(meeting).body == "Tweede, van een ander."


def test_the_unique_revision_number_refuses_a_duplicate(app, world):
    minutes_services.save_minutes(world["meeting"], world["coordinator"], "a", based_on=0)
    db.session.commit()
    minutes = current_minutes(world["meeting"])
    db.session.add(revisions.Revision(object_type="minutes", object_id=minutes.id, number=1, content={}))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_tampered_revision_field_is_a_form_error(app, world):
    client = client_for(app, world["coordinator"])
    token, _rev = load_editor(client, world["meeting"])
    response = client.post(edit_url(world["meeting"]), data={"body": "x", "revision": "abc", "csrf_token": token})
    assert response.status_code == 422
    assert "De versie ontbreekt" in response.get_data(as_text=True)


def test_history_and_diff_show_the_changed_line(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    save(client, meeting, "Opening\nWe spraken over werkplekken.\nSluiting")
    save(client, meeting, "Opening\nWe spraken over jobcoaching.\nSluiting")

    history = client.get(f"/bijeenkomsten/{meeting.id}/verslag/geschiedenis").get_data(as_text=True)
    assert "Versie 2" in history and "Versie 1" in history
    assert history.count("Cora Coördinator") >= 2

    response = client.get(f"/bijeenkomsten/{meeting.id}/verslag/versies/2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<ins><span class=\"visually-hidden\">Toegevoegd: </span>We spraken over jobcoaching.</ins>",
                     html)
    assert re.search(r"<del><span class=\"visually-hidden\">Verwijderd: </span>We spraken over werkplekken.</del>",
                     html)
    assert "<ins><span class=\"visually-hidden\">Toegevoegd: </span>Opening" not in html


def test_unknown_revision_numbers_are_404(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    assert client.get(f"/bijeenkomsten/{meeting.id}/verslag/versies/1").status_code == 404
    save(client, meeting, "Iets.")
    assert client.get(f"/bijeenkomsten/{meeting.id}/verslag/versies/7").status_code == 404
    token, _rev = load_editor(client, meeting)
    assert client.post(f"/bijeenkomsten/{meeting.id}/verslag/versies/7/terugzetten",
                       data={"csrf_token": token}).status_code == 404


def test_restoring_an_old_revision_makes_a_new_one(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    save(client, meeting, "De goede tekst.")
    save(client, meeting, "Per ongeluk gewist.")
    token, _rev = load_editor(client, meeting)

    response = client.post(f"/bijeenkomsten/{meeting.id}/verslag/versies/1/terugzetten", data={"csrf_token": token})

    assert response.status_code == 302
    minutes = current_minutes(meeting)
    assert minutes.body == "De goede tekst."
    assert minutes.revision == 3
    assert revisions.get("minutes", minutes.id, 3).note == "restored:1"
    history = client.get(f"/bijeenkomsten/{meeting.id}/verslag/geschiedenis").get_data(as_text=True)
    assert "teruggezet naar versie 1" in history
    client.get("/taal/en")
    english = client.get(f"/bijeenkomsten/{meeting.id}/verslag/geschiedenis").get_data(as_text=True)
    assert "restored to version 1" in english and "teruggezet" not in english
    client.get("/taal/nl")


def test_a_deleted_author_shows_as_deleted_account(app, world, create_user, add_member):
    author = create_user(name="Weg Gegaan")
    add_member(world["circle"], author, role=CircleRole.COORDINATOR)
    minutes_services.save_minutes(world["meeting"], author, "Tekst", based_on=0)
    db.session.commit()
    db.session.execute(sa.update(revisions.Revision).values(author_id=None))
    db.session.commit()
    client = client_for(app, world["coordinator"])
    html = client.get(f"/bijeenkomsten/{world['meeting'].id}/verslag/geschiedenis").get_data(as_text=True)
    assert "verwijderd account" in html


def test_drafts_are_for_editors_and_published_minutes_for_circle_members(app, world):
    meeting = world["meeting"]
    coordinator_client = client_for(app, world["coordinator"])
    save(coordinator_client, meeting, "Geheim concept van het verslag.")
    member_client = client_for(app, world["member"])

    assert "Geheim concept" in coordinator_client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    page = member_client.get(f"/bijeenkomsten/{meeting.id}")
    assert page.status_code == 200
    assert "Geheim concept" not in page.get_data(as_text=True)
    assert "Er is nog geen verslag gepubliceerd." in page.get_data(as_text=True)
    assert member_client.get(f"/bijeenkomsten/{meeting.id}/verslag/geschiedenis").status_code == 403

    token, _rev = load_editor(coordinator_client, meeting)
    response = coordinator_client.post(f"/bijeenkomsten/{meeting.id}/verslag/publiceren", data={"csrf_token": token})
    assert response.status_code == 302
    minutes = current_minutes(meeting)
    assert minutes.is_published and minutes.published_at is not None
    assert revisions.get("minutes", minutes.id, minutes.revision).note == "published"

    html = member_client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    assert "Geheim concept van het verslag." in html
    assert "Gepubliceerd op" in html


def test_publishing_twice_or_nothing_is_a_conflict(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    token, _rev = load_editor(client, meeting)
    response = client.post(f"/bijeenkomsten/{meeting.id}/verslag/publiceren", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Er is nog geen verslag om te publiceren" in response.get_data(as_text=True)
    save(client, meeting, "Klaar.")
    client.post(f"/bijeenkomsten/{meeting.id}/verslag/publiceren", data={"csrf_token": token})
    response = client.post(f"/bijeenkomsten/{meeting.id}/verslag/publiceren", data={"csrf_token": token})
    assert response.status_code == 409
    assert "al gepubliceerd" in response.get_data(as_text=True)


def test_a_plain_member_may_not_edit_but_a_designated_one_may(app, world):
    meeting = world["meeting"]
    member_client = client_for(app, world["member"])
    assert member_client.get(edit_url(meeting)).status_code == 403

    coordinator_client = client_for(app, world["coordinator"])
    token, _rev = load_editor(coordinator_client, meeting)
    response = coordinator_client.post(f"/bijeenkomsten/{meeting.id}/notulist",
                                       data={"notulist-user_id": str(world["member"].id), "notulist-csrf_token": token})
    assert response.status_code == 302

    assert save(member_client, meeting, "Verslag door Mark.").status_code == 302
    assert current_minutes(meeting).body == "Verslag door Mark."


def test_a_member_may_not_designate_and_forged_user_ids_are_refused(app, world, create_user):
    meeting = world["meeting"]
    member_client = client_for(app, world["member"])
    token = csrf_token_from(member_client.get("/").get_data(as_text=True))
    response = member_client.post(f"/bijeenkomsten/{meeting.id}/notulist",
                                  data={"notulist-user_id": str(world["member"].id), "notulist-csrf_token": token})
    assert response.status_code == 403

    outsider = create_user(name="Buiten Staander")
    coordinator_client = client_for(app, world["coordinator"])
    token, _rev = load_editor(coordinator_client, meeting)
    for forged in (str(outsider.id), "999999", "abc"):
        response = coordinator_client.post(f"/bijeenkomsten/{meeting.id}/notulist",
                                           data={"notulist-user_id": forged, "notulist-csrf_token": token})
        assert response.status_code == 422, forged
        assert "Kies een lid van de leercirkel." in response.get_data(as_text=True)
    db.session.expire_all()
    assert world["meeting"].minutes_editor_id is None


def test_markdown_in_minutes_is_sanitised(app, world):
    client = client_for(app, world["coordinator"])
    meeting = world["meeting"]
    save(client, meeting, "# Verslag\n\n<script>alert('x')</script>\n\n**Vet**")
    html = client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html  # shown as text
    assert "<strong>Vet</strong>" in html


def test_anonymous_and_outsiders_cannot_reach_the_editor(app, client, world, create_user):
    meeting = world["meeting"]
    assert client.get(edit_url(meeting)).status_code in (302, 401)
    outsider_client = client_for(app, create_user())
    assert outsider_client.get(edit_url(meeting)).status_code == 403
    assert outsider_client.get("/bijeenkomsten/999999/verslag").status_code == 404
