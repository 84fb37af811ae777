"""Checking an uploaded file before anything is stored: present, not empty, not too large, a plain name,
and a type we accept judged by its CONTENT, not its name.

Accepted: PDF, DOCX, ODT, XLSX, ODS, PNG and JPEG. The ``filetype`` library reads the magic bytes; DOCX,
XLSX, ODT and ODS are ZIP archives, so for those the archive itself decides: the ODF ``mimetype`` entry, or
the main part's content type in OOXML's ``[Content_Types].xml`` (so macro-enabled variants such as .docm
are not taken for .docx). Documents with macros are refused.

A name and a content that disagree (a PDF called ``offerte.docx``, a program called ``x.pdf``) are
refused: it is usually the wrong file, and the reader is better told than surprised. A name without a
known extension ("notulen", "versie 1.2") gets the extension of what the file is.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

MB = 1024 * 1024
#: The largest attachment (MAX_CONTENT_LENGTH in the config leaves a little room above it for the form).
MAX_BYTES = 10 * MB

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PNG = "image/png"
JPEG = "image/jpeg"

#: content type -> (the extension we give it, the extensions a name may have, the label people see).
TYPES: dict[str, tuple[str, frozenset[str], str]] = {
    PDF: ("pdf", frozenset({"pdf"}), "PDF"),
    DOCX: ("docx", frozenset({"docx"}), "DOCX"),
    ODT: ("odt", frozenset({"odt"}), "ODT"),
    XLSX: ("xlsx", frozenset({"xlsx"}), "XLSX"),
    ODS: ("ods", frozenset({"ods"}), "ODS"),
    PNG: ("png", frozenset({"png"}), "PNG"),
    JPEG: ("jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}), "JPEG"),
}
#: For the hint on the form: "PDF, DOCX, ODT, XLSX, ODS, PNG of JPEG".
ALLOWED_LABELS = [label for _ext, _exts, label in TYPES.values()]
#: What the file picker offers first (a hint for the browser; the server decides by content).
ACCEPT = ",".join(f".{ext}" for _ext, exts, _label in TYPES.values() for ext in sorted(exts))

#: Extensions that name some other kind of file: a name ending in one of them disagrees with the content.
_OTHER_EXTENSIONS = frozenset(t.extension for t in filetype.types) | frozenset({
    "doc", "docm", "dot", "dotx", "dotm", "xls", "xlsm", "xlsb", "xlt", "xltx", "ppt", "pptx", "pptm", "odp",
    "odg", "ott", "ots", "rtf", "txt", "csv", "tsv", "htm", "html", "xhtml", "xml", "json", "js", "svg", "md",
    "msg", "eml", "bat", "cmd", "com", "scr", "sh", "ps1", "vbs", "dll", "msi", "jar", "apk", "dmg", "iso",
    "pages", "numbers", "key", "heic", "heif", "webp", "gif", "bmp", "tif", "tiff", "zip", "rar", "7z", "gz",
})

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OOXML_MACRO_TYPES = ("macroEnabled", "vbaProject")
#: Names Windows reserves: a file saved under them cannot be opened there.
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})
_MAX_STEM = 150


class UploadRefused(Exception):
    """The upload cannot be accepted; ``message`` (lazy, Dutch source) says why, for the person uploading."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class _MacroDocument(Exception):
    """Raised inside detection for an office document with macros."""


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: its bytes, the type found in them, and a safe name with the right extension."""

    data: bytes
    content_type: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def type_label(content_type: str) -> str:
    """ "PDF", "DOCX", ... for an accepted type; the content type itself otherwise."""
    entry = TYPES.get(content_type)
    return entry[2] if entry else content_type


def format_size(size: int) -> str:
    """Sizes as people read them, in the reader's locale: "12 kB", "1,5 MB"."""
    if size < MB:
        return f"{format_decimal(max(1, -(-size // 1024)), format='#,##0')} kB"
    return f"{format_decimal(size / MB, format='#,##0.#')} MB"


def check_upload(file_storage, *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Read and check an uploaded file (a werkzeug ``FileStorage``); raise ``UploadRefused`` with the reason."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRefused(_l("Kies een bestand om toe te voegen."))
    name = file_storage.filename
    if _has_path(name):
        raise UploadRefused(_l("De naam van het bestand mag geen map of pad bevatten (zoals / of \\). "
                               "Geef het bestand een gewone naam, zoals verslag.pdf, en probeer het opnieuw."))
    data = file_storage.stream.read(max_bytes + 1)
    if not data:
        raise UploadRefused(_l("Het bestand is leeg."))
    if len(data) > max_bytes:
        raise UploadRefused(_l("Het bestand is groter dan %(limit)s. Een bijlage mag hoogstens %(limit)s zijn: "
                               "maak het bestand kleiner en probeer het opnieuw.", limit=format_size(max_bytes)))
    content_type = detect(data)
    if content_type is None:
        raise UploadRefused(_l("Dit soort bestand kan niet als bijlage. Toegestaan zijn: %(types)s.",
                               types=", ".join(ALLOWED_LABELS)))
    extension = _extension(name)
    canonical, accepted, label = TYPES[content_type]
    if extension and extension not in accepted and (extension in _OTHER_EXTENSIONS or _is_ours(extension)):
        raise UploadRefused(_l("De naam van het bestand eindigt op .%(ext)s, maar het bestand is een %(kind)s-bestand. "
                               "Controleer of u het goede bestand koos, of geef het de juiste naam.",
                               ext=extension, kind=label))
    if extension in accepted:
        stem = name[: -(len(extension) + 1)]
    else:
        stem, extension = name, canonical
    return CheckedUpload(data=data, content_type=content_type, filename=safe_filename(stem, extension))


def detect(data: bytes) -> str | None:
    """The accepted content type of ``data``, judged by its bytes; None for anything else.
    Raises ``UploadRefused`` for an office document with macros."""
    kind = filetype.guess(data)
    if data[:4] == b"PK\x03\x04" or (kind is not None and kind.extension in ("zip", "docx", "xlsx", "odt", "ods")):
        try:
            return _office_type(data)
        except _MacroDocument:
            raise UploadRefused(_l("Dit document bevat macro's. Sla het op zonder macro's (als gewone .docx, .xlsx, "
                                   ".odt of .ods) en probeer het opnieuw.")) from None
    if kind is not None and kind.mime in (PDF, PNG, JPEG):
        return kind.mime
    return None


def _office_type(data: bytes) -> str | None:
    """DOCX, XLSX, ODT or ODS by what the archive says it is; None for another or a broken archive.
    Only the small entries that name the type are read, never the whole archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read(info).decode("ascii", "replace").strip()
                if any(n.startswith(("Basic/", "Scripts/")) for n in names):
                    raise _MacroDocument
                return mimetype if mimetype in (ODT, ODS) else None
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > MB:
                    return None
                declared = archive.read(info).decode("utf-8", "replace")
                if any(marker in declared for marker in _OOXML_MACRO_TYPES) or any(
                        n.lower().endswith("vbaproject.bin") for n in names):
                    raise _MacroDocument
                found = {content_type for main, content_type in _OOXML_MAIN.items()
                         if re.search(f"[\"']{re.escape(main)}[\"']", declared)}
                return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, KeyError):
        return None
    return None


def _has_path(name: str) -> bool:
    """True for a name with a folder in it: ``a/b.pdf``, ``../x.pdf``, ``..\\x.pdf``, ``/etc/x``, ``C:x``."""
    return ("/" in name or "\\" in name or name.strip() in (".", "..")
            or bool(re.match(r"^[A-Za-z]:", name)))


def _extension(name: str) -> str:
    """The lower-case extension ("pdf"), or "" when the name has none that looks like one."""
    if "." not in name.strip(". "):
        return ""
    ext = name.rsplit(".", 1)[1].strip().lower()
    return ext if re.fullmatch(r"[a-z][a-z0-9]{0,5}", ext) else ""


def _is_ours(extension: str) -> bool:
    return any(extension in exts for _ext, exts, _label in TYPES.values())


def safe_filename(stem: str, extension: str) -> str:
    """A plain, readable file name: accents folded, only letters, digits, spaces and ``._-()``, no leading
    dots, at most 150 characters before the extension, never empty: "Conciërge & post" -> "Concierge post"."""
    text = unicodedata.normalize("NFKD", stem)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._()\- ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .-_")
    text = text[:_MAX_STEM].rstrip(" .-_")
    if not text or text.split(".")[0].upper() in _RESERVED:
        text = f"bijlage {text}".strip() if text else "bijlage"
    return f"{text}.{extension}"
