# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class SaleOrderRoundCompare(models.TransientModel):
    """Two rounds side by side, line by line (on screen and in PDF)."""

    _name = "sale.order.round.compare"
    _description = "Compare Quotation Rounds"

    order_a_id = fields.Many2one("sale.order", string="From Round", required=True)
    order_b_id = fields.Many2one("sale.order", string="To Round", required=True)
    currency_id = fields.Many2one(related="order_b_id.currency_id")
    line_ids = fields.One2many(
        "sale.order.round.compare.line", "compare_id", compute="_compute_line_ids", store=True, readonly=True
    )
    amount_a = fields.Monetary(related="order_a_id.amount_untaxed", string="Untaxed A")
    amount_b = fields.Monetary(related="order_b_id.amount_untaxed", string="Untaxed B")
    amount_delta = fields.Monetary(compute="_compute_deltas", string="Untaxed Delta")
    total_delta = fields.Monetary(compute="_compute_deltas", string="Total Delta")
    margin_a = fields.Monetary(related="order_a_id.margin", string="Margin A")
    margin_b = fields.Monetary(related="order_b_id.margin", string="Margin B")
    margin_delta = fields.Monetary(compute="_compute_deltas")
    payment_term_a_id = fields.Many2one(related="order_a_id.payment_term_id", string="Terms A")
    payment_term_b_id = fields.Many2one(related="order_b_id.payment_term_id", string="Terms B")
    payment_term_changed = fields.Boolean(compute="_compute_deltas")

    @api.depends("order_a_id", "order_b_id")
    def _compute_deltas(self):
        for wizard in self:
            a, b = wizard.order_a_id, wizard.order_b_id
            wizard.amount_delta = b.amount_untaxed - a.amount_untaxed
            wizard.total_delta = b.amount_total - a.amount_total
            wizard.margin_delta = b.margin - a.margin
            wizard.payment_term_changed = a.payment_term_id != b.payment_term_id

    @api.depends("order_a_id", "order_b_id")
    def _compute_line_ids(self):
        Line = self.env["sale.order.round.compare.line"]
        for wizard in self:
            if not (wizard.order_a_id and wizard.order_b_id):
                wizard.line_ids = Line
                continue
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create(vals) for vals in wizard._crm_plus_diff()
            ]

    @api.model
    def _line_key(self, line):
        return (line.product_id.id, line.name if not line.product_id else "")

    def _crm_plus_diff(self):
        """Matched line pairs: same product (n-th occurrence with n-th); one dict per row."""
        self.ensure_one()
        if self.order_a_id.company_id != self.order_b_id.company_id:
            raise UserError(self.env._("Compare rounds of the same company."))

        def bucket(order):
            groups = {}
            for line in order.order_line.filtered(lambda ln: not ln.display_type):
                groups.setdefault(self._line_key(line), []).append(line)
            return groups

        a_lines, b_lines = bucket(self.order_a_id), bucket(self.order_b_id)
        rows = []
        keys = list(a_lines) + [k for k in b_lines if k not in a_lines]
        for key in keys:
            left, right = a_lines.get(key, []), b_lines.get(key, [])
            for index in range(max(len(left), len(right))):
                la = left[index] if index < len(left) else False
                lb = right[index] if index < len(right) else False
                rows.append(self._crm_plus_row(la, lb))
        return rows

    def _crm_plus_row(self, la, lb):
        line = lb or la
        status = "added" if not la else "removed" if not lb else "same"
        vals = {
            "product_id": line.product_id.id,
            "name": line.name,
            "qty_a": la.product_uom_qty if la else 0.0,
            "qty_b": lb.product_uom_qty if lb else 0.0,
            "price_a": la.price_unit if la else 0.0,
            "price_b": lb.price_unit if lb else 0.0,
            "discount_a": la.discount if la else 0.0,
            "discount_b": lb.discount if lb else 0.0,
            "subtotal_a": la.price_subtotal if la else 0.0,
            "subtotal_b": lb.price_subtotal if lb else 0.0,
        }
        if status == "same" and any(vals[f"{f}_a"] != vals[f"{f}_b"] for f in ("qty", "price", "discount", "subtotal")):
            status = "changed"
        vals["status"] = status
        return vals

    def action_print(self):
        self.ensure_one()
        return self.env.ref("crm_plus.action_report_round_compare").report_action(self)


class SaleOrderRoundCompareLine(models.TransientModel):
    _name = "sale.order.round.compare.line"
    _description = "Compare Quotation Rounds Line"

    compare_id = fields.Many2one("sale.order.round.compare", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="compare_id.currency_id")
    status = fields.Selection(
        [("same", "Unchanged"), ("changed", "Changed"), ("added", "Added"), ("removed", "Removed")]
    )
    product_id = fields.Many2one("product.product")
    name = fields.Text(string="Description")
    qty_a = fields.Float(string="Qty A", digits="Product Unit")
    qty_b = fields.Float(string="Qty B", digits="Product Unit")
    qty_delta = fields.Float(compute="_compute_deltas", digits="Product Unit")
    price_a = fields.Float(string="Price A", digits="Product Price")
    price_b = fields.Float(string="Price B", digits="Product Price")
    price_delta = fields.Float(compute="_compute_deltas", digits="Product Price")
    discount_a = fields.Float(string="Disc. A (%)", digits="Discount")
    discount_b = fields.Float(string="Disc. B (%)", digits="Discount")
    discount_delta = fields.Float(compute="_compute_deltas", digits="Discount")
    subtotal_a = fields.Monetary(string="Subtotal A")
    subtotal_b = fields.Monetary(string="Subtotal B")
    subtotal_delta = fields.Monetary(compute="_compute_deltas")

    @api.depends("qty_a", "qty_b", "price_a", "price_b", "discount_a", "discount_b", "subtotal_a", "subtotal_b")
    def _compute_deltas(self):
        for line in self:
            line.qty_delta = line.qty_b - line.qty_a
            line.price_delta = line.price_b - line.price_a
            line.discount_delta = line.discount_b - line.discount_a
            line.subtotal_delta = line.subtotal_b - line.subtotal_a
