import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..report.crm_plus_xlsx import XlsxWriter
from .reporting_common import CrmPlusReportingCommon


def _open(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _header_row(ws):
    # the frozen pane is just below the header row
    return ws.freeze_panes and int("".join(c for c in ws.freeze_panes if c.isdigit())) - 1


@tagged("post_install", "-at_install")
class TestXlsxWriter(CrmPlusReportingCommon):
    def test_writer_formats_freeze_autofilter_and_no_formulas(self):
        columns = [
            {"label": "Name", "type": "char"},
            {"label": "Amount", "type": "monetary"},
            {"label": "Due", "type": "date"},
            {"label": "Count", "type": "integer"},
        ]
        with XlsxWriter() as book:
            sheet = book.add_sheet("Sec/One", columns, filters=[("Customer", "=cmd|' /C calc'!A0")])
            sheet.write_row(["=1+1", 1234.5, self.today, 3])
            sheet.write_row(["+SUM(A1:A2)", -12.0, None, 0])
            sheet.write_row(["-2+3", 0.0, "2026-01-31", 1])
            sheet.write_row(["@SUM(1)", None, None, None])
            book.add_sheet("Second", [{"label": "X", "type": "char"}]).write_row(["plain"])
        wb = _open(book.data)
        self.assertEqual(wb.sheetnames, ["SecOne", "Second"])
        ws = wb["SecOne"]
        # filters block, blank line, header on row 3, frozen below it, autofilter over the table
        self.assertEqual(ws["A1"].value, "Customer")
        self.assertEqual(ws["B1"].value, "=cmd|' /C calc'!A0")
        self.assertEqual(ws["B1"].data_type, "s")
        self.assertEqual([c.value for c in ws[3]], ["Name", "Amount", "Due", "Count"])
        self.assertTrue(ws["A3"].font.b)
        self.assertEqual(ws.freeze_panes, "A4")
        self.assertEqual(ws.auto_filter.ref, "A3:D7")
        for row, text in zip(range(4, 8), ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)"], strict=True):
            cell = ws.cell(row=row, column=1)
            self.assertEqual(cell.value, text)
            self.assertEqual(cell.data_type, "s", f"{text} must stay text, not a formula")
        self.assertEqual(ws["B4"].value, 1234.5)
        self.assertEqual(ws["B4"].number_format, "#,##0.00")
        self.assertEqual(ws["B5"].value, -12.0)
        self.assertEqual(ws["C4"].value.date(), self.today)
        self.assertEqual(ws["C4"].number_format, "yyyy-mm-dd")
        self.assertEqual(ws["C6"].value.date().isoformat(), "2026-01-31")
        self.assertEqual(ws["D4"].number_format, "0")
        self.assertIsNone(ws["B7"].value)
        self.assertEqual(wb["Second"]["A2"].value, "plain")
        self.assertEqual(wb["Second"].auto_filter.ref, "A1:A2")


@tagged("post_install", "-at_install")
class TestXlsxExport(CrmPlusReportingCommon):
    def _export(self, user, export_type, **vals):
        wizard = self.env["crm_plus.xlsx.export"].with_user(user).create({"export_type": export_type, **vals})
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.res_id, wizard.id)
        return _open(attachment.with_user(user).raw)

    def _data_rows(self, ws):
        header = _header_row(ws)
        return [row for row in ws.iter_rows(min_row=header + 1, values_only=True) if any(v is not None for v in row)]

    def test_aging_export_per_role(self):
        wb = self._export(self.sales_manager, "aging")
        self.assertEqual(wb.sheetnames, ["By Customer", "Open Items"])
        ws = wb["Open Items"]
        header = _header_row(ws)
        self.assertEqual(ws.freeze_panes, f"A{header + 1}")
        labels = [c.value for c in ws[header]]
        self.assertIn("Open Amount", labels)
        self.assertIn("Exported by", [ws.cell(row=r, column=1).value for r in range(1, header)])
        rows = [
            r
            for r in self._data_rows(ws)
            if r[labels.index("Customer")] in ("Aging Customer", '=HYPERLINK("http://evil")')
        ]
        self.assertEqual(len(rows), 6)
        # the customer name that looks like a formula is text
        evil = [
            r
            for r in ws.iter_rows(min_row=header + 1)
            if r[labels.index("Customer")].value == '=HYPERLINK("http://evil")'
        ]
        self.assertEqual(evil[0][labels.index("Customer")].data_type, "s")
        # summary per customer: buckets of the aging customer
        summary = wb["By Customer"]
        sh = _header_row(summary)
        slabels = [c.value for c in summary[sh]]
        row = next(r for r in self._data_rows(summary) if r[0] == "Aging Customer")
        self.assertEqual(row[slabels.index("Not Due")], 100)
        self.assertEqual(row[slabels.index("1-30")], 200)
        self.assertEqual(row[slabels.index("31-60")], 300)
        self.assertEqual(row[slabels.index("61-90")], 400)
        self.assertEqual(row[slabels.index("> 90")], 500)
        self.assertEqual(row[slabels.index("Open Amount")], 1500)
        self.assertEqual(summary[f"{chr(65 + slabels.index('Open Amount'))}{sh + 1}"].number_format, "#,##0.00")

        # the salesperson only sees his own customer's items, the other salesperson his
        ws = self._export(self.salesman, "aging")["Open Items"]
        customers = {r[labels.index("Customer")] for r in self._data_rows(ws)}
        self.assertIn("Aging Customer", customers)
        self.assertNotIn('=HYPERLINK("http://evil")', customers)
        ws = self._export(self.other_salesman, "aging")["Open Items"]
        customers = {r[labels.index("Customer")] for r in self._data_rows(ws)}
        self.assertEqual(customers, {'=HYPERLINK("http://evil")'})

    def test_aging_export_filters_written(self):
        wb = self._export(self.sales_manager, "aging", partner_id=self.aging_customer.id, user_id=self.salesman.id)
        ws = wb["Open Items"]
        header = _header_row(ws)
        block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, header)}
        self.assertEqual(block["Customer"], "Aging Customer")
        self.assertEqual(block["Salesperson"], self.salesman.name)
        self.assertEqual(len(self._data_rows(ws)), 5)

    def test_plan_status_export(self):
        wb = self._export(self.salesman, "plans")
        self.assertEqual(wb.sheetnames, ["Plans", "Steps"])
        steps = wb["Steps"]
        header = _header_row(steps)
        labels = [c.value for c in steps[header]]
        rows = self._data_rows(steps)
        self.assertEqual(
            sorted(r[labels.index("Planned Date")].date() for r in rows)[0],
            min(self.aging_plan.step_ids.mapped("date_due")),
        )
        self.assertEqual({r[labels.index("Customer")] for r in rows}, {"Aging Customer"})
        self.assertEqual(steps.auto_filter.ref.split(":")[0], f"A{header}")

    def test_rounds_export_requires_deal(self):
        wizard = self.env["crm_plus.xlsx.export"].with_user(self.salesman).create({"export_type": "rounds"})
        with self.assertRaises(UserError):
            wizard.action_export()

    def test_rounds_export(self):
        order = self.aging_order.with_user(self.salesman)
        order.action_new_round()
        wb = self._export(self.salesman, "rounds", order_id=self.aging_order.id)
        rounds = wb["Rounds"]
        labels = [c.value for c in rounds[_header_row(rounds)]]
        rows = self._data_rows(rounds)
        self.assertEqual([r[labels.index("Round Number")] for r in rows], [1, 2])
        self.assertEqual(len(self._data_rows(wb["Lines"])), 2)

    def test_customers_and_dunning_exports(self):
        self.env["crm_plus.attribute"].with_user(self.crm_admin).create(
            {"name": "Licence", "code": "rep_licence", "value_type": "char"}
        )
        self.aging_customer.x_attr_rep_licence = "@LIC-42"
        wb = self._export(self.sales_manager, "customers")
        ws = wb["Customers"]
        header = _header_row(ws)
        labels = [c.value for c in ws[header]]
        rows = {r[0]: r for r in self._data_rows(ws)}
        self.assertEqual(rows["Aging Customer"][labels.index("Customer Category")], "Key Account")
        self.assertEqual(rows["Aging Customer"][labels.index("Licence")], "@LIC-42")
        self.assertIn('=HYPERLINK("http://evil")', rows)
        cells = next(r for r in ws.iter_rows(min_row=header + 1) if r[0].value == "Aging Customer")
        self.assertEqual(cells[labels.index("Licence")].data_type, "s")
        wb = self._export(self.finance, "dunning")
        self.assertEqual(wb.sheetnames, ["Communications", "Customers by Level"])
