# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What customers really owe: one SQL source for the dunning run and the receivables aging.

An open item is either

* the receivable line of a posted customer invoice or credit note (any source: an order, a plan, or
  typed in Accounting), with its due date (``date_maturity``) and its residual in the document's
  currency, so partial payments and reconciled credit notes lower it; or
* the part of a plan payment step whose action type says *collect before invoicing* (deposits,
  prepayments) that no posted invoice of the order covers yet. The order's invoiced amount (posted
  invoices minus credit notes, invoice lines of the order) covers its payment steps in date order, the
  way plan tracking fills them: once an invoice covers a step, the invoice's line is the item and the
  step is not, so the same money is never counted twice.

A step triggered by the delivery is ``waiting`` while a delivery step of its plan is open: its planned
date is an estimate, the money is not due before the goods arrived.

Columns: move_line_id, step_id (exactly one set), move_id, order_id, partner_id (commercial partner),
company_id, currency_id, date_due, amount, amount_residual (document currency, signed: credit notes are
negative), user_id, team_id, waiting.
"""

from odoo.tools import SQL

# The open items of some customers (a dunning batch, one customer's portal) are found from the customer:
# Odoo indexes account_move.partner_id, not the commercial partner the items belong to.
CUSTOMER_INVOICES_INDEX = SQL(
    """
    CREATE INDEX IF NOT EXISTS account_move_crm_plus_commercial_partner_idx ON account_move (commercial_partner_id)
    """
)


def create_indexes(cr):
    """Indexes the items' SQL relies on, on core tables (created at install and update)."""
    cr.execute(CUSTOMER_INVOICES_INDEX)


def invoice_items_sql(where=None):
    """Open receivable lines of posted customer invoices and credit notes.

    :param where: extra SQL condition on ``aml`` (the line), ``am`` (its move).
    """
    return SQL(
        """
        SELECT aml.id AS move_line_id, NULL::integer AS step_id, am.id AS move_id, NULL::integer AS order_id,
               am.commercial_partner_id AS partner_id, aml.company_id, aml.currency_id,
               COALESCE(aml.date_maturity, am.invoice_date_due, am.date) AS date_due,
               aml.amount_currency AS amount, aml.amount_residual_currency AS amount_residual,
               am.invoice_user_id AS user_id, am.team_id, FALSE AS waiting
          FROM account_move_line aml
          JOIN account_move am ON am.id = aml.move_id
          JOIN account_account acc ON acc.id = aml.account_id
         WHERE aml.parent_state = 'posted'
           AND am.move_type IN ('out_invoice', 'out_refund')
           AND acc.account_type = 'asset_receivable'
           AND aml.amount_residual_currency <> 0
           AND %s
        """,
        where or SQL("TRUE"),
    )


def prepayment_items_sql(where=None):
    """The parts of open *collect before invoicing* steps that no posted invoice of their order covers.

    :param where: extra SQL condition on ``s`` (the candidate step).
    """
    return SQL(
        """
        WITH candidates AS (
            SELECT s.id, s.plan_id, s.order_id
              FROM crm_plus_plan_step s
              JOIN crm_plus_plan_action_type at ON at.id = s.action_type_id
             WHERE s.kind = 'payment' AND at.collect_before_invoice
               AND s.state IN ('planned', 'due', 'overdue') AND s.amount_residual > 0
               AND %(where)s
        ), invoiced AS (
            SELECT sol.order_id,
                   SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.price_total ELSE aml.price_total END) AS amount
              FROM sale_order_line sol
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE sol.order_id IN (SELECT order_id FROM candidates)
               AND am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
          GROUP BY sol.order_id
        ), covered AS (
            -- each payment step of the candidates' plans, with the amount of its plan up to and including it
            SELECT s.id, s.plan_id,
                   SUM(s.amount) OVER (PARTITION BY s.plan_id ORDER BY s.date_due, s.sequence, s.id) AS upto
              FROM crm_plus_plan_step s
             WHERE s.plan_id IN (SELECT plan_id FROM candidates)
               AND s.kind = 'payment' AND s.state <> 'cancelled'
        )
        SELECT NULL::integer AS move_line_id, s.id AS step_id, NULL::integer AS move_id, s.order_id,
               s.partner_id, s.company_id, so.currency_id, s.date_due, s.amount,
               LEAST(s.amount_residual, GREATEST(cv.upto - COALESCE(inv.amount, 0), 0)) AS amount_residual,
               so.user_id, so.team_id,
               (s.trigger = 'delivery' AND EXISTS (
                    SELECT 1 FROM crm_plus_plan_step d
                     WHERE d.plan_id = s.plan_id AND d.kind = 'delivery'
                       AND d.state NOT IN ('done', 'cancelled'))) AS waiting
          FROM candidates c
          JOIN crm_plus_plan_step s ON s.id = c.id
          JOIN covered cv ON cv.id = s.id
          JOIN sale_order so ON so.id = s.order_id
          LEFT JOIN invoiced inv ON inv.order_id = s.order_id
         WHERE cv.upto - COALESCE(inv.amount, 0) > 0
        """,
        where=where or SQL("TRUE"),
    )


def open_items_sql(invoice_where=None, step_where=None):
    """Both kinds of open items (see the module docstring)."""
    return SQL(
        "%s UNION ALL (%s)",
        invoice_items_sql(invoice_where),
        prepayment_items_sql(step_where),
    )
