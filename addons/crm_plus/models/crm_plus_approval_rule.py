# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..messages import Message
from ..messages import Ref
from ..messages import _lt


class CrmPlusApprovalRule(models.Model):
    """A condition that holds an order back until an approver agrees.

    Each ``rule_type`` is evaluated by ``_evaluate_<rule_type>(orders)`` on one
    rule, returning ``{order_id: message}`` for the orders it holds back, with
    the figures in the message: a lazy translation ``_lt("...", figure=...)``
    (see ``messages.py``: every reader gets it in their language; ``Ref`` for a
    translatable figure such as the rule's name) or a plain string. Add a type with ``selection_add`` and its
    ``_evaluate_`` method; evaluators read the orders as a batch (constant
    number of queries whatever the number of lines).
    """

    _name = "crm_plus.approval.rule"
    _description = "Order Approval Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    rule_type = fields.Selection(
        [
            ("amount", "Order amount above a threshold"),
            ("discount", "Line discount above the salesperson's limit"),
            ("margin", "Margin below a floor"),
            ("credit", "Customer over credit limit"),
            ("payment_term", "Payment terms not allowed"),
        ],
        required=True,
        default="amount",
    )
    amount_threshold = fields.Monetary(
        currency_field="currency_id", help="Untaxed total above which approval is needed."
    )
    margin_floor = fields.Float(
        string="Margin Floor (%)", help="Orders with a margin below this percentage need approval."
    )
    payment_term_ids = fields.Many2many(
        "account.payment.term",
        string="Allowed Payment Terms",
        check_company=True,
        help="Orders with other payment terms need approval. Orders without terms (immediate payment) pass.",
    )
    note = fields.Text()
    default_key = fields.Char(
        readonly=True, copy=False, help="Set on the rules crm_plus creates for each company (one of each)."
    )

    _default_key_uniq = models.UniqueIndex(
        "(company_id, default_key) WHERE default_key IS NOT NULL", "A company has one rule of each default kind."
    )
    _margin_floor_range = models.Constraint(
        "CHECK(margin_floor >= -100 AND margin_floor <= 100)", "The margin floor is a percentage between -100 and 100."
    )

    @api.constrains("rule_type", "amount_threshold")
    def _check_amount_threshold(self):
        for rule in self:
            if rule.rule_type == "amount" and rule.amount_threshold <= 0:
                raise ValidationError(self.env._("Rule %(rule)s needs a positive amount threshold.", rule=rule.name))

    # --------------------------------------------------------- default rules
    @api.model
    def _crm_plus_default_rule_values(self):
        """The rules every company has from the start: they act as soon as a limit or a hold is set."""
        return {
            "discount": {"name": self.env._("Discount above the salesperson's limit"), "rule_type": "discount"},
            "credit_hold": {"name": self.env._("Customer on credit hold"), "rule_type": "dunning_level"},
        }

    @api.model
    def _crm_plus_create_default_rules(self, companies=None):
        """Create the default rules missing in ``companies`` (all by default); archived or edited ones are kept."""
        # sudo: by default every company (install, migration), whatever companies the running user works in
        companies = companies if companies is not None else self.env["res.company"].sudo().search([])
        # sudo: called on install and when a company is created, whoever creates it
        Rule = self.sudo().with_context(active_test=False)
        existing = {(r.company_id.id, r.default_key) for r in Rule.search([("default_key", "!=", False)])}
        Rule.create(
            [
                dict(values, company_id=company.id, default_key=key, sequence=1)
                for company in companies
                for key, values in self._crm_plus_default_rule_values().items()
                if (company.id, key) not in existing
            ]
        )

    # ------------------------------------------------------------ evaluation
    @api.model
    def _crm_plus_evaluate(self, orders):
        """Return ``{order_id: [(rule, message), ...]}`` for the orders held back.

        The company's *Order approval* setting decides first: *never* holds nothing, *every order*
        holds every order (with an empty rule), *when a rule matches* asks the active rules.
        """
        result = {}
        if not orders:
            return result
        # sudo: rules are evaluated for any user confirming (salesperson, portal
        # customer, payment); they read costs, credit and HR limits on their behalf.
        orders = orders.sudo()
        for order in orders.filtered(lambda o: o.company_id.crm_plus_order_approval == "always"):
            message = _lt("Every order of %(company)s needs an approval.", company=order.company_id.name)
            result[order.id] = [(self.browse(), Message(self.env, message))]
        orders = orders.filtered(lambda o: o.company_id.crm_plus_order_approval == "rules")
        if not orders:
            return result
        # sudo: the active rules of the orders' companies, read for whoever confirms (portal customer included)
        rules = self.sudo().search([("company_id", "in", orders.company_id.ids)])
        for rule in rules:
            company_orders = orders.filtered(lambda o, rule=rule: o.company_id == rule.company_id)
            if not company_orders:
                continue
            for order_id, message in getattr(rule, f"_evaluate_{rule.rule_type}")(company_orders).items():
                result.setdefault(order_id, []).append((rule.with_env(self.env), Message(self.env, message)))
        return result

    def _order_amount_company(self, order, field="amount_untaxed"):
        """Untaxed amount (or ``field``) of ``order`` in the company currency."""
        return order.currency_id._convert(
            order[field],
            order.company_id.currency_id,
            order.company_id,
            order.date_order or fields.Date.today(),
        )

    def _evaluate_amount(self, orders):
        self.ensure_one()
        result = {}
        for order in orders:
            amount = self._order_amount_company(order)
            if self.currency_id.compare_amounts(amount, self.amount_threshold) > 0:
                result[order.id] = _lt(
                    "%(rule)s: untaxed amount %(amount)s is above %(threshold)s.",
                    rule=Ref(self, "name"),
                    amount=self.currency_id.format(amount),
                    threshold=self.currency_id.format(self.amount_threshold),
                )
        return result

    def _evaluate_discount(self, orders):
        self.ensure_one()
        limits = self.env["hr.employee"]._crm_plus_max_discounts(orders.user_id, orders.company_id)
        result = {}
        for order in orders:
            limit = limits[order.user_id.id, order.company_id.id]
            if limit is None:
                continue
            over = [
                line
                for line in order.order_line
                if not line.display_type and float_compare(line.discount, limit, precision_digits=2) > 0
            ]
            if over:
                worst = max(over, key=lambda line: line.discount)
                result[order.id] = _lt(
                    "%(rule)s: %(count)s line(s) discounted above the %(limit)s%% limit of %(user)s "
                    "(highest %(discount)s%% on %(product)s).",
                    rule=Ref(self, "name"),
                    count=len(over),
                    limit=round(limit, 2),
                    user=order.user_id.name or _lt("no salesperson"),
                    discount=round(worst.discount, 2),
                    product=Ref(worst.product_id),
                )
        return result

    def _evaluate_margin(self, orders):
        self.ensure_one()
        result = {}
        for order in orders:
            if not order.amount_untaxed:
                continue
            margin = order.margin_percent * 100
            if float_compare(margin, self.margin_floor, precision_digits=2) < 0:
                result[order.id] = _lt(
                    "%(rule)s: margin %(margin)s%% is below the %(floor)s%% floor.",
                    rule=Ref(self, "name"),
                    margin=round(margin, 2),
                    floor=round(self.margin_floor, 2),
                )
        return result

    def _evaluate_credit(self, orders):
        self.ensure_one()
        result = {}
        company = self.company_id
        partners = orders.partner_id.commercial_partner_id.with_company(company)
        for order in orders:
            partner = partners.browse(order.partner_id.commercial_partner_id.id)
            limit = partner.credit_limit
            if not limit:
                continue
            # the order adds its total, taxes included, to what the customer owes
            exposure = partner.credit + self._order_amount_company(order, "amount_total")
            if company.currency_id.compare_amounts(exposure, limit) > 0:
                result[order.id] = _lt(
                    "%(rule)s: receivable %(credit)s + this order = %(exposure)s, above the credit limit %(limit)s.",
                    rule=Ref(self, "name"),
                    credit=company.currency_id.format(partner.credit),
                    exposure=company.currency_id.format(exposure),
                    limit=company.currency_id.format(limit),
                )
        return result

    def _evaluate_payment_term(self, orders):
        self.ensure_one()
        result = {}
        for order in orders:
            term = order.payment_term_id
            if term and term not in self.payment_term_ids:
                result[order.id] = _lt(
                    "%(rule)s: payment terms %(term)s are not among the allowed ones (%(allowed)s).",
                    rule=Ref(self, "name"),
                    term=Ref(term, "name"),
                    allowed=[Ref(allowed, "name") for allowed in self.payment_term_ids]
                    or _lt("immediate payment only"),
                )
        return result
