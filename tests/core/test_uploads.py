"""Upload checks (circles.core.uploads): the type is judged by the content, names are made safe, and each
refusal says why in Dutch."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from circles.core.uploads import MB, UploadRefused, check_upload, detect, format_size, safe_filename
from tests import sample_files as files


def upload(data: bytes, name: str = "bestand.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def refusal(file_storage, **kwargs) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(file_storage, **kwargs)
    return str(caught.value.message)


@pytest.mark.parametrize("kind", list(files.ALLOWED))
def test_each_allowed_type_is_accepted_by_its_content(app, kind):
    make, content_type, extension, _label = files.ALLOWED[kind]
    data = make()
    checked = check_upload(upload(data, f"Voorbeeld.{extension}"))
    assert checked.content_type == content_type
    assert checked.data == data and checked.size == len(data)
    assert checked.filename == f"Voorbeeld.{extension}"
    assert checked.is_image == content_type.startswith("image/")


@pytest.mark.parametrize("kind", list(files.ALLOWED))
def test_a_name_without_extension_gets_the_right_one(app, kind):
    make, _content_type, extension, _label = files.ALLOWED[kind]
    assert check_upload(upload(make(), "Functieomschrijving")).filename == f"Functieomschrijving.{extension}"


def test_readable_dutch_names_are_kept_with_accents_folded(app):
    assert check_upload(upload(files.pdf(), "Functieomschrijving conciërge.pdf")).filename == \
        "Functieomschrijving concierge.pdf"
    assert check_upload(upload(files.pdf(), "Taken post & archief (2024).PDF")).filename == \
        "Taken post archief (2024).pdf"
    assert check_upload(upload(files.jpeg(), "Foto werkplek.JPEG")).filename == "Foto werkplek.jpeg"
    assert check_upload(upload(files.pdf(), "versie 1.2")).filename == "versie 1.2.pdf"
    assert check_upload(upload(files.pdf(), "rapport.definitief")).filename == "rapport.definitief.pdf"
    assert check_upload(upload(files.pdf(), ".htaccess")).filename == "htaccess.pdf"


def test_no_file_is_refused(app):
    assert refusal(None) == "Kies een bestand om toe te voegen."
    assert refusal(FileStorage(stream=io.BytesIO(b""), filename="")) == "Kies een bestand om toe te voegen."


def test_an_empty_file_is_refused(app):
    assert refusal(upload(b"", "leeg.pdf")) == "Het bestand is leeg."


def test_a_file_over_the_limit_is_refused_and_the_limit_is_named(app):
    message = refusal(upload(files.pdf() + b"\0" * (10 * MB), "groot.pdf"))
    assert message.startswith("Het bestand is groter dan 10 MB.")
    assert "hoogstens 10 MB" in message
    assert "1 kB" in refusal(upload(b"%PDF-" + b"x" * 1020, "klein.pdf"), max_bytes=1024)


def test_a_file_of_exactly_the_limit_is_accepted(app):
    data = files.pdf()
    assert check_upload(upload(data, "precies.pdf"), max_bytes=len(data)).size == len(data)


@pytest.mark.parametrize("name", ["../../x.pdf", "a/b.pdf", "..\\x.pdf", "/etc/x.pdf", "C:\\Users\\x.pdf",
                                  "C:x.pdf", "..", ".", "map/", "\\\\server\\share\\x.pdf"])
def test_a_name_with_a_path_is_refused(app, name):
    assert "mag geen map of pad bevatten" in refusal(upload(files.pdf(), name))


@pytest.mark.parametrize("data,name", [
    (files.exe(), "handleiding.pdf"),
    (files.exe(), "programma.exe"),
    (files.plain_zip(), "pakket.zip"),
    (files.plain_zip(), "pakket.docx"),
    (b"<!doctype html><script>alert(1)</script>", "pagina.pdf"),
    (b"gewone tekst", "tekst.txt"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "plaatje.gif"),
    (b"PK\x03\x04 kapot archief", "kapot.docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "oud.doc"),
])
def test_a_type_not_allowed_is_refused_by_content(app, data, name):
    assert refusal(upload(data, name)) == \
        "Dit soort bestand kan niet als bijlage. Toegestaan zijn: PDF, DOCX, ODT, XLSX, ODS, PNG, JPEG."


@pytest.mark.parametrize("maker,name,label", [
    (files.pdf, "offerte.docx", "PDF"),
    (files.pdf, "programma.exe", "PDF"),
    (files.png, "foto.jpg", "PNG"),
    (files.docx, "begroting.xlsx", "DOCX"),
    (files.odt, "tekst.docx", "ODT"),
    (files.jpeg, "scan.pdf", "JPEG"),
])
def test_a_name_that_disagrees_with_the_content_is_refused(app, maker, name, label):
    extension = name.rsplit(".", 1)[1]
    assert refusal(upload(maker(), name)).startswith(
        f"De naam van het bestand eindigt op .{extension}, maar het bestand is een {label}-bestand.")


@pytest.mark.parametrize("data", [
    files.ooxml("docm"),
    files.ooxml("docx", extra=[("word/vbaProject.bin", b"\0" * 10)]),
    files.odf("application/vnd.oasis.opendocument.text", extra=[("Basic/Standard/Module1.xml", "<m/>")]),
])
def test_documents_with_macros_are_refused(app, data):
    assert refusal(upload(data, "document")).startswith("Dit document bevat macro's.")


def test_detect_reads_the_content_not_the_name():
    assert detect(files.pdf()) == "application/pdf"
    assert detect(files.exe()) is None
    assert detect(b"") is None
    assert detect(b"%PD") is None


@pytest.mark.parametrize("stem,expected", [
    ("Conciërge & post", "Concierge post.pdf"),
    ("Š Ž ĳ ß", "S Z ij.pdf"),
    ("...", "bijlage.pdf"),
    ("   ", "bijlage.pdf"),
    ("🙂🙂", "bijlage.pdf"),
    ("CON", "bijlage CON.pdf"),
    ("nul.txt", "bijlage nul.txt.pdf"),
    ("a\x00b\nc", "a b c.pdf"),
    ("x" * 300, "x" * 150 + ".pdf"),
])
def test_safe_filename(stem, expected):
    assert safe_filename(stem, "pdf") == expected


def test_format_size(app):
    assert format_size(1) == "1 kB"
    assert format_size(1024) == "1 kB"
    assert format_size(1025) == "2 kB"
    assert format_size(int(1.5 * MB)) == "1,5 MB"
    assert format_size(10 * MB) == "10 MB"
