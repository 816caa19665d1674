# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.fields import Domain

DOCUMENT_TYPES = [
    ("order", "Order approval"),
    ("discount", "Discount exception"),
    ("credit_hold", "Credit-hold release"),
    ("plan_change", "Plan change"),
    ("dunning", "Dunning escalation"),
]
# Document type -> model whose records travel the route.
DOCUMENT_MODELS = {
    "order": "sale.order",
    "discount": "sale.order",
    "credit_hold": "sale.order",
    "plan_change": "sale.order",
    "dunning": "crm_plus.dunning.communication",
}


class CrmPlusOaRoute(models.Model):
    """An approval route: which requests it takes (conditions) and the steps they travel.

    A route only *plans* reviews. At request time its steps are resolved into
    ``tier.review`` records that carry a snapshot of their approvers, so
    editing a route never changes the requests already in flight.
    """

    _name = "crm_plus_oa.route"
    _description = "Approval Route"
    _inherit = ["mail.thread"]
    _order = "company_id, document_type, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10, help="The first matching route (lowest sequence) takes the request.")
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
        help="Empty: the route serves every company.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", help="Currency of the amount conditions."
    )
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, default="order", tracking=True)
    model = fields.Char(compute="_compute_model", store=True)
    # conditions
    amount_min = fields.Monetary(
        string="Untaxed Amount From",
        currency_field="currency_id",
        tracking=True,
        help="The route takes orders whose untaxed amount is at least this (0: any amount).",
    )
    amount_max = fields.Monetary(
        string="Untaxed Amount Below",
        currency_field="currency_id",
        tracking=True,
        help="The route takes orders whose untaxed amount is below this (0: no upper bound).",
    )
    discount_min = fields.Float(
        string="Max Line Discount From (%)",
        tracking=True,
        help="The route takes orders with a line discount of at least this percentage (0: any).",
    )
    margin_max = fields.Float(
        string="Margin Below (%)",
        tracking=True,
        help="The route takes orders whose margin is below this percentage (0: any margin).",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="The route takes orders of customers with one of these tags (empty: any customer).",
    )
    filter_domain = fields.Char(
        string="Extra Condition",
        default="[]",
        help="A domain on the document, for conditions the fields above do not cover.",
    )
    step_ids = fields.One2many("crm_plus_oa.route.step", "route_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    require_contract = fields.Boolean(
        string="Require a Contract Document",
        help="The order can only be approved once a document is filed in the customer's Contracts folder.",
    )
    note = fields.Html()

    _amount_range = models.Constraint(
        "CHECK(amount_max = 0 OR amount_max > amount_min)", "The upper amount must be above the lower amount."
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for route in self:
            route.currency_id = (route.company_id or self.env.company).currency_id

    @api.depends("document_type")
    def _compute_model(self):
        for route in self:
            route.model = DOCUMENT_MODELS.get(route.document_type)

    @api.depends("step_ids")
    def _compute_step_count(self):
        for route in self:
            route.step_count = len(route.step_ids)

    @api.constrains("filter_domain")
    def _check_filter_domain(self):
        for route in self:
            try:
                domain = literal_eval(route.filter_domain or "[]")
                # sudo: only checks that the domain is valid on the model, whatever the editor may read
                self.env[route.model or "sale.order"].sudo().search_count(Domain(domain), limit=1)
            except (ValueError, SyntaxError, TypeError, KeyError) as error:
                raise ValidationError(
                    self.env._(
                        "Route %(route)s: the extra condition is not a valid domain (%(error)s).",
                        route=route.name,
                        error=error,
                    )
                ) from error

    # --------------------------------------------------------------- matching
    @api.model
    def _crm_plus_oa_find(self, record, document_types):
        """First active route of ``document_types`` (in that order of preference) taking ``record``."""
        return self._crm_plus_oa_find_many(record, document_types).get(record.id, self.browse())

    @api.model
    def _crm_plus_oa_find_many(self, records, document_types):
        """``{record id: route}`` for the ``records`` a route of ``document_types`` takes (one query)."""
        if not records:
            return {}
        # sudo: routes are configuration; any requester may be routed by them.
        routes = self.sudo().search(
            Domain("document_type", "in", list(document_types))
            & Domain("company_id", "in", [False, *records.company_id.ids])
        )
        found = {}
        for record in records:
            for document_type in document_types:
                route = routes.filtered(
                    lambda r, t=document_type, rec=record: r.document_type == t
                    and r.company_id in (rec.company_id, r.browse())
                    and r.step_ids
                    and r._crm_plus_oa_matches(rec)
                )[:1]
                if route:
                    found[record.id] = route.with_env(self.env)
                    break
        return found

    @api.model
    def _crm_plus_oa_condition_fields(self, document_type):
        """Names of the document's fields that the extra conditions of active routes read (first part of a path)."""
        # sudo: the routes decide for every requester, whatever he may read of them
        routes = self.sudo().search(
            [("document_type", "=", document_type), ("filter_domain", "not in", (False, "", "[]"))]
        )
        return {
            condition.field_expr.split(".", 1)[0]
            for route in routes
            for condition in Domain(literal_eval(route.filter_domain)).iter_conditions()
        }

    def _crm_plus_oa_matches(self, record):
        self.ensure_one()
        # sudo: routes match on figures the requester may not read (margin, customer tags, overdue amounts)
        record = record.sudo()
        if record._name == "sale.order":
            if not self._crm_plus_oa_matches_figures(
                record.amount_untaxed, record.currency_id, record.company_id, record.date_order, record.partner_id
            ):
                return False
            if self.discount_min and max(record.order_line.mapped("discount") or [0.0]) < self.discount_min:
                return False
            if self.margin_max and record.margin_percent * 100 >= self.margin_max:
                return False
        elif record._name == "crm_plus.dunning.communication":
            # a dunning escalation: the amount overdue it is about
            currency = record.currency_id or record.company_id.currency_id
            if not self._crm_plus_oa_matches_figures(
                record.amount_residual, currency, record.company_id, record.date, record.partner_id
            ):
                return False
        domain = literal_eval(self.filter_domain or "[]")
        # the route's extra condition is the administrator's, evaluated whatever the requester may read
        return not domain or bool(record.filtered_domain(domain))

    def _crm_plus_oa_matches_figures(self, amount, currency, company, date, partner):
        """Amount range (in the route's currency) and customer tags."""
        amount = currency._convert(amount, self.currency_id, company, date or fields.Date.today())
        if self.amount_min and amount < self.amount_min:
            return False
        if self.amount_max and amount >= self.amount_max:
            return False
        commercial = partner.commercial_partner_id
        return not self.partner_category_ids or bool(
            self.partner_category_ids & (commercial.category_id | partner.category_id)
        )

    def _crm_plus_oa_plan(self, record, requester, excluded):
        """Resolve the steps for ``record``: list of review values (without model/res_id).

        ``requester`` is whose department chain the department steps climb;
        ``excluded`` users never approve (the requester, the salesperson).
        """
        self.ensure_one()
        plan = []
        sequence = 0
        for step in self.step_ids.sorted(lambda s: (s.sequence, s.id)):
            users = step._crm_plus_oa_resolve(record, requester) - excluded
            if not users:
                raise UserError(
                    self.env._(
                        "Approval route %(route)s, step %(step)s: no approver found for %(record)s "
                        "(the requester and the salesperson cannot approve their own request). "
                        "Ask your workflow administrator to fix the route.",
                        route=self.name,
                        step=step.name,
                        record=record.display_name,
                    )
                )
            if step.mode == "any":
                sequence += 1
                plan.append(step._crm_plus_oa_review_vals(users, sequence))
            elif step.mode == "all":
                sequence += 1
                plan.extend(step._crm_plus_oa_review_vals(user, sequence) for user in users)
            else:  # sequential: one after the other, in the configured order
                for user in users:
                    sequence += 1
                    plan.append(step._crm_plus_oa_review_vals(user, sequence))
        return plan

    def action_view_steps(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Steps"),
            "res_model": "crm_plus_oa.route.step",
            "view_mode": "list,form",
            "domain": [("route_id", "=", self.id)],
            "context": {"default_route_id": self.id},
        }
