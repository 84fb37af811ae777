"""Small real files of each kind, made in code, for the upload and attachment tests."""

import io
import struct
import zipfile
import zlib

_OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}


def pdf() -> bytes:
    """A one-page PDF (no text), as small as a valid one gets."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def png() -> bytes:
    """A 1x1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    """The start of a JPEG (SOI and a JFIF APP0 segment) and its end: enough for a content check."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def _zip(entries: list[tuple[str, str | bytes]], stored_first: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first[0]), stored_first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(kind: str = "docx", extra: list[tuple[str, str | bytes]] = ()) -> bytes:
    """A DOCX, DOCM or XLSX package: content types, relationships and the main part."""
    part, content_type = _OOXML_MAIN[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{part}"/></Relationships>')
    return _zip([("[Content_Types].xml", types), ("_rels/.rels", rels), (part, "<x/>"), *extra])


def docx() -> bytes:
    return ooxml("docx")


def xlsx() -> bytes:
    return ooxml("xlsx")


def odf(mimetype: str, extra: list[tuple[str, str | bytes]] = ()) -> bytes:
    """An OpenDocument file: the stored ``mimetype`` entry first, then its parts."""
    return _zip([("META-INF/manifest.xml", "<manifest/>"), ("content.xml", "<office:document-content/>"), *extra],
                stored_first=("mimetype", mimetype))


def odt() -> bytes:
    return odf("application/vnd.oasis.opendocument.text")


def ods() -> bytes:
    return odf("application/vnd.oasis.opendocument.spreadsheet")


def plain_zip() -> bytes:
    return _zip([("notities.txt", "hallo")])


def exe() -> bytes:
    """The start of a Windows program: an MZ header pointing at a PE signature."""
    header = bytearray(b"MZ" + b"\x00" * 126)
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 60


#: name -> (bytes, content type, extension, label) for every accepted kind.
ALLOWED = {
    "pdf": (pdf, "application/pdf", "pdf", "PDF"),
    "docx": (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX"),
    "odt": (odt, "application/vnd.oasis.opendocument.text", "odt", "ODT"),
    "xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"),
    "ods": (ods, "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
    "png": (png, "image/png", "png", "PNG"),
    "jpg": (jpeg, "image/jpeg", "jpg", "JPEG"),
}
