# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taking over the data of a database crm_plus is installed into (the install hook).

What happens to existing data (also in the README, "Installing into an existing database"):

* confirmed orders without a plan get one, in batches, with their steps brought in line with what is already
  invoiced, paid and delivered; orders already fully paid and delivered get none
  (``sale.order._crm_plus_plan_existing_orders``);
* open posted customer invoices need nothing: the aging report reads them directly when no running plan
  covers them, and the plans' payment steps carry the rest;
* every customer's attribute completeness is computed in one statement;
* when the database holds history (confirmed orders or posted customer invoices), every dunning policy
  without a start date starts dunning today: older overdue steps stay in aging but are not dunned.
"""

import logging

from odoo import api
from odoo import models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmPlusExistingData(models.AbstractModel):
    _name = "crm_plus.existing.data"
    _description = "Existing Data Take-over"

    @api.model
    def _take_over(self, batch_size=500):
        has_history = self._has_history()
        planned = self.env["sale.order"]._crm_plus_plan_existing_orders(batch_size=batch_size)
        # sudo: the install hook computes every customer's completeness, in every company, whoever installs
        self.env["res.partner"].sudo()._crm_plus_update_completeness()
        policies = self.env["crm_plus.dunning.policy"]
        if has_history:
            # sudo: the install hook starts dunning today on every company's policies without a start date of their own
            policies = policies.sudo()._crm_plus_start_from_install()
        _logger.info(
            "crm_plus: existing data taken over: %s plans created, dunning starts from today on %s policies",
            planned,
            len(policies),
        )
        return {"plans": planned, "policies": len(policies)}

    @api.model
    def _has_history(self):
        """Whether the database holds business history: confirmed orders without plan or posted invoices."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT EXISTS (SELECT 1 FROM sale_order so
                            WHERE so.state = 'sale'
                              AND NOT EXISTS (SELECT 1 FROM crm_plus_plan pl WHERE pl.order_id = so.id))
                OR EXISTS (SELECT 1 FROM account_move
                            WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund'))
                """
            )
        )
        return self.env.cr.fetchone()[0]
