from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest

from mockserver.export import cell_text, content_disposition, csv_bytes, zip_bytes


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-5, "-5"),
        (2.5, "2.5"),
        ([], "[]"),
        ([{"id": 3, "name": "Ö"}], '[{"id":3,"name":"Ö"}]'),
        ({"a": None}, '{"a":null}'),
        ("plain", "plain"),
        ("", ""),
        ("O'Brien, Sean", "O'Brien, Sean"),
        ("=1+1", "'=1+1"),
        ("+79161234567", "'+79161234567"),
        ("-1001234567890", "'-1001234567890"),
        ("@admin", "'@admin"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("a=b", "a=b"),
        ("'quoted", "'quoted"),
    ],
)
def test_cell_text(value: Any, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True), ("\t", False)])
def test_csv_round_trips_through_the_csv_module(delimiter: str, bom: bool) -> None:
    rows = [
        ["a,b", 'say "hi"', "x;y"],
        ["line\nbreak", None, True],
        ["=cmd", 7, ["t1", "t2"]],
    ]
    data = csv_bytes(["one", "two", "three"], rows, delimiter=delimiter, bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") is bom
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert text.startswith(delimiter.join(["one", "two", "three"]) + "\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert parsed == [
        ["one", "two", "three"],
        ["a,b", 'say "hi"', "x;y"],
        ["line\nbreak", "", "true"],
        ["'=cmd", "7", '["t1","t2"]'],
    ]


def test_csv_quotes_only_what_needs_quoting() -> None:
    data = csv_bytes(["h"], [["plain"], ["a,b"], ['q"q']]).decode()
    assert data == 'h\r\nplain\r\n"a,b"\r\n"q""q"\r\n'
    assert csv_bytes(["h"], [["a,b"]], delimiter=";").decode() == "h\r\na,b\r\n"


def test_header_only_when_there_are_no_rows() -> None:
    assert csv_bytes(["id", "name"], []) == b"id,name\r\n"


def test_zip_holds_one_deflated_file_stamped_in_utc() -> None:
    content = "id\r\n" + "x" * 500 + "\r\n"
    data = zip_bytes("report.csv", content.encode(), modified=1751284800)  # 2025-06-30 12:00
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        (info,) = archive.infolist()
        assert info.filename == "report.csv"
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size < info.file_size
        assert info.date_time == (2025, 6, 30, 12, 0, 0)
        assert archive.read("report.csv").decode() == content


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("chat-sessions.csv", 'attachment; filename="chat-sessions.csv"'),
        (
            "отчёт.zip",
            'attachment; filename="_____.zip"; '
            "filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.zip",
        ),
        ("a b.json", 'attachment; filename="a b.json"'),
    ],
)
def test_content_disposition(filename: str, header: str) -> None:
    assert content_disposition(filename) == header
