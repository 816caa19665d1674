from odoo import models

LETTER_REPORT = "crm_plus.action_report_dunning_letter"


class CrmPlusDunningCommunication(models.Model):
    _inherit = "crm_plus.dunning.communication"

    def action_print(self):
        """Printing a dunning letter also files it, locked, in the customer's Dunning folder."""
        letters = self.filtered(lambda c: c.channel == "letter" and c.state == "draft")
        action = super().action_print()
        letters._crm_plus_oa_file_letters()
        return action

    def _crm_plus_oa_file_letters(self):
        for communication in self:
            # sudo: finance files the customer-facing letter it has just printed, on behalf of the company
            content, _report_format = (
                self.env["ir.actions.report"].sudo()._render_qweb_pdf(LETTER_REPORT, communication.ids)
            )
            customer = communication.partner_id.commercial_partner_id
            dms_file, digest = customer._crm_plus_oa_file_document(
                "dunning", f"{communication.display_name}.pdf", content
            )
            communication.message_post(
                body=self.env._("Letter filed as %(file)s (SHA-256 %(digest)s).", file=dms_file.name, digest=digest)
            )
