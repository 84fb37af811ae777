"""Attachments of work packages and cases: uploading (checked by content), the refusals and their Dutch
messages, downloading (only for who may read the owner), deleting, and keeping rows and files together
when storage or the database fails."""

import io
import os

import pytest
import sqlalchemy as sa
from flask import render_template_string
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from circles.accounts.models import Role
from circles.core.db import db
from circles.core.uploads import MB, check_upload
from circles.groups import services as circle_services
from circles.workpackages.attachments import services
from circles.workpackages.attachments.forms import AttachmentForm
from circles.workpackages.models import Attachment, Case, WorkPackage
from tests import sample_files as files
from tests.conftest import csrf_token_from


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Every test stores its files in its own folder."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


def stored_files(folder) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def attachment_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def make_package(org, author, *, visibility="public", status="published", circle=None) -> WorkPackage:
    package = WorkPackage(slug="medewerker-post-en-archief", title="Medewerker post en archief",
                          summary="Post sorteren en rondbrengen.", organisation_id=org.id, author_id=author.id,
                          status=status, visibility=visibility, circle_id=circle.id if circle else None)
    db.session.add(package)
    db.session.commit()
    return package


def make_case(org, author, *, visibility="public", status="published") -> Case:
    case = Case(slug="conciergerie-op-school", title="Conciërgerie op school", organisation_id=org.id,
                author_id=author.id, status=status, visibility=visibility)
    db.session.add(case)
    db.session.commit()
    return case


@pytest.fixture
def editor(login_as, create_org):
    """A logged-in member of the organisation that owns the package and the case."""
    return login_as(Role.MEMBER, org=create_org("Gemeente Voorbeeldstad"))


@pytest.fixture
def package(editor):
    return make_package(editor.organisation, editor)


@pytest.fixture
def case(editor):
    return make_case(editor.organisation, editor)


def post_multipart(client, url: str, fields: dict):
    """POST a multipart form, encoded here in memory (the test client's own encoder leaves a temporary
    file open for large bodies, which the warnings-are-errors setting turns into a failure)."""
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, url: str, data: bytes, name: str, description: str = "", token_page: str | None = None):
    html = client.get(token_page or url).get_data(as_text=True)
    file = FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/octet-stream")
    return post_multipart(client, url, {"csrf_token": csrf_token_from(html), "file": file, "description": description})


def package_url(package) -> str:
    return f"/werkpakketten/{package.id}/bijlagen"


# --- adding --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(files.ALLOWED))
def test_each_allowed_type_can_be_added_to_a_package(client, package, upload_folder, kind):
    make, content_type, extension, _label = files.ALLOWED[kind]
    data = make()
    response = upload(client, package_url(package), data, f"Werkinstructie.{extension}",
                      description="Werkinstructie met pictogrammen per taak")
    assert response.status_code == 302
    assert response.location.startswith(f"/werkpakketten/{package.id}")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert (attachment.package_id, attachment.case_id) == (package.id, None)
    assert attachment.content_type == content_type
    assert attachment.filename == f"Werkinstructie.{extension}"
    assert attachment.size == len(data)
    assert stored_files(upload_folder) == [attachment.storage_key]
    assert (upload_folder / attachment.storage_key).read_bytes() == data


def test_after_adding_the_package_page_lists_the_file(client, package):
    response = upload(client, package_url(package), files.pdf(), "Functieomschrijving conciërge.pdf",
                      description="Functieomschrijving")
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "De bijlage Functieomschrijving concierge.pdf is toegevoegd." in page
    assert "Functieomschrijving concierge.pdf" in page


def test_a_file_can_be_added_to_a_case(client, case, upload_folder):
    response = upload(client, f"/voorbeelden/{case.id}/bijlagen", files.odt(), "Verhaal.odt")
    assert response.status_code == 302
    assert response.location.startswith(f"/voorbeelden/{case.id}")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert (attachment.package_id, attachment.case_id) == (None, case.id)
    assert len(stored_files(upload_folder)) == 1


def test_the_add_page_shows_the_form(client, package):
    response = client.get(package_url(package))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 class=\"utrecht-heading-1\">Bijlage toevoegen</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert "hoogstens 10 MB" in page and "PDF" in page
    assert 'for="attachment-file"' in page and 'for="attachment-description"' in page


@pytest.mark.parametrize("data,name,message", [
    (files.exe(), "handleiding.pdf",
     "Dit soort bestand kan niet als bijlage. Toegestaan zijn: PDF, DOCX, ODT, XLSX, ODS, PNG, JPEG."),
    (files.pdf() + b"\0" * (10 * MB), "groot.pdf", "Het bestand is groter dan 10 MB."),
    (files.pdf(), "../../x.pdf", "De naam van het bestand mag geen map of pad bevatten"),
    (b"", "leeg.pdf", "Het bestand is leeg."),
    (files.pdf(), "offerte.docx", "De naam van het bestand eindigt op .docx, maar het bestand is een PDF-bestand."),
])
def test_a_refused_upload_says_why_and_stores_nothing(client, package, upload_folder, data, name, message):
    response = upload(client, package_url(package), data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is een probleem" in page  # the error summary
    assert message in page.replace("&#39;", "'")
    assert attachment_count() == 0
    assert stored_files(upload_folder) == []


def test_no_file_chosen_is_refused(client, package, upload_folder):
    html = client.get(package_url(package)).get_data(as_text=True)
    response = post_multipart(client, package_url(package), {"csrf_token": csrf_token_from(html), "description": ""})
    assert response.status_code == 422
    assert "Kies een bestand om toe te voegen." in response.get_data(as_text=True)
    assert attachment_count() == 0


def test_a_request_over_the_size_limit_is_refused_with_413(client, package, upload_folder):
    response = upload(client, package_url(package), b"%PDF-" + b"\0" * (13 * MB), "enorm.pdf")
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
    assert attachment_count() == 0
    assert stored_files(upload_folder) == []


def test_an_image_needs_a_description(client, package, upload_folder):
    response = upload(client, package_url(package), files.png(), "werkplek.png")
    assert response.status_code == 422
    assert "Beschrijf wat er op de afbeelding staat" in response.get_data(as_text=True)
    assert attachment_count() == 0 and stored_files(upload_folder) == []

    response = upload(client, package_url(package), files.png(), "werkplek.png",
                      description="Een bureau met een sorteerkast voor de post")
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Attachment)).one().description == "Een bureau met een sorteerkast voor de post"


def test_a_description_with_personal_data_is_refused(client, package, upload_folder):
    response = upload(client, package_url(package), files.pdf(), "x.pdf", description="BSN: 111222333")
    assert response.status_code == 422
    assert "persoonsgegeven" in response.get_data(as_text=True)
    assert stored_files(upload_folder) == []


def test_a_description_over_300_characters_is_refused(client, package):
    response = upload(client, package_url(package), files.pdf(), "x.pdf", description="x" * 301)
    assert response.status_code == 422
    assert "Gebruik hoogstens 300 tekens." in response.get_data(as_text=True)


def test_only_editors_may_add(client, auth, create_user, create_org, package, upload_folder):
    auth.logout()
    response = client.get(package_url(package))
    assert response.status_code == 302 and "/account/inloggen" in response.location
    reader = create_user(org=create_org("Hogeschool Elders"))
    auth.login(reader.email)
    assert client.get(package_url(package)).status_code == 403
    response = upload(client, package_url(package), files.pdf(), "x.pdf", token_page="/")
    assert response.status_code == 403
    assert attachment_count() == 0 and stored_files(upload_folder) == []


def test_a_storage_failure_gives_a_clear_message_and_saves_nothing(app, client, package, tmp_path):
    blocker = tmp_path / "een-bestand"
    blocker.write_text("where the upload folder should be")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    response = upload(client, package_url(package), files.pdf(), "x.pdf")
    assert response.status_code == 503
    assert "Het bestand kon niet worden opgeslagen." in response.get_data(as_text=True)
    assert attachment_count() == 0


def test_a_database_failure_removes_the_stored_file(app, client, package, upload_folder):
    """The commit fails after the file was stored: the error page says so and the file is gone again."""
    from sqlalchemy.orm import Session

    def fail_on_new_attachment(session):
        if any(isinstance(obj, Attachment) for obj in session.new) or session.info.get(services._NEW_FILES):
            raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))

    sa.event.listen(Session, "before_commit", fail_on_new_attachment)
    try:
        response = upload(client, package_url(package), files.pdf(), "x.pdf")
    finally:
        sa.event.remove(Session, "before_commit", fail_on_new_attachment)
    assert response.status_code == 503
    assert attachment_count() == 0
    assert stored_files(upload_folder) == []


# --- services --------------------------------------------------------------------------------------------

def checked(data=None, name="x.pdf"):
    return check_upload(FileStorage(stream=io.BytesIO(data or files.pdf()), filename=name))


def test_a_rolled_back_addition_leaves_no_file(app, package, editor, upload_folder):
    services.add_attachment(package, editor, checked(), "Functieomschrijving")
    assert len(stored_files(upload_folder)) == 1
    db.session.rollback()
    assert stored_files(upload_folder) == []
    assert attachment_count() == 0


def test_removing_deletes_the_file_only_after_the_commit(app, package, editor, upload_folder):
    attachment = services.add_attachment(package, editor, checked(), "")
    db.session.commit()
    services.remove_attachment(attachment)
    db.session.rollback()
    assert len(stored_files(upload_folder)) == 1 and attachment_count() == 1
    services.remove_attachment(db.session.get(Attachment, attachment.id))
    db.session.commit()
    assert stored_files(upload_folder) == [] and attachment_count() == 0


def test_attachments_of_and_owner_of(app, package, case, editor, count_queries):
    first = services.add_attachment(package, editor, checked(name="a.pdf"), "")
    second = services.add_attachment(package, editor, checked(files.docx(), "b.docx"), "")
    on_case = services.add_attachment(case, editor, checked(name="c.pdf"), "")
    db.session.commit()
    assert package.id  # loads the expired package first: only the listing is counted
    with count_queries() as queries:
        listed = services.attachments_of(package)
    assert listed == [first, second] and len(queries) == 1
    assert services.attachments_of(case) == [on_case]
    assert services.owner_of(first) is package and services.owner_of(on_case) is case
    services.remove_all(package)
    db.session.commit()
    assert services.attachments_of(package) == [] and services.attachments_of(case) == [on_case]


def test_adding_to_something_else_is_a_programming_error(app, editor):
    with pytest.raises(TypeError):
        services.add_attachment(editor, editor, checked(), "")


# --- downloading ---------------------------------------------------------------------------------------

def test_download_sends_the_file_as_an_attachment(client, package):
    upload(client, package_url(package), files.pdf(), "Functieomschrijving conciërge.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    with client.get(f"/bijlagen/{attachment.id}/{attachment.filename}") as response:
        assert response.data == files.pdf()
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Functieomschrijving concierge.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(len(files.pdf()))
    assert response.headers["Cache-Control"].startswith("public")  # a public, published package


def test_a_wrong_file_name_in_the_address_redirects(client, package):
    upload(client, package_url(package), files.pdf(), "a.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    response = client.get(f"/bijlagen/{attachment.id}/iets-anders.pdf")
    assert response.status_code == 301 and response.location.endswith(f"/bijlagen/{attachment.id}/a.pdf")
    assert client.get("/bijlagen/99999/a.pdf").status_code == 404


def test_a_circle_only_package_attachment_is_hidden_from_outsiders(client, auth, create_user, create_org, editor):
    circle = circle_services.create_circle(
        editor, name="Leercirkel Post", description="Post en archief.", goals="Banen.", sector_codes=["gemeenten"],
        region_codes=["AM13"], visibility="circle", join_policy="invitation")
    db.session.commit()
    package = make_package(editor.organisation, editor, visibility="circle", circle=circle)
    upload(client, package_url(package), files.pdf(), "intern.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    url = f"/bijlagen/{attachment.id}/intern.pdf"
    with client.get(url) as response:
        assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")

    auth.logout()
    assert client.get(url).status_code == 404
    outsider = create_user(org=create_org("Provincie Elders"))
    auth.login(outsider.email)
    assert client.get(url).status_code == 404
    response = client.post(f"/bijlagen/{attachment.id}/verwijderen",
                           data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    assert response.status_code == 404
    assert attachment_count() == 1


def test_a_draft_package_attachment_is_hidden_from_others(client, auth, create_user, create_org, editor):
    package = make_package(editor.organisation, editor, status="draft")
    upload(client, package_url(package), files.pdf(), "concept.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    auth.logout()
    auth.login(create_user(org=create_org("Waterschap Elders")).email)
    assert client.get(f"/bijlagen/{attachment.id}/concept.pdf").status_code == 404


def test_a_missing_file_gives_404_not_500(client, package, upload_folder):
    upload(client, package_url(package), files.pdf(), "a.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    (upload_folder / attachment.storage_key).unlink()
    assert client.get(f"/bijlagen/{attachment.id}/a.pdf").status_code == 404


# --- deleting ------------------------------------------------------------------------------------------

def test_an_editor_deletes_an_attachment(client, package, upload_folder):
    upload(client, package_url(package), files.pdf(), "weg.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    html = client.get(package_url(package)).get_data(as_text=True)
    response = client.post(f"/bijlagen/{attachment.id}/verwijderen", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert response.location.startswith(f"/werkpakketten/{package.id}")
    assert attachment_count() == 0
    assert stored_files(upload_folder) == []
    assert "De bijlage weg.pdf is verwijderd." in client.get(response.location, follow_redirects=True).get_data(
        as_text=True)


def test_a_reader_may_not_delete(client, auth, create_user, create_org, package, upload_folder):
    upload(client, package_url(package), files.pdf(), "blijft.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    auth.logout()
    auth.login(create_user(org=create_org("Gemeente Elders")).email)
    html = client.get("/").get_data(as_text=True)
    response = client.post(f"/bijlagen/{attachment.id}/verwijderen", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 403
    assert attachment_count() == 1 and len(stored_files(upload_folder)) == 1


def test_deleting_without_the_form_token_is_refused(client, package):
    upload(client, package_url(package), files.pdf(), "a.pdf")
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert client.post(f"/bijlagen/{attachment.id}/verwijderen").status_code == 400
    assert attachment_count() == 1


# --- the partial on the package and case pages ---------------------------------------------------------

def render_partial(app, owner, kind, form):
    with app.test_request_context():
        return render_template_string("{% include 'workpackages/attachments/_list.html' %}", owner=owner,
                                      owner_kind=kind, attachments=services.attachments_of(owner),
                                      attachment_form=form)


def test_the_partial_lists_files_with_type_and_size(app, package, case, editor):
    services.add_attachment(package, editor, checked(files.pdf() + b" " * 3000, "Taken.pdf"), "De takenlijst")
    services.add_attachment(package, editor, checked(files.png(), "foto.png"), "Een sorteerkast vol post")
    db.session.commit()
    with app.test_request_context():
        form = AttachmentForm()
    html = render_partial(app, package, "package", form)
    assert "Taken.pdf" in html and "(PDF, 4 kB)" in html and "De takenlijst" in html
    assert "(PNG, afbeelding, 1 kB)" in html and "Een sorteerkast vol post" in html
    assert html.count("Verwijderen<span class=\"visually-hidden\">") == 2
    assert f'action="/werkpakketten/{package.id}/bijlagen"' in html

    reader_html = render_partial(app, package, "package", None)
    assert "Taken.pdf" in reader_html and "Verwijderen" not in reader_html and "<form" not in reader_html

    with app.test_request_context():
        form = AttachmentForm()
    case_html = render_partial(app, case, "case", form)
    assert "Er zijn nog geen bijlagen." in case_html
    assert f'action="/voorbeelden/{case.id}/bijlagen"' in case_html
