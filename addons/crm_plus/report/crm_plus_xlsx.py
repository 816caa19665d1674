# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One small streaming xlsx writer shared by every crm_plus export.

``XlsxWriter`` wraps xlsxwriter in ``constant_memory`` mode: rows are flushed to
a temporary file as soon as the next row starts, so memory stays flat whatever
the number of rows. Each section is one sheet with a block of the filters used,
a formatted header row (frozen), an autofilter over the data and typed cells.
Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) is
always written as a string, never as a formula.
"""

import datetime
import os
import tempfile

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@")
# column types -> xlsxwriter number formats
NUM_FORMATS = {
    "char": None,
    "integer": "0",
    "float": "#,##0.00",
    "monetary": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


class XlsxSheet:
    """One sheet: filters block, header, then rows written in order."""

    def __init__(self, book, worksheet, columns, filters):
        self.book = book
        self.ws = worksheet
        self.columns = columns
        self.row = 0
        self.rows_written = 0
        self._write_filters(filters)
        self._write_header()

    def _write_filters(self, filters):
        if not filters:
            return
        for label, value in filters:
            self.ws.write_string(self.row, 0, str(label), self.book.fmt_filter_label)
            self._write_text(self.row, 1, "" if value in (None, False) else str(value))
            self.row += 1
        self.row += 1  # blank line before the table

    def _write_header(self):
        for col, column in enumerate(self.columns):
            self.ws.write_string(self.row, col, column["label"], self.book.fmt_header)
            self.ws.set_column(col, col, column.get("width") or max(12, min(40, len(column["label"]) + 4)))
        self.header_row = self.row
        self.ws.freeze_panes(self.row + 1, 0)
        self.row += 1

    def _write_text(self, row, col, value, fmt=None):
        # write_string never interprets the value: "=HYPERLINK(...)" stays text.
        self.ws.write_string(row, col, value, fmt)

    def write_row(self, values):
        ws, book = self.ws, self.book
        for col, (column, value) in enumerate(zip(self.columns, values, strict=False)):
            ctype = column.get("type", "char")
            if value is None or (value is False and ctype != "boolean"):
                ws.write_blank(self.row, col, None)
            elif ctype in ("integer", "float", "monetary", "percent"):
                ws.write_number(self.row, col, value, book.formats[ctype])
            elif ctype == "boolean":
                ws.write_boolean(self.row, col, bool(value))
            elif ctype in ("date", "datetime"):
                if isinstance(value, datetime.datetime):
                    value = value.replace(tzinfo=None)
                elif not isinstance(value, datetime.date):
                    value = datetime.datetime.fromisoformat(str(value))
                ws.write_datetime(self.row, col, value, book.formats[ctype])
            else:
                self._write_text(self.row, col, str(value))
        self.row += 1
        self.rows_written += 1

    def close(self):
        last_col = max(len(self.columns) - 1, 0)
        last_row = max(self.row - 1, self.header_row)
        self.ws.autofilter(self.header_row, 0, last_row, last_col)


class XlsxWriter:
    """Streaming workbook on a temporary file; ``close()`` returns the bytes.

    Usage::

        with XlsxWriter() as book:
            sheet = book.add_sheet("Aging", columns, filters=[("Date", today)])
            for values in rows:
                sheet.write_row(values)
        data = book.data
    """

    def __init__(self):
        fd, self.path = tempfile.mkstemp(suffix=".xlsx", prefix="crm_plus_")
        os.close(fd)
        self.workbook = xlsxwriter.Workbook(
            self.path,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": tempfile.gettempdir(),
            },
        )
        self.fmt_header = self.workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.fmt_filter_label = self.workbook.add_format({"bold": True, "italic": True})
        self.formats = {
            ctype: self.workbook.add_format({"num_format": num}) for ctype, num in NUM_FORMATS.items() if num
        }
        self.sheets = []
        self.data = None

    def add_sheet(self, title, columns, filters=None):
        # constant_memory writes rows in order: finish the previous sheet first.
        if self.sheets:
            self.sheets[-1].close()
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or f"Sheet{len(self.sheets) + 1}"
        sheet = XlsxSheet(self, self.workbook.add_worksheet(name), columns, filters)
        self.sheets.append(sheet)
        return sheet

    def close(self):
        if self.sheets:
            self.sheets[-1].close()
        else:
            self.workbook.add_worksheet()
        self.workbook.close()
        try:
            with open(self.path, "rb") as f:
                self.data = f.read()
        finally:
            os.unlink(self.path)
        return self.data

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.workbook.close()
            if os.path.exists(self.path):
                os.unlink(self.path)
        return False
