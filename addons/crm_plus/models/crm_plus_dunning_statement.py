# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PDF statements of dunning emails: rendered by the mail queue, in chunks, attached, then sent.

The dunning run queues its emails without the PDF (wkhtmltopdf costs about a second per call). When the
mail queue sends them, ``mail.mail`` hands its batch here (one line in ``mail_mail.py``): the mails go in
chunks of ``STATEMENT_CHUNK``; the statements of a chunk are rendered by **one** wkhtmltopdf call (all
statements in one document, each starting on a new page with an invisible marker) and split per customer
afterwards with Odoo's PDF library (pypdf / PyPDF2): each statement runs from the page carrying its marker to the
next one; then they are attached and the chunk is sent. A chunk that
cannot be split is rendered one statement at a time; a statement that fails is isolated (its mail held back,
its communication failed and retried by the next run), the other mails of the chunk go.
"""

import io
import logging
import re

import lxml.html
from markupsafe import Markup

from odoo import models
from odoo.tools import SQL
from odoo.tools import config
from odoo.tools import split_every
from odoo.tools.pdf import PdfFileReader
from odoo.tools.pdf import PdfFileWriter
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time

_logger = logging.getLogger(__name__)

STATEMENT_CHUNK = 100  # mails whose statements are rendered by one wkhtmltopdf call, then sent
ARTICLE = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
MARKER = "CRMPLUSSTATEMENT-"
MARKER_RE = re.compile(MARKER + r"(\d+)-")
# a system font: the report's web fonts reach the PDF without the character map that text extraction needs
MARKER_STYLE = "font-size: 1px; color: #ffffff; font-family: 'DejaVu Sans', sans-serif;"


class CrmPlusDunningCommunication(models.Model):
    _inherit = "crm_plus.dunning.communication"

    # ------------------------------------------------------------ mail queue

    def _crm_plus_send_with_statements(self, mails, send):
        """``send(mails)`` (mail.mail's own sending), the dunning mails' statements attached first, a chunk at a
        time: a stopped queue loses little and each mail leaves soon after its PDF."""
        if not mails.filtered(lambda mail: mail.model == self._name):
            return send(mails)
        result = True
        for chunk in split_every(STATEMENT_CHUNK, mails.ids, mails.browse):
            self._crm_plus_attach_statements_isolated(chunk)
            result = send(chunk)
        return result

    def _crm_plus_attach_statements_isolated(self, mails):
        """Attach the statements; a mail whose statement fails is held back (exception), the others go."""
        failures = self.env["crm_plus.dunning.run"]._isolated(mails, self._crm_plus_attach_statements)
        if not failures:
            return
        for mail, error in failures.items():
            # sudo: the queue's own mail, held back instead of sent without its statement
            mail.sudo().write({"state": "exception", "failure_type": "unknown", "failure_reason": str(error)})
        error_by_mail = {mail.id: error for mail, error in failures.items()}
        # sudo: the mail queue runs as whoever sends; the communication records the failure for finance
        communications = self.sudo().search([("mail_id", "in", list(error_by_mail))])
        communications._crm_plus_mark_failed(
            {communication: error_by_mail[communication.mail_id.id] for communication in communications},
            {"state": "failed", "failure_stage": "statement"},
        )

    def _crm_plus_attach_statements(self, mails):
        """Render the PDF statements of the dunning mails among ``mails`` (per report, one call per chunk)."""
        mails = mails.filtered(lambda mail: mail.model == self._name and mail.res_id and mail.state == "outgoing")
        if not mails:
            return
        # sudo: the mail queue runs as whoever sends; the statement shows the communication as queued
        communications = self.sudo().browse(mails.mapped("res_id")).exists().filtered("statement_pending")
        if not communications:
            return
        mail_by_comm = {mail.res_id: mail for mail in mails}
        attachment_vals, links = [], []
        for template in communications.level_id.mail_template_id:
            batch = communications.filtered(lambda c, t=template: c.level_id.mail_template_id == t)
            for report in template.report_template_ids:
                contents = batch._crm_plus_render_statements(report)
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
        # sudo: the mail queue runs as whoever sends; the statements go on the queued dunning mails' own messages
        attachments = self.env["ir.attachment"].sudo().create(attachment_vals)
        if links:
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

    def _crm_plus_mail_outcome(self, mails, failure_reason=False, failure_type=None):
        """Report the outcome of dunning emails on their communications (before auto-delete may drop the mail)."""
        dunning_mails = mails.filtered(lambda mail: mail.model == self._name and mail.res_id)
        if not dunning_mails:
            return
        # sudo: the mail queue runs as whoever sends; the outcome belongs to the communication
        communications = self.sudo().search(
            [("mail_id", "in", dunning_mails.ids), ("state", "in", ("draft", "sent", "failed"))]
        )
        if failure_type:
            communications._crm_plus_mark_failed(
                dict.fromkeys(communications, failure_reason or failure_type),
                {"state": "failed", "failure_stage": "delivery"},
            )
        else:
            communications.filtered(lambda c: c.state == "draft").write({"state": "sent"})
            communications._crm_plus_clear_failure()

    # -------------------------------------------------------------- rendering

    def _crm_plus_render_statements(self, report):
        """{communication id: (content, extension)} of ``report`` for these communications.

        PDF: one wkhtmltopdf call per company for all of them, split per communication (see the module
        docstring). Test mode (HTML instead of PDF, as Odoo renders reports in tests) or a document that cannot
        be split: one rendering per communication.
        """
        # sudo: whoever sends the queue renders the statement report (ir.actions.report: Settings only);
        # only the queued communications are rendered
        Report = self.env["ir.actions.report"].sudo()
        test_mode = (config["test_enable"] or config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        )
        result = {}
        if len(self) > 1 and report.report_type == "qweb-pdf" and not test_mode:
            for company in self.company_id:
                chunk = self.filtered(lambda c, company=company: c.company_id == company)
                try:
                    result.update(chunk._crm_plus_render_chunk(Report, report))
                except Exception as error:
                    _logger.info("statements rendered one by one: %s", error)
        for communication in self.filtered(lambda c: c.id not in result):
            result[communication.id] = Report._render_qweb_pdf(report, [communication.id])
        return result

    def _crm_plus_render_chunk(self, Report, report):
        """One wkhtmltopdf call for the statements of these communications (one company), split per statement."""
        html = Report._render_qweb_html(report, self.ids)[0]
        _bodies, html_ids, header, footer, paper_args = Report._prepare_html(html, report_model=report.model)
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = []
        for index, node in enumerate(root.xpath(ARTICLE)):
            if index:
                node.set("style", f"{node.get('style') or ''}; page-break-before: always;")
            # where each statement starts, found again in the PDF's text (white, 1px: invisible on paper)
            marker = lxml.html.fromstring(f'<span style="{MARKER_STYLE}">{MARKER}{node.get("data-oe-id")}-</span>')
            node.insert(0, marker)
            articles.append(lxml.html.tostring(node, encoding="unicode"))
        layout = Report._get_layout()
        body = self.env["ir.qweb"]._render(
            layout.id,
            {
                "subst": False,
                "body": Markup("".join(articles)),
                "base_url": Report._get_report_url(layout=layout),
                "report_xml_id": report.xml_id,
                "debug": False,
            },
            raise_if_not_found=False,
        )
        content = Report._run_wkhtmltopdf(
            [body], report_ref=report, header=header, footer=footer, specific_paperformat_args=paper_args
        )
        return self._crm_plus_split_pdf(content, html_ids)

    @staticmethod
    def _crm_plus_split_pdf(content, ids):
        """``ids``' documents of one PDF: each starts on the page that carries its marker (see the chunk)."""
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        starts = []
        for number, page in enumerate(reader.pages):
            found = MARKER_RE.search(page.extract_text() or "")
            if found:
                starts.append((number, int(found.group(1))))
        if [res_id for _number, res_id in starts] != list(ids) or starts[0][0] != 0:
            raise ValueError(f"{len(starts)} statements found in the PDF, {len(ids)} expected")
        documents = {}
        for index, (start, res_id) in enumerate(starts):
            end = starts[index + 1][0] if index + 1 < len(starts) else len(reader.pages)
            writer = PdfFileWriter()
            for number in range(start, end):
                writer.addPage(reader.getPage(number))
            stream = io.BytesIO()
            writer.write(stream)
            documents[res_id] = (stream.getvalue(), "pdf")
        return documents
