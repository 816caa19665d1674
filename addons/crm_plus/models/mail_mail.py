# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools import split_every
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time

from odoo.addons.base.models.ir_actions_report import _wkhtml

_logger = logging.getLogger(__name__)

COMMUNICATION = "crm_plus.dunning.communication"
STATEMENT_CHUNK = 20  # mails whose statements are rendered together, then sent


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, *args, **kwargs):
        """Attach the pending dunning statements before the mails go out, a chunk at a time.

        Rendering takes about a second per statement: chunks keep the work between the queue's
        commits small, so a stopped queue loses little and each mail leaves soon after its PDF.
        """
        if not self.filtered(lambda mail: mail.model == COMMUNICATION):
            return super()._send(*args, **kwargs)
        result = True
        for chunk in split_every(STATEMENT_CHUNK, self.ids, self.browse):
            chunk._crm_plus_attach_statements_isolated()
            result = super(MailMail, chunk)._send(*args, **kwargs)
        return result

    def _crm_plus_attach_statements_isolated(self):
        """Attach the statements; a mail whose statement fails is held back (exception), the others go."""
        failures = self.env["crm_plus.dunning.run"]._isolated(self, lambda mails: mails._crm_plus_attach_statements())
        if not failures:
            return
        for mail, error in failures.items():
            # sudo: the queue's own mail, held back instead of sent without its statement
            mail.sudo().write({"state": "exception", "failure_type": "unknown", "failure_reason": str(error)})
        failed_mails = self.browse([mail.id for mail in failures])
        error_by_mail = {mail.id: error for mail, error in failures.items()}
        # sudo: the mail queue runs as whoever sends; the communication records the failure for finance
        communications = self.env[COMMUNICATION].sudo().search([("mail_id", "in", failed_mails.ids)])
        communications._crm_plus_mark_failed(
            {communication: error_by_mail[communication.mail_id.id] for communication in communications},
            {"state": "failed", "failure_stage": "statement"},
        )

    def _crm_plus_attach_statements(self):
        """Render the PDF statements of the dunning mails in this batch, one report call per template.

        The dunning run queues its emails without the PDF (see crm_plus.dunning.run._queue_mails);
        wkhtmltopdf renders all statements of the batch in one call, split per communication.
        """
        mails = self.filtered(lambda mail: mail.model == COMMUNICATION and mail.res_id and mail.state == "outgoing")
        if not mails:
            return
        # sudo: the mail queue runs as whoever sends; the statement shows the communication as queued
        communications = self.env[COMMUNICATION].sudo().browse(mails.mapped("res_id")).exists()
        communications = communications.filtered("statement_pending")
        if not communications:
            return
        mail_by_comm = {mail.res_id: mail for mail in mails}
        Report = self.env["ir.actions.report"].sudo()
        attachment_vals, links = [], []
        for template in communications.level_id.mail_template_id:
            batch = communications.filtered(lambda c, t=template: c.level_id.mail_template_id == t)
            for report in template.report_template_ids:
                contents = self._crm_plus_render_per_record(Report, report, batch.ids)
                for communication in batch:
                    message = mail_by_comm[communication.id].mail_message_id
                    name = (
                        safe_eval(report.print_report_name, {"object": communication, "time": time})
                        if report.print_report_name
                        else report.name
                    )
                    content, extension = contents[communication.id]
                    attachment_vals.append(
                        {
                            "name": f"{name}.{extension}",
                            "raw": content,
                            "res_model": "mail.message",
                            "res_id": message.id,
                            "type": "binary",
                        }
                    )
                    links.append(message.id)
        attachments = self.env["ir.attachment"].sudo().create(attachment_vals)
        self.env.cr.execute(
            SQL(
                "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES %s ON CONFLICT DO NOTHING",
                SQL(", ").join(
                    SQL("(%s, %s)", message_id, attachment.id)
                    for message_id, attachment in zip(links, attachments, strict=True)
                ),
            )
        )
        self.env["mail.message"].browse(links).invalidate_recordset(["attachment_ids"])
        mails.invalidate_recordset(["attachment_ids"])
        communications.write({"statement_pending": False})

    def _crm_plus_render_per_record(self, Report, report, res_ids):
        """{res_id: (content, extension)}: one rendering for all records when PDF, split per record."""
        if len(res_ids) > 1 and _wkhtml().is_patched_qt:
            # one wkhtmltopdf call for all (Odoo refuses multi-document calls to a wkhtmltopdf without patched Qt)
            try:
                streams, report_type = Report._pre_render_qweb_pdf(report, res_ids=res_ids)
            except UserError as error:
                # a document failed: render them one by one to find out which
                _logger.info("statements rendered one by one: %s", error)
                streams, report_type = {}, "pdf"
            if report_type == "pdf" and all((streams.get(res_id) or {}).get("stream") for res_id in res_ids):
                return {res_id: (streams[res_id]["stream"].getvalue(), "pdf") for res_id in res_ids}
        # one record, HTML rendering (test mode), or a PDF that could not be split: one record at a time
        result = {}
        for res_id in res_ids:
            content, content_type = Report._render_qweb_pdf(report, [res_id])
            result[res_id] = (content, content_type)
        return result

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """Report the outcome of a dunning email on its communication (before auto-delete may drop the mail)."""
        dunning_mails = self.filtered(lambda mail: mail.model == COMMUNICATION and mail.res_id)
        if dunning_mails:
            communications = (
                self.env[COMMUNICATION]
                .sudo()
                .search([("mail_id", "in", dunning_mails.ids), ("state", "in", ("draft", "sent", "failed"))])
            )
            if failure_type:
                communications._crm_plus_mark_failed(
                    dict.fromkeys(communications, failure_reason or failure_type),
                    {"state": "failed", "failure_stage": "delivery"},
                )
            else:
                communications.filtered(lambda c: c.state == "draft").write({"state": "sent"})
                communications._crm_plus_clear_failure()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
