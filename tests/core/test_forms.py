"""What every form does with input no browser sends: found by the fuzzing suite (tests/hostile), kept here as
plain examples so that each stays fixed."""

from circles.accounts.models import Role
from tests.conftest import PASSWORD, csrf_token_from
from tests.routes import ROUTES, make_world


def _token(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_a_json_body_is_not_taken_for_the_form(client, create_user):
    """Flask-WTF would read a JSON body as the form, numbers and lists included (a 500 on the log-in form)."""
    user = create_user()
    token = _token(client, "/account/inloggen")
    response = client.post("/account/inloggen", json={"email": True, "password": [1, 2], "csrf_token": token},
                           headers={"X-CSRFToken": token})
    assert response.status_code in (400, 422)
    response = client.post("/account/inloggen", json={"email": user.email, "password": PASSWORD},
                           headers={"X-CSRFToken": token})
    assert response.status_code in (400, 422)  # not logged in by a JSON body either


def test_a_multipart_part_without_a_name_is_ignored(app, client, auth):
    """A part without a name reached WTForms as the key None: every form with a list of subforms failed."""
    world = make_world()
    auth.login(world.account(Role.MEMBER).email)
    url = ROUTES["workpackages.create"].url("workpackages.create", world)
    token = _token(client, url)
    body = ("--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token + "\r\n"
            "--b\r\nContent-Disposition: form-data\r\n\r\nzonder naam\r\n--b--\r\n")
    response = client.post(url, data=body.encode(), content_type="multipart/form-data; boundary=b")
    assert response.status_code == 422


def test_an_unclosed_ipv6_address_is_refused_with_a_message(client, auth, create_org, create_user):
    org = create_org()
    auth.login(create_user(role=Role.COORDINATOR, org=org).email)
    url = f"/organisaties/{org.slug}/bewerken"
    response = client.post(url, data={"name": org.name, "sector": "gemeenten", "municipality": str(org.municipality_id),
                                      "website": "https://[::1", "csrf_token": _token(client, url)})
    assert response.status_code == 422
    assert "Vul een volledig webadres in" in response.get_data(as_text=True)


def test_a_number_with_hundreds_of_digits_is_refused_with_a_message(app, client, auth):
    world = make_world()
    auth.login(world.account(Role.COORDINATOR).email)
    url = ROUTES["meetings.settings"].url("meetings.settings", world)
    response = client.post(url, data={"reminder_days": "9" * 400, "csrf_token": _token(client, url)})
    assert response.status_code == 422
    assert "Vul een aantal dagen in, van 0 tot en met 30." in response.get_data(as_text=True)


def test_a_required_number_of_only_a_line_break_is_refused_with_a_message(app, client, auth):
    """"\r" counted as typed for InputRequired, and the view got no number: a 500 on PostgreSQL's run."""
    world = make_world()
    auth.login(world.account(Role.COORDINATOR).email)
    url = ROUTES["meetings.settings"].url("meetings.settings", world)
    for blank in ("\r", " \n\t "):
        response = client.post(url, data={"reminder_days": blank, "csrf_token": _token(client, url)})
        assert response.status_code == 422
        assert "Vul een aantal dagen in, van 0 tot en met 30." in response.get_data(as_text=True)


def test_a_control_character_in_a_task_line_is_refused_with_a_message(app, client, auth):
    """The check covered the top-level fields only: a NUL in a task line was stored (SQLite) or a 500
    (PostgreSQL refuses NUL in text)."""
    world = make_world()
    auth.login(world.account(Role.MEMBER).email)
    url = ROUTES["workpackages.create"].url("workpackages.create", world)
    response = client.post(url, data={
        "title": "Postkamer", "summary": "Post sorteren.", "sectors": "gemeenten", "setting": "kantoor",
        "hours_min": "12", "hours_max": "20", "tasks-0-description": "Post\x00sorteren",
        "tasks-0-hours_per_week": "8", "licence": "CC-BY-4.0", "language": "nl", "csrf_token": _token(client, url)})
    assert response.status_code == 422
    assert "Dit veld bevat tekens die niet zijn toegestaan." in response.get_data(as_text=True)


def test_a_nul_in_the_organisation_name_at_registration_is_refused_with_a_message(client):
    """The organisation was looked up by that name before the refusal was checked: a 500 on PostgreSQL."""
    url = "/account/registreren"
    response = client.post(url, data={
        "name": "Nieuw Lid", "email": "nieuw@example.org", "password": PASSWORD, "password2": PASSWORD,
        "organisation": "Gemeente\x00Delft", "sector": "gemeenten", "function": "", "consent": "y",
        "csrf_token": _token(client, url)})
    assert response.status_code == 422
    assert "Dit veld bevat tekens die niet zijn toegestaan." in response.get_data(as_text=True)


def test_a_json_body_that_is_not_an_object_is_refused_not_a_500(client):
    """Flask-WTF turned any JSON body into form data: ``false`` or ``[""]`` was a 500 on every form."""
    token = _token(client, "/account/inloggen")
    for body in ("false", '[""]', "null", "12"):
        response = client.post("/account/inloggen", data=body, content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code in (400, 422), body


def test_a_json_body_on_a_button_is_refused_not_a_500(client, auth, create_user):
    """The buttons (log out, leave, approve) use a form of their own that read any JSON body too (a 500). A
    button has nothing to read: with a valid token in the header it does what it does for a browser."""
    auth.login(create_user().email)
    token = _token(client, "/account/profiel")
    response = client.post("/account/uitloggen", data="false", content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert client.get("/account/profiel").status_code == 302  # logged out: sent to the log-in page


def test_a_blank_choice_does_not_let_an_unoffered_one_through(app, client, auth):
    """A blank first value made the checkbox list skip its check of the choices: a regional meeting could
    invite a circle that was not offered to its organiser (and a blank alone was a 500)."""
    world = make_world()
    auth.login(world.account(Role.COORDINATOR).email)
    url = "/bijeenkomsten/nieuw-regionaal"
    fields = {"title": "Regiobijeenkomst", "date": "2028-05-04", "start_time": "14:00", "end_time": "16:00",
              "region": "AM13", "repeat_interval": "1", "csrf_token": _token(client, url)}
    response = client.post(url, data={**fields, "invited": ["", "999999"]})
    assert response.status_code == 422 and "is een ongeldige keuze" in response.get_data(as_text=True)
    response = client.post(url, data={**fields, "invited": [""]})
    assert response.status_code == 422
    assert "Nodig minstens één leercirkel uit." in response.get_data(as_text=True)
    response = client.post(url, data={**fields, "invited": ["", str(world.circle.id)]})
    assert response.status_code == 302
