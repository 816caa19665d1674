# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Staff performance: what each salesperson did, one row per event, so that every figure can be cut by period,
salesperson (and their employee and department), team and company, and opened down to its records.

Each *source* below is one kind of event, with the measures it carries; a row has 0 in the counts and amounts of
the other sources and nothing in their averages, so that sums and averages stay right whatever is grouped. A
filter on ``source`` leaves the other sources unread (PostgreSQL drops a ``UNION ALL`` branch whose constant
``source`` cannot match), which the dashboards use to stay fast.

The targets (``crm_plus.target``) count their achievement from the same sources (``_facts_sql``), so a target's
figure and the staff report's never disagree.
"""

from odoo import fields
from odoo import models
from odoo.tools import SQL

from .crm_plus_report_common import company_date
from .crm_plus_report_common import company_timezones
from .crm_plus_report_common import in_company_currency

SOURCES = [
    ("quote", "Quotation"),
    ("order", "Confirmed Order"),
    ("customer", "New Customer"),
    ("opportunity", "Opportunity Closed"),
    ("approval", "Approval"),
    ("step", "Plan Step"),
    ("collection", "Collection"),
    ("followup", "Follow-up"),
    ("target", "Target"),
]
# measure -> aggregate; a source leaves a sum at 0 and an average empty
MEASURES = {
    "opportunity_won": "sum",
    "opportunity_lost": "sum",
    "quote_count": "sum",
    "new_round_count": "sum",
    "discount": "avg",
    "discount_limit": "avg",
    "discount_over_limit": "avg",
    "order_count": "sum",
    "revenue": "sum",
    "rounds_to_win": "avg",
    "approval_requested": "sum",
    "approval_refused": "sum",
    "step_count": "sum",
    "step_on_time": "avg",
    "collections": "sum",
    "new_customers": "sum",
    "followups": "sum",
    "revenue_target": "sum",
    "collections_target": "sum",
    "new_customers_target": "sum",
    "followups_target": "sum",
}
DIMENSIONS = {
    "user_id": "integer",
    "team_id": "integer",
    "company_id": "integer",
    "date": "date",
    "partner_id": "integer",
    "order_id": "integer",
    "lead_id": "integer",
}
# the measure a target of each kind counts (crm_plus.target.measure -> source and column)
TARGET_MEASURES = {
    "revenue": ("order", "revenue"),
    "collections": ("collection", "collections"),
    "new_customers": ("customer", "new_customers"),
    "followups": ("followup", "followups"),
}


class CrmPlusReportStaff(models.Model):
    _name = "crm_plus.report.staff"
    _description = "Staff Performance"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    # source fields flushed before the table is read
    _depends = {
        "sale.order": [
            "state",
            "create_date",
            "date_order",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "amount_untaxed",
            "currency_rate",
            "round_number",
        ],
        "sale.order.line": ["order_id", "display_type", "price_subtotal", "price_unit", "product_uom_qty"],
        "crm.lead": ["type", "won_status", "date_closed", "user_id", "team_id", "company_id", "partner_id"],
        "crm_plus.approval.entry": ["order_id", "decision", "date"],
        "crm_plus.plan.step": ["order_id", "partner_id", "user_id", "company_id", "date_due", "date_done", "state"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "company_id"],
        "account.move.line": ["move_id", "date"],
        "account.move": ["move_type", "state", "invoice_user_id", "team_id", "commercial_partner_id"],
        "crm_plus.target": ["user_id", "company_id", "date_from", "measure", "target_amount"],
        "hr.employee": ["user_id", "company_id", "current_version_id", "max_discount_override", "max_discount"],
        "hr.version": ["job_id", "department_id"],
        "hr.job": ["max_discount"],
        "res.company": ["crm_plus_default_max_discount"],
        "res.users": ["sale_team_id"],
        "res.partner": ["commercial_partner_id", "tz"],
    }
    _order = "date desc, id desc"
    _rec_name = "source"

    source = fields.Selection(SOURCES, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Employee", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", string="Quotation / Order", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    opportunity_won = fields.Integer(string="Opportunities Won", readonly=True)
    opportunity_lost = fields.Integer(string="Opportunities Lost", readonly=True)
    quote_count = fields.Integer(string="Quotations", readonly=True, help="Quotations created, every round counted.")
    new_round_count = fields.Integer(string="New Rounds", readonly=True, help="Quotations of round 2 and later.")
    discount = fields.Float(
        string="Discount (%)", readonly=True, aggregator="avg", help="Average discount of the quotations."
    )
    discount_limit = fields.Float(
        string="Discount Limit (%)",
        readonly=True,
        aggregator="avg",
        help="The salesperson's discount limit when quoting (employee, else job position, else company).",
    )
    discount_over_limit = fields.Float(
        string="Discount vs Limit (pts)",
        readonly=True,
        aggregator="avg",
        help="Discount minus the limit: below zero, the salesperson stays within their limit.",
    )
    order_count = fields.Integer(string="Orders Won", readonly=True)
    revenue = fields.Float(readonly=True, digits=(16, 2), help="Untaxed amount of confirmed orders.")
    rounds_to_win = fields.Float(
        string="Rounds to Win", readonly=True, aggregator="avg", help="Round number of the confirmed quotations."
    )
    approval_requested = fields.Integer(string="Approvals Requested", readonly=True)
    approval_refused = fields.Integer(string="Approvals Refused", readonly=True)
    step_count = fields.Integer(string="Plan Steps Due", readonly=True, help="Steps done, or past their date.")
    step_on_time = fields.Float(string="Steps On Time (%)", readonly=True, aggregator="avg")
    collections = fields.Float(readonly=True, digits=(16, 2), help="Payments reconciled with customer invoices.")
    new_customers = fields.Integer(string="New Customers", readonly=True, help="Customers' first confirmed order.")
    followups = fields.Integer(string="Follow-ups", readonly=True)
    revenue_target = fields.Float(string="Revenue Target", readonly=True, digits=(16, 2))
    collections_target = fields.Float(string="Collections Target", readonly=True, digits=(16, 2))
    new_customers_target = fields.Integer(string="New Customers Target", readonly=True)
    followups_target = fields.Integer(string="Follow-ups Target", readonly=True)

    # ------------------------------------------------------------------ sources
    def _source_quote(self):
        limit = SQL(
            "COALESCE(CASE WHEN e.max_discount_override THEN e.max_discount END, NULLIF(j.max_discount, 0),"
            " c.crm_plus_default_max_discount, 0)"
        )
        return SQL(
            """
              FROM sale_order so
              JOIN %(timezones)s ON ctz.company_id = so.company_id
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_company c ON c.id = so.company_id
              LEFT JOIN hr_employee e ON e.user_id = so.user_id AND e.company_id = so.company_id
              LEFT JOIN hr_version v ON v.id = e.current_version_id
              LEFT JOIN hr_job j ON j.id = v.job_id
              LEFT JOIN LATERAL (
                    SELECT COALESCE(100.0 * (1 - SUM(l.price_subtotal)
                                             / NULLIF(SUM(l.price_unit * l.product_uom_qty), 0)), 0) AS discount
                      FROM sale_order_line l
                     WHERE l.order_id = so.id AND l.display_type IS NULL
                   ) d ON TRUE
            """,
            timezones=company_timezones(self.env),
        ), {
            "id": SQL("so.id"),
            "user_id": SQL("so.user_id"),
            "team_id": SQL("so.team_id"),
            "company_id": SQL("so.company_id"),
            "date": company_date(SQL("so.create_date"), SQL("ctz.tz")),
            "partner_id": SQL("p.commercial_partner_id"),
            "order_id": SQL("so.id"),
            "quote_count": SQL("1"),
            "new_round_count": SQL("CASE WHEN so.round_number > 1 THEN 1 ELSE 0 END"),
            "discount": SQL("d.discount"),
            "discount_limit": limit,
            "discount_over_limit": SQL("d.discount - %s", limit),
        }

    def _source_order(self):
        return SQL(
            """
              FROM sale_order so
              JOIN %(timezones)s ON ctz.company_id = so.company_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale'
            """,
            timezones=company_timezones(self.env),
        ), {
            "id": SQL("so.id"),
            "user_id": SQL("so.user_id"),
            "team_id": SQL("so.team_id"),
            "company_id": SQL("so.company_id"),
            "date": company_date(SQL("so.date_order"), SQL("ctz.tz")),
            "partner_id": SQL("p.commercial_partner_id"),
            "order_id": SQL("so.id"),
            "order_count": SQL("1"),
            "revenue": in_company_currency(SQL("so.amount_untaxed"), SQL("so.currency_rate")),
            "rounds_to_win": SQL("so.round_number"),
        }

    def _source_customer(self):
        return SQL(
            """
              FROM (SELECT DISTINCT ON (p.commercial_partner_id, so.company_id)
                           so.id, so.user_id, so.team_id, so.company_id, so.date_order, p.commercial_partner_id
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                     ORDER BY p.commercial_partner_id, so.company_id, so.date_order, so.id) first
              JOIN %(timezones)s ON ctz.company_id = first.company_id
            """,
            timezones=company_timezones(self.env),
        ), {
            "id": SQL("first.id"),
            "user_id": SQL("first.user_id"),
            "team_id": SQL("first.team_id"),
            "company_id": SQL("first.company_id"),
            "date": company_date(SQL("first.date_order"), SQL("ctz.tz")),
            "partner_id": SQL("first.commercial_partner_id"),
            "order_id": SQL("first.id"),
            "new_customers": SQL("1"),
        }

    def _source_opportunity(self):
        return SQL(
            """
              FROM crm_lead l
              LEFT JOIN %(timezones)s ON ctz.company_id = l.company_id
             WHERE l.type = 'opportunity' AND l.won_status IN ('won', 'lost')
            """,
            timezones=company_timezones(self.env),
        ), {
            "id": SQL("l.id"),
            "user_id": SQL("l.user_id"),
            "team_id": SQL("l.team_id"),
            "company_id": SQL("l.company_id"),
            "date": company_date(SQL("COALESCE(l.date_closed, l.write_date)"), SQL("COALESCE(ctz.tz, 'UTC')")),
            "partner_id": SQL("l.partner_id"),
            "lead_id": SQL("l.id"),
            "opportunity_won": SQL("CASE WHEN l.won_status = 'won' THEN 1 ELSE 0 END"),
            "opportunity_lost": SQL("CASE WHEN l.won_status = 'lost' THEN 1 ELSE 0 END"),
        }

    def _source_approval(self):
        return SQL(
            """
              FROM crm_plus_approval_entry a
              JOIN sale_order so ON so.id = a.order_id
              JOIN %(timezones)s ON ctz.company_id = so.company_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE a.decision IN ('requested', 'rejected')
            """,
            timezones=company_timezones(self.env),
        ), {
            "id": SQL("a.id"),
            "user_id": SQL("so.user_id"),
            "team_id": SQL("so.team_id"),
            "company_id": SQL("so.company_id"),
            "date": company_date(SQL("a.date"), SQL("ctz.tz")),
            "partner_id": SQL("p.commercial_partner_id"),
            "order_id": SQL("so.id"),
            "approval_requested": SQL("CASE WHEN a.decision = 'requested' THEN 1 ELSE 0 END"),
            "approval_refused": SQL("CASE WHEN a.decision = 'rejected' THEN 1 ELSE 0 END"),
        }

    def _source_step(self):
        # the responsible's steps that count in the on-time rate: done, or open past their planned date
        return SQL(
            """
              FROM crm_plus_plan_step s
              JOIN sale_order so ON so.id = s.order_id
             WHERE s.state IN ('done', 'due', 'overdue', 'planned')
               AND (s.state = 'done' OR s.date_due < CURRENT_DATE)
            """
        ), {
            "id": SQL("s.id"),
            "user_id": SQL("s.user_id"),
            "team_id": SQL("so.team_id"),
            "company_id": SQL("s.company_id"),
            "date": SQL("s.date_due"),
            "partner_id": SQL("s.partner_id"),
            "order_id": SQL("s.order_id"),
            "step_count": SQL("1"),
            "step_on_time": SQL("CASE WHEN s.state = 'done' AND s.date_done <= s.date_due THEN 100.0 ELSE 0.0 END"),
        }

    def _source_collection(self):
        # a payment (or bank entry) reconciled with a posted customer invoice, on the payment's date; the amount is
        # in company currency
        return SQL(
            """
              FROM account_partial_reconcile apr
              JOIN account_move_line dl ON dl.id = apr.debit_move_id
              JOIN account_move inv ON inv.id = dl.move_id
              JOIN account_move_line cl ON cl.id = apr.credit_move_id
              JOIN account_move pay ON pay.id = cl.move_id
             WHERE inv.move_type = 'out_invoice' AND inv.state = 'posted' AND pay.move_type = 'entry'
            """
        ), {
            "id": SQL("apr.id"),
            "user_id": SQL("inv.invoice_user_id"),
            "team_id": SQL("inv.team_id"),
            "company_id": SQL("apr.company_id"),
            "date": SQL("cl.date"),  # the payment's date
            "partner_id": SQL("inv.commercial_partner_id"),
            "collections": SQL("apr.amount"),
        }

    def _source_followup(self):
        # follow-ups logged by the salesperson, on the day they happened
        return SQL(
            """
              FROM crm_plus_followup f
            """
        ), {
            "id": SQL("f.id"),
            "user_id": SQL("f.user_id"),
            "team_id": SQL("f.team_id"),
            "company_id": SQL("f.company_id"),
            "date": SQL("f.date"),
            "partner_id": SQL("f.partner_id"),
            "order_id": SQL("f.order_id"),
            "followups": SQL("1"),
        }

    def _source_target(self):
        # the salespeople's own targets, on the first day of their period, in the team they are in today
        return SQL(
            """
              FROM crm_plus_target t
              JOIN res_users u ON u.id = t.user_id
             WHERE t.user_id IS NOT NULL
            """
        ), {
            "id": SQL("t.id"),
            "user_id": SQL("t.user_id"),
            "team_id": SQL("u.sale_team_id"),
            "company_id": SQL("t.company_id"),
            "date": SQL("t.date_from"),
            **{
                f"{measure}_target": SQL(
                    "CASE WHEN t.measure = %s THEN t.target_amount ELSE 0 END",
                    measure,
                )
                for measure in TARGET_MEASURES
            },
        }

    # ------------------------------------------------------------------ query
    def _facts_sql(self, sources=None):
        """SQL: the rows of the given sources (all by default), columns ``id, source``, DIMENSIONS, MEASURES."""
        branches = []
        codes = [code for code, _label in SOURCES]
        for index, code in enumerate(codes):
            if sources is not None and code not in sources:
                continue
            source = getattr(self, f"_source_{code}")()
            if source is None:
                continue
            from_clause, columns = source
            select = [SQL("(%s) * %s + %s AS id", columns["id"], len(codes), index), SQL("%s::varchar AS source", code)]
            select += [
                SQL("(%s)::%s AS %s", columns.get(name, SQL("NULL")), SQL(sqltype), SQL.identifier(name))
                for name, sqltype in DIMENSIONS.items()
            ]
            select += [
                SQL(
                    "(%s)::%s AS %s",
                    columns.get(name, SQL("0") if aggregate == "sum" else SQL("NULL")),
                    SQL("integer" if self._fields[name].type == "integer" else "float8"),
                    SQL.identifier(name),
                )
                for name, aggregate in MEASURES.items()
            ]
            branches.append(SQL("SELECT %s %s", SQL(", ").join(select), from_clause))
        return SQL(" UNION ALL ").join(branches)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT f.*, e.id AS employee_id, v.department_id
              FROM (%s) f
              LEFT JOIN hr_employee e ON e.user_id = f.user_id AND e.company_id = f.company_id
              LEFT JOIN hr_version v ON v.id = e.current_version_id
            """,
            self._facts_sql(),
        )

    def _snapshot_indexes(self):
        return {"source_date": SQL("(source, date)")}
