# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Excel exports of crm_plus, run as the requesting user (no sudo: record rules apply)."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import split_every

from ..report.crm_plus_xlsx import XlsxWriter

EXPORTS = [
    ("aging", "Receivables Aging"),
    ("dunning", "Dunning List"),
    ("rounds", "Round Comparison of a Deal"),
    ("plans", "Plan Status"),
    ("customers", "Customers with Attributes"),
    ("staff", "Staff Performance"),
]
# staff performance export: the measures of crm_plus.report.staff, in this order
STAFF_MEASURES = [
    "opportunity_won",
    "opportunity_lost",
    "quote_count",
    "new_round_count",
    "rounds_to_win",
    "discount",
    "discount_limit",
    "discount_over_limit",
    "approval_requested",
    "approval_refused",
    "step_count",
    "step_on_time",
    "order_count",
    "revenue",
    "revenue_target",
    "collections",
    "collections_target",
    "new_customers",
    "followups",
]
BATCH = 2000
COLUMN_TYPES = {
    "integer": "integer",
    "float": "float",
    "monetary": "monetary",
    "date": "date",
    "datetime": "datetime",
    "boolean": "boolean",
}


class CrmPlusXlsxExport(models.TransientModel):
    _name = "crm_plus.xlsx.export"
    _description = "CRM Plus Excel Export"

    export_type = fields.Selection(EXPORTS, string="Export", required=True, default="aging")
    date_from = fields.Date()
    date_to = fields.Date()
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", string="Salesperson", domain=[("share", "=", False)])
    order_id = fields.Many2one("sale.order", string="Deal", help="Any round of the deal to compare.")
    file_name = fields.Char(readonly=True)

    @api.onchange("export_type")
    def _onchange_export_type(self):
        if self.export_type != "rounds":
            self.order_id = False

    # ------------------------------------------------------------------ actions
    def action_export(self):
        """Build the file as the current user and download it."""
        self.ensure_one()
        data = self._build_xlsx()
        label = dict(self._fields["export_type"]._description_selection(self.env))[self.export_type]
        self.file_name = f"{label} {fields.Date.context_today(self)}.xlsx"
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.file_name,
                "raw": data,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _build_xlsx(self):
        self.ensure_one()
        if self.export_type == "rounds" and not self.order_id:
            raise UserError(self.env._("Choose the deal whose rounds you want to compare."))
        with XlsxWriter() as book:
            getattr(self, f"_export_{self.export_type}")(book)
        return book.data

    # ------------------------------------------------------------------ helpers
    def _filters_used(self):
        """The filter block written on top of every sheet."""
        _ = self.env._
        label = dict(self._fields["export_type"]._description_selection(self.env))[self.export_type]
        rows = [
            (_("Export"), label),
            (_("Exported by"), self.env.user.name),
            (_("Exported on"), fields.Datetime.to_string(fields.Datetime.now())),
            (_("Companies"), ", ".join(self.env.companies.mapped("name"))),
        ]
        if self.date_from:
            rows.append((_("From"), fields.Date.to_string(self.date_from)))
        if self.date_to:
            rows.append((_("To"), fields.Date.to_string(self.date_to)))
        if self.partner_id:
            rows.append((_("Customer"), self.partner_id.display_name))
        if self.user_id:
            rows.append((_("Salesperson"), self.user_id.name))
        if self.order_id:
            rows.append((_("Deal"), self.order_id.display_name))
        return rows

    def _domain(self, date_field=None, partner_field="partner_id", user_field="user_id"):
        domain = Domain.TRUE
        if date_field and self.date_from:
            domain &= Domain(date_field, ">=", self.date_from)
        if date_field and self.date_to:
            domain &= Domain(date_field, "<=", self.date_to)
        if partner_field and self.partner_id:
            domain &= Domain(partner_field, "child_of", self.partner_id.commercial_partner_id.id)
        if user_field and self.user_id:
            domain &= Domain(user_field, "=", self.user_id.id)
        return domain

    def _columns(self, model, fnames):
        fields_ = self.env[model]._fields
        return [
            {
                "name": f,
                "label": fields_[f]._description_string(self.env),
                "type": COLUMN_TYPES.get(fields_[f].type, "char"),
            }
            for f in fnames
        ]

    def _stream(self, book, title, model, domain, fnames, order=None, columns=None):
        """Write the records matching domain, as the user, in batches: flat memory."""
        Model = self.env[model]
        columns = columns or self._columns(model, fnames)
        sheet = book.add_sheet(title, columns, self._filters_used())
        fields_ = Model._fields
        selections = {
            f: dict(fields_[f]._description_selection(self.env)) for f in fnames if fields_[f].type == "selection"
        }
        ids = Model.search(domain, order=order).ids
        for batch in split_every(BATCH, ids):
            records = Model.browse(batch)
            for vals in records.read(fnames, load="_classic_read"):
                sheet.write_row([self._cell(fields_[f], vals[f], selections) for f in fnames])
            self.env.invalidate_all()
        return sheet

    def _cell(self, field, value, selections):
        if field.type == "many2one":
            return value[1] if value else None
        if field.type == "selection":
            return selections[field.name].get(value) if value else None
        if field.type in ("many2many", "one2many"):
            return ", ".join(self.env[field.comodel_name].browse(value).mapped("display_name")) if value else None
        if field.type == "boolean":
            return bool(value)
        return value

    # ------------------------------------------------------------------ exports
    def _export_aging(self, book):
        Aging = self.env["crm_plus.report.aging"]
        domain = self._domain(date_field="date_due")
        amounts = ["amount_not_due", "amount_1_30", "amount_31_60", "amount_61_90", "amount_over_90", "amount_residual"]
        summary = book.add_sheet(
            self.env._("By Customer"),
            self._columns("crm_plus.report.aging", ["partner_id", "category_id", "dunning_level_id", *amounts]),
            self._filters_used(),
        )
        groups = Aging._read_group(
            domain, ["partner_id", "category_id", "dunning_level_id"], [f"{f}:sum" for f in amounts]
        )
        for partner, category, level, *sums in sorted(groups, key=lambda g: -(g[-1] or 0)):
            summary.write_row([partner.display_name, category.display_name or None, level.display_name or None, *sums])
        self._stream(
            book,
            self.env._("Open Items"),
            "crm_plus.report.aging",
            domain,
            [
                "name",
                "source",
                "partner_id",
                "category_id",
                "dunning_level_id",
                "user_id",
                "team_id",
                "date_due",
                "days_overdue",
                "bucket",
                *amounts,
            ],
            order="partner_id, date_due, id",
        )

    def _export_dunning(self, book):
        self._stream(
            book,
            self.env._("Communications"),
            "crm_plus.dunning.communication",
            self._domain(date_field="date"),
            ["date", "partner_id", "level_id", "channel", "state", "user_id", "amount_residual", "failure_reason"],
            order="date desc, id desc",
        )
        self._stream(
            book,
            self.env._("Customers by Level"),
            "res.partner",
            self._domain(partner_field="id") & Domain("crm_plus_dunning_level_id", "!=", False),
            ["name", "crm_plus_dunning_level_id", "crm_plus_credit_hold", "user_id", "email", "phone"],
            order="name",
        )

    def _export_rounds(self, book):
        root = self.order_id.round_root_id or self.order_id
        domain = Domain("id", "=", root.id) | Domain("round_root_id", "=", root.id)
        self._stream(
            book,
            self.env._("Rounds"),
            "sale.order",
            domain,
            [
                "round_number",
                "name",
                "date_order",
                "partner_id",
                "user_id",
                "state",
                "round_state",
                "approval_state",
                "payment_term_id",
                "amount_untaxed",
                "amount_total",
                "margin",
                "round_lost_reason",
            ],
            order="round_number, id",
        )
        orders = self.env["sale.order"].search(domain, order="round_number, id")
        self._stream(
            book,
            self.env._("Lines"),
            "sale.order.line",
            Domain("order_id", "in", orders.ids) & Domain("display_type", "=", False),
            ["order_id", "product_id", "name", "product_uom_qty", "price_unit", "discount", "price_subtotal"],
            order="product_id, order_id, id",
        )

    def _export_plans(self, book):
        self._stream(
            book,
            self.env._("Plans"),
            "crm_plus.plan",
            self._domain(date_field="date_next"),
            [
                "name",
                "partner_id",
                "user_id",
                "state",
                "step_count",
                "amount_planned",
                "amount_collected",
                "amount_open",
                "progress",
                "date_next",
            ],
            order="date_next, id",
        )
        self._stream(
            book,
            self.env._("Steps"),
            "crm_plus.plan.step",
            self._domain(date_field="date_due", user_field="order_id.user_id"),
            [
                "order_id",
                "partner_id",
                "name",
                "action_type_id",
                "user_id",
                "date_due",
                "state",
                "amount",
                "amount_done",
                "amount_residual",
                "date_done",
            ],
            order="date_due, id",
        )

    def _export_staff(self, book):
        """Per salesperson (employee, department) over the period, then per salesperson and month."""
        Staff = self.env["crm_plus.report.staff"]
        fields_ = Staff._fields
        domain = self._domain(date_field="date", partner_field=None)
        aggregates = [f"{name}:{fields_[name].aggregator}" for name in STAFF_MEASURES]
        people = ["user_id", "employee_id", "department_id"]
        columns = self._columns("crm_plus.report.staff", people + STAFF_MEASURES)
        sheet = book.add_sheet(self.env._("By Salesperson"), columns, self._filters_used())
        groups = Staff._read_group(domain, people, aggregates, order="user_id")
        for user, employee, department, *values in groups:
            # sudo: only the names of the employee and department grouped above, as Odoo's own grouped reads show
            # them (hr.employee is readable by HR users only)
            names = [employee.sudo().name, department.sudo().name]
            sheet.write_row([user.name, *names, *values])
        columns = self._columns("crm_plus.report.staff", ["user_id", "date", *STAFF_MEASURES])
        columns[1] = {"name": "month", "label": self.env._("Month"), "type": "date"}
        sheet = book.add_sheet(self.env._("By Month"), columns, self._filters_used())
        groups = Staff._read_group(domain, ["user_id", "date:month"], aggregates, order="user_id, date:month")
        for user, month, *values in groups:
            sheet.write_row([user.name, month, *values])

    def _export_customers(self, book):
        Partner = self.env["res.partner"]
        # only the attributes this user may read (attribute fields can be restricted to groups)
        attributes = (
            self.env["crm_plus.attribute"]
            .search([])
            .filtered(
                lambda a: a.field_name in Partner._fields
                and Partner._has_field_access(Partner._fields[a.field_name], "read")
            )
        )
        fnames = [
            "name",
            "ref",
            "crm_plus_category_id",
            "user_id",
            "email",
            "phone",
            "country_id",
            "crm_plus_dunning_level_id",
        ]
        fnames += attributes.mapped("field_name")
        domain = self._domain(partner_field="id") & (
            Domain("customer_rank", ">", 0) | Domain("crm_plus_category_id", "!=", False)
        )
        domain &= Domain("parent_id", "=", False)
        self._stream(book, self.env._("Customers"), "res.partner", domain, fnames, order="name, id")
