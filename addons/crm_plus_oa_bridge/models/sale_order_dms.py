# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Approved orders filed in the customer's Orders folder, as locked snapshots."""

import base64
import hashlib

from markupsafe import Markup

from odoo import fields
from odoo import models

ORDER_REPORT = "sale.action_report_saleorder"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oa_document_count = fields.Integer(compute="_compute_oa_document_count")

    def _compute_oa_document_count(self):
        folders = self.env["dms.directory"].search(
            [("oa_folder_kind", "=", "order"), ("res_model", "=", "sale.order"), ("res_id", "in", self.ids)]
        )
        counts = dict(
            self.env["dms.file"]._read_group([("directory_id", "in", folders.ids)], ["directory_id"], ["__count"])
        )
        per_order = {folder.res_id: counts.get(folder, 0) for folder in folders}
        for order in self:
            order.oa_document_count = per_order.get(order.id, 0)

    def _crm_plus_oa_order_folder(self):
        """The order's folder inside the customer's Orders folder (access follows the order)."""
        self.ensure_one()
        orders_folder = self.partner_id._crm_plus_oa_folder("orders").sudo()
        # sudo: see res.partner._crm_plus_oa_folder
        Directory = self.env["dms.directory"].sudo().with_context(check_name=False)
        folder = Directory.search(
            [("oa_folder_kind", "=", "order"), ("res_model", "=", "sale.order"), ("res_id", "=", self.id)], limit=1
        )
        if not folder:
            folder = Directory.create(
                {
                    "name": f"{self.name} #{self.id}".replace("/", "-"),
                    "parent_id": orders_folder.id,
                    "model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": self.id,
                    "oa_folder_kind": "order",
                }
            )
        return folder.with_env(self.env)

    def _crm_plus_oa_file_approved_order(self):
        """Render the approved order, file it locked in the customer's Orders folder, trail its SHA-256."""
        self.ensure_one()
        # sudo: the approver files the document on behalf of the company; the
        # report is the customer-facing quotation/order, nothing more.
        order = self.sudo()
        content, _report_format = self.env["ir.actions.report"].sudo()._render_qweb_pdf(ORDER_REPORT, order.ids)
        digest = hashlib.sha256(content).hexdigest()
        folder = self._crm_plus_oa_order_folder().sudo()
        name = f"{order.name} approved R{order.oa_round}.pdf".replace("/", "-")
        existing = folder.file_ids.filtered(lambda f: f.name == name)
        if existing:
            name = f"{order.name} approved R{order.oa_round}-{len(folder.file_ids) + 1}.pdf".replace("/", "-")
        dms_file = (
            self.env["dms.file"]
            .sudo()
            .create(
                {
                    "name": name,
                    "directory_id": folder.id,
                    "content": base64.b64encode(content),
                    "oa_sha256": digest,
                    # locked by the superuser: nobody edits or deletes the snapshot
                    "locked_by": self.env.ref("base.user_root").id,
                }
            )
        )
        self._crm_plus_oa_log(
            "filed",
            comment=self.env._("%(file)s filed in %(folder)s.", file=name, folder=folder.complete_name),
            sha256=digest,
            dms_file_id=dms_file.id,
        )
        order.message_post(
            body=Markup("%s<br/>SHA-256: <code>%s</code>")
            % (self.env._("Approved order filed as %(file)s.", file=name), digest)
        )
        return dms_file

    def action_oa_view_documents(self):
        self.ensure_one()
        folder = self._crm_plus_oa_order_folder()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents"),
            "res_model": "dms.file",
            "view_mode": "kanban,list,form",
            "domain": [("directory_id", "=", folder.id)],
            "context": {"create": False},
        }
