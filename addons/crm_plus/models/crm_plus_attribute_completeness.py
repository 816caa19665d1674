# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Completeness: what is filled, which records an attribute binds, and customers' completeness percentage.

Values are read from the columns, not through the ORM (an unset integer reads as 0 through the ORM; NULL is unset,
0 is a value). Which records a required attribute binds is the target model's own rule
(``_crm_plus_attribute_applies_sql``: a customer's category; an order's sales team and customer category; an
opportunity's stage), so this part only asks. Customers also store a completeness percentage, recomputed when
definitions change: at once on small bases, in the cron job (batched) above ``COMPLETENESS_SYNC_ROWS``.
"""

from odoo import api
from odoo import models
from odoo.tools import SQL

from .crm_plus_attribute_target import PARTNER_MODEL

# above this many partners, definition changes recompute completeness in the cron job, in batches
COMPLETENESS_SYNC_ROWS = 50_000
COMPLETENESS_BATCH = 20_000


class CrmPlusAttribute(models.Model):
    _inherit = "crm_plus.attribute"

    def _filled_sql(self, alias="p"):
        """SQL boolean: the record ``alias`` of the target holds a value for attribute ``self``.

        Reads the column, not the ORM: an unset integer/decimal reads as 0 through the ORM."""
        self.ensure_one()
        if self.value_type == "tags":
            return SQL(
                "EXISTS (SELECT 1 FROM %s r WHERE %s = %s.id)",
                SQL.identifier(self._relation_table()),
                SQL.identifier("r", self._target().rel_column),
                SQL.identifier(alias),
            )
        column = SQL.identifier(alias, self.field_name)
        if self.value_type in ("char", "text"):
            return SQL("COALESCE(%s, '') <> ''", column)
        return SQL("%s IS NOT NULL", column)

    def _applies_sql(self, alias="p", only_categorized=False):
        """SQL boolean: attribute ``self`` binds the record ``alias`` of its target (see the target model)."""
        self.ensure_one()
        return self._model()._crm_plus_attribute_applies_sql(self, alias, only_categorized=only_categorized)

    def _value_counts(self):
        """{attribute id: number of records holding a value}, read from the columns."""
        counts = {}
        self.env.flush_all()
        # sudo: field_id (ir.model.fields) is readable by Settings only; nothing but the count per attribute returns
        for attribute in self.sudo().filtered("field_id"):
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM %s p WHERE %s",
                    SQL.identifier(attribute._model()._table),
                    attribute._filled_sql(),
                )
            )
            counts[attribute.id] = self.env.cr.fetchone()[0]
        return counts

    def _recompute_completeness(self):
        """After a definition change of customer attributes: at once on small bases, else in the cron job.

        Adding an attribute changes the completeness of every customer it applies to; rewriting 200,000 rows
        takes seconds, which an administrator saving a form should not wait for."""
        if self and all(a.applies_to != PARTNER_MODEL for a in self):
            return
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE relname = 'res_partner'")
        estimate = self.env.cr.fetchone()[0]
        cron = self.env.ref("crm_plus.crm_plus_attribute_completeness_cron", raise_if_not_found=False)
        if estimate < COMPLETENESS_SYNC_ROWS or not cron:
            self.env[PARTNER_MODEL]._crm_plus_update_completeness()
        else:
            # sudo: the administrator saving a definition triggers the job without managing scheduled actions
            cron.sudo()._trigger()

    @api.model
    def _cron_update_completeness(self):
        # sudo: the job recomputes every customer from every customer definition, whatever its user may read
        attributes = self.sudo().search([("field_id", "!=", False), ("applies_to", "=", PARTNER_MODEL)])
        self.env.cr.execute("SELECT id FROM res_partner ORDER BY id")
        ids = [row[0] for row in self.env.cr.fetchall()]
        for start in range(0, len(ids), COMPLETENESS_BATCH):
            batch = ids[start : start + COMPLETENESS_BATCH]
            self.env[PARTNER_MODEL].browse(batch)._crm_plus_update_completeness(attributes)
            self.env["ir.cron"]._commit_progress(len(batch), remaining=len(ids) - start - len(batch))
