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
