"""Tables as CSV files for spreadsheets, written one way everywhere: UTF-8 with a byte order mark and ``;``
between cells (what Dutch Excel opens without an import dialog), and no cell a spreadsheet would run as a
formula."""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP: prefix with a quote). Numbers stay numbers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    """A download named ``filename`` (ASCII, ends in .csv)."""
    return Response(csv_bytes(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
