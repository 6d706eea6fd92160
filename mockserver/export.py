"""Download answers: CSV files a spreadsheet opens safely, zip archives, and their file names.

Vendors that export lists (TWIN's ``format=CSV|CSV_EXCEL`` and ``zip=true``) say which columns
and values; writing them is generic. CSV follows RFC 4180 (CRLF line ends, fields quoted only
when they hold the delimiter, a quote or a line break). A cell that Excel, LibreOffice or Google
Sheets would run as a formula, one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, is neutralised with a leading ``'`` as OWASP advises against CSV injection: a phone
number ``+79161234567`` becomes ``'+79161234567`` and ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from .encoding import json_bytes

__all__ = ["FORMULA_TRIGGERS", "cell_text", "content_disposition", "csv_bytes", "zip_bytes"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def cell_text(value: Any) -> str:
    """One value as the text of a cell.

    Null is an empty cell, booleans are ``true``/``false`` as in JSON, lists and objects are
    compact JSON, and text that a spreadsheet would evaluate gets a leading ``'``. Numbers are
    written as numbers: they are data, not formulas, even when negative.
    """
    # Text first, by exact type: it is most cells, and an export writes thousands per call.
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, (int, float)):
        return str(value)
    elif isinstance(value, (list, dict)):
        return json_bytes(value).decode()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    """A UTF-8 CSV file: the header row, then one row per item, every value through cell_text.

    ``bom`` prepends the UTF-8 byte order mark, which is how Excel recognises UTF-8.
    """
    out = io.StringIO()
    if bom:
        out.write(UTF8_BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([cell_text(name) for name in header])
    writer.writerows([cell_text(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def zip_bytes(name: str, content: bytes, *, modified: float | None = None) -> bytes:
    """A zip archive holding one deflated file ``name`` stamped ``modified`` (epoch seconds)."""
    stamp = time.gmtime(time.time() if modified is None else modified)
    when = (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec)
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, content)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name, RFC 6266 style.

    A non-ASCII name also goes in ``filename*`` (RFC 5987, UTF-8, percent-encoded), with an ASCII
    stand-in in ``filename`` for clients that only read that one.
    """
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
