# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.3.0: communications that failed before (delivery: bounce, SMTP) need attention."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE crm_plus_dunning_communication
           SET needs_attention = TRUE, failure_stage = 'delivery', retry_count = 1
         WHERE state = 'failed' AND needs_attention IS NOT TRUE
        """
    )
