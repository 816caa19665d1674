# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dunning templates address their own recipients (partner_to), not the record's defaults.

Odoo 19 templates default to the record's default recipients, which sent the internal payment
reminder to the customer. The templates are noupdate data: fix installed databases here.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE mail_template SET use_default_to = FALSE
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'crm_plus' AND model = 'mail.template'
                         AND name IN ('mail_template_dunning', 'mail_template_dunning_no_pdf',
                                      'mail_template_dunning_reminder'))
        """
    )
