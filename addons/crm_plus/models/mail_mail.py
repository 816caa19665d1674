# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

COMMUNICATION = "crm_plus.dunning.communication"


class MailMail(models.Model):
    """Dunning emails: their statements and outcomes belong to the communications (crm_plus_dunning_statement)."""

    _inherit = "mail.mail"

    def _send(self, *args, **kwargs):
        return self.env[COMMUNICATION]._crm_plus_send_with_statements(
            self, lambda mails: super(MailMail, mails)._send(*args, **kwargs)
        )

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        self.env[COMMUNICATION]._crm_plus_mail_outcome(self, failure_reason, failure_type)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
