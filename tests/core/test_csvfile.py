"""The one way tables become CSV files (attendee lists, progress tables, signal summaries)."""

import csv
import io

from circles.core.csvfile import csv_bytes, csv_cell


def test_cells_that_look_like_formulas_are_quoted_and_numbers_stay_numbers():
    assert [csv_cell(v) for v in ("=1+1", "+31 6", "-2", "@SUM(A1)", "Anna", "", None, 3, -2, 1.5)] == [
        "'=1+1", "'+31 6", "'-2", "'@SUM(A1)", "Anna", "", "", "3", "-2", "1.5"]


def test_excel_opens_it_as_utf8_with_semicolons():
    data = csv_bytes(["Naam", "Aantal"], [["Gemeente Één", 3], ["=cmd", None]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Naam", "Aantal"], ["Gemeente Één", "3"], ["'=cmd", ""]]
