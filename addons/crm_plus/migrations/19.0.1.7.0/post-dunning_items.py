# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.7.0: the dunning history of plan payment steps, mapped onto the invoices that carry the money now.

Before, every overdue payment step was dunned; now a step is dunned only while it is collected before
invoicing and not invoiced, and invoiced money is dunned on the invoice's receivable line. A customer
dunned at a level for a step must not be dunned again at that level for the same money once it shows
as an invoice line. So each history item of a step whose order has a posted invoice moves onto the
receivable line of that invoice whose due date is nearest to the item's (one item per line, level and
channel: the unique key); the other items stay on their step, readable as before. Each item keeps its
order (now a stored field).
"""

import logging

_logger = logging.getLogger(__name__)


def map_history(cr):
    """Map step items onto invoice lines (see the module docstring); return how many moved."""
    cr.execute(
        """
        UPDATE crm_plus_dunning_communication_line l SET order_id = s.order_id
          FROM crm_plus_plan_step s
         WHERE s.id = l.step_id AND l.order_id IS NULL
        """
    )
    cr.execute(
        """
        WITH candidates AS (
            SELECT DISTINCT ON (l.id) l.id AS line_id, l.level_id, l.channel, aml.id AS move_line_id
              FROM crm_plus_dunning_communication_line l
              JOIN crm_plus_plan_step s ON s.id = l.step_id
              JOIN crm_plus_plan_action_type at ON at.id = s.action_type_id
              JOIN sale_order_line sol ON sol.order_id = s.order_id
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line il ON il.id = rel.invoice_line_id
              JOIN account_move am ON am.id = il.move_id AND am.state = 'posted' AND am.move_type = 'out_invoice'
              JOIN account_move_line aml ON aml.move_id = am.id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
             WHERE l.move_line_id IS NULL AND at.collect_before_invoice IS NOT TRUE
          ORDER BY l.id, abs(COALESCE(aml.date_maturity, am.invoice_date_due) - COALESCE(l.date_due, s.date_due)),
                   aml.id
        ), one_per_key AS (
            SELECT DISTINCT ON (c.move_line_id, c.level_id, c.channel) c.line_id, c.move_line_id
              FROM candidates c
             WHERE NOT EXISTS (
                    SELECT 1 FROM crm_plus_dunning_communication_line k
                     WHERE k.move_line_id = c.move_line_id AND k.level_id = c.level_id AND k.channel = c.channel)
          ORDER BY c.move_line_id, c.level_id, c.channel, c.line_id
        )
        UPDATE crm_plus_dunning_communication_line l
           SET move_line_id = o.move_line_id, step_id = NULL
          FROM one_per_key o
         WHERE l.id = o.line_id
        """
    )
    return cr.rowcount


def migrate(cr, version):
    moved = map_history(cr)
    _logger.info("dunning history: %s plan step items mapped onto invoice lines", moved)
