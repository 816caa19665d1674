# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An order's documents, filed in its own folders inside the customer's folders.

* Quotations/<order>: the quotation PDF of the round that becomes the order
  (accepted round, or approved along a route), locked;
* Contracts/<order>: the contracts the salesperson attaches (*Attach Contract*),
  what "route requires a contract" checks, locked on final approval;
* Orders/<order>: the order PDF once approved along a route, locked.

Every filing writes its SHA-256 in the approval trail and the chatter. The
order's folders are linked to the order: whoever may read the order reads
them, nobody else (dms inherits access from the linked record).
"""

import base64
import hashlib
from collections import defaultdict

from markupsafe import Markup

from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from odoo.addons.crm_plus.access import require_groups
from odoo.addons.crm_plus.messages import Message
from odoo.addons.crm_plus.messages import chatter_note

from ..access import OA_USER
from ..messages import _lt

ORDER_REPORT = "sale.action_report_saleorder"
# Customer sub-folder -> kind of the order's own folder inside it.
ORDER_FOLDER_KINDS = {"quotations": "order_quotation", "contracts": "order_contract", "orders": "order"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oa_document_count = fields.Integer(compute="_compute_oa_document_count")

    def _compute_oa_document_count(self):
        folders = self.env["dms.directory"].search(
            [
                ("oa_folder_kind", "in", list(ORDER_FOLDER_KINDS.values())),
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.ids),
            ]
        )
        counts = dict(
            self.env["dms.file"]._read_group([("directory_id", "in", folders.ids)], ["directory_id"], ["__count"])
        )
        per_order = defaultdict(int)
        for folder in folders:
            per_order[folder.res_id] += counts.get(folder, 0)
        for order in self:
            order.oa_document_count = per_order[order.id]

    def _crm_plus_oa_order_folder(self, kind="orders", create=True):
        """The order's folder inside the customer's ``kind`` folder (quotations, contracts, orders).

        Access follows the order. With ``create=False`` an empty recordset
        when nothing was filed for the order yet.
        """
        self.ensure_one()
        # sudo: see res.partner._crm_plus_oa_folder
        Directory = self.env["dms.directory"].sudo().with_context(check_name=False)
        domain = [
            ("oa_folder_kind", "=", ORDER_FOLDER_KINDS[kind]),
            ("res_model", "=", "sale.order"),
            ("res_id", "=", self.id),
        ]
        folder = Directory.search(domain, limit=1)
        if not folder and create:
            # sudo: the folder is created on behalf of the company, see above
            parent = self.partner_id._crm_plus_oa_folder(kind).sudo()
            # the order's folders are the customer's too: same lock
            self.partner_id._crm_plus_oa_lock_folders()
            folder = Directory.create(
                {
                    "name": f"{self.name} #{self.id}".replace("/", "-"),
                    "parent_id": parent.id,
                    "model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": self.id,
                    "oa_folder_kind": ORDER_FOLDER_KINDS[kind],
                }
            )
        return folder.with_env(self.env)

    def _crm_plus_oa_file_pdf(self, kind, label, message):
        """Render the order as it stands (a quotation before confirmation), file it locked in its ``kind`` folder.
        ``message`` (a lazy translation) is noted in the order's chatter."""
        self.ensure_one()
        # sudo: the document is filed on behalf of the company by whoever made
        # the decision (approver, salesperson accepting a round); the report is
        # the customer-facing quotation/order, nothing more.
        content, _report_format = self.env["ir.actions.report"].sudo()._render_qweb_pdf(ORDER_REPORT, self.ids)
        folder = self._crm_plus_oa_order_folder(kind)
        dms_file, digest = folder._crm_plus_oa_file(f"{self.name} {label}.pdf", content)
        self._crm_plus_oa_log(
            "filed",
            # sudo: the folder's path, for the trail (the decider may not read the customer's folders)
            comment=self.env._("%(file)s filed in %(folder)s.", file=dms_file.name, folder=folder.sudo().complete_name),
            sha256=digest,
            dms_file_id=dms_file.id,
        )
        # sudo: the approver may not have write access to the order's chatter
        self.sudo()._crm_plus_message_post(
            chatter_note(self.env, Markup("%s<br/>SHA-256: <code>%s</code>"), message, digest)
        )
        return dms_file

    def _crm_plus_oa_file_approved_order(self):
        """The order confirmed after its route: its PDF in the customer's Orders folder."""
        label = f"approved R{self._crm_plus_oa_read('oa_round')}"
        return self._crm_plus_oa_file_pdf(
            "orders", label, _lt("Approved order filed as %(file)s.", file=f"{self.name} {label}.pdf")
        )

    def _crm_plus_oa_file_quotation(self, event):
        """The round that becomes the order (``event``: accepted or approved), as a quotation, in Quotations."""
        if event == "approved":
            label = f"quotation approved R{self._crm_plus_oa_read('oa_round')}"
            message = _lt("Approved quotation filed as %(file)s.", file=f"{self.name} {label}.pdf")
        else:
            label = "quotation accepted"
            message = _lt("Accepted quotation filed as %(file)s.", file=f"{self.name} {label}.pdf")
        return self._crm_plus_oa_file_pdf("quotations", label, message)

    def _crm_plus_accept_round(self, lost_reason=False):
        res = super()._crm_plus_accept_round(lost_reason)
        # A round approved along a route was filed as the approved quotation
        # a moment ago (its confirmation accepts it): once is enough.
        if not (self.approval_state == "approved" and self._crm_plus_oa_reviews()):
            self._crm_plus_oa_file_quotation("accepted")
        return res

    # -------------------------------------------------------------- contracts
    def _crm_plus_oa_attach_contract(self, name, content):
        """File ``content`` (bytes) as a contract of this order, in the customer's Contracts folder.

        Whoever may edit the order attaches its contracts; a contract of a
        confirmed order is filed locked, others are locked on final approval.
        """
        self.ensure_one()
        self.check_access("write")
        if self.state == "cancel":
            raise UserError(self.env._("Order %(name)s is cancelled.", name=self.name))
        if not content:
            raise UserError(self.env._("The contract file is empty."))
        folder = self._crm_plus_oa_order_folder("contracts")
        dms_file, digest = folder._crm_plus_oa_file(name, content, lock=self.state == "sale")
        message = Message(self.env, _lt("Contract %(file)s attached.", file=dms_file.name))
        self._crm_plus_oa_log("filed", comment=str(message), sha256=digest, dms_file_id=dms_file.id)
        self._crm_plus_message_post(chatter_note(self.env, Markup("%s<br/>SHA-256: <code>%s</code>"), message, digest))
        return dms_file

    def _crm_plus_oa_contracts(self):
        """The contracts filed for this order, as superuser (caller checks access)."""
        self.ensure_one()
        # sudo: whether the contract is there is checked for the approver, who may not read the folder
        return self._crm_plus_oa_order_folder("contracts", create=False).sudo().file_ids

    def _crm_plus_oa_lock_contracts(self):
        """Final approval: the order's contracts become locked snapshots, their SHA-256 in the trail."""
        self.ensure_one()
        contracts = self._crm_plus_oa_contracts().filtered(lambda f: not f.locked_by)
        if not contracts:
            return contracts
        root = self.env.ref("base.user_root")
        digests = {}
        for contract in contracts:
            # a file uploaded through the documents app has no digest yet: take it as it is now
            digests[contract] = hashlib.sha256(base64.b64decode(contract.content or b"")).hexdigest()
            contract.write({"locked_by": root.id, "oa_sha256": digests[contract], "oa_integrity": False})
        # sudo: the trail is written by the bridge only (see _crm_plus_oa_log)
        self.env["crm_plus_oa.approval.log"].sudo().create(
            [
                self._crm_plus_oa_log_values(
                    "locked",
                    comment=self.env._("Contract %(file)s locked.", file=contract.name),
                    sha256=digest,
                    dms_file_id=contract.id,
                )
                for contract, digest in digests.items()
            ]
        )
        return contracts

    @require_groups(OA_USER)
    def action_oa_attach_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attach Contract"),
            "res_model": "sale.order.contract.attach",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_oa_view_documents(self):
        self.ensure_one()
        folders = self.env["dms.directory"].search(
            [
                ("oa_folder_kind", "in", list(ORDER_FOLDER_KINDS.values())),
                ("res_model", "=", "sale.order"),
                ("res_id", "=", self.id),
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents"),
            "res_model": "dms.file",
            "view_mode": "kanban,list,form",
            "domain": [("directory_id", "in", folders.ids)],
            "context": {"create": False},
        }
