# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

SUB_FOLDERS = ("quotations", "contracts", "orders", "dunning")


class ResPartner(models.Model):
    _inherit = "res.partner"

    oa_document_count = fields.Integer(compute="_compute_oa_counts")
    oa_approval_count = fields.Integer(compute="_compute_oa_counts")

    def _compute_oa_counts(self):
        partners = self.commercial_partner_id
        Directory = self.env["dms.directory"]
        folders = Directory.search(
            [("oa_folder_kind", "=", "customer"), ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        file_counts = (
            dict(
                self.env["dms.file"]._read_group(
                    [("directory_id", "child_of", folders.ids)], ["directory_id"], ["__count"]
                )
            )
            if folders
            else {}
        )
        per_partner = {}
        for folder in folders:
            per_partner[folder.res_id] = sum(
                count
                for directory, count in file_counts.items()
                if directory.parent_path.startswith(folder.parent_path)
            )
        Log = self.env["crm_plus_oa.approval.log"]
        logs = (
            dict(
                Log._read_group(
                    [("order_id.partner_id.commercial_partner_id", "in", partners.ids), ("action", "=", "requested")],
                    ["order_id.partner_id.commercial_partner_id"],
                    ["__count"],
                )
            )
            if Log.has_access("read")
            else {}
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.oa_document_count = per_partner.get(commercial.id, 0)
            partner.oa_approval_count = logs.get(commercial, 0)

    @api.model
    def _crm_plus_oa_labels(self):
        return {
            "quotations": self.env._("Quotations"),
            "contracts": self.env._("Contracts"),
            "orders": self.env._("Orders"),
            "dunning": self.env._("Dunning"),
        }

    def _crm_plus_oa_folder(self, kind="customer"):
        """The customer's folder (or its ``kind`` sub-folder), created on first need.

        Folders live in the attachment storage of the bridge, linked to the
        customer: whoever may read the customer may read them (dms inherits
        access from the linked record), nobody else.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        # sudo: folders are created for whoever files a document; access to
        # them is then decided by the customer record they are linked to.
        Directory = self.env["dms.directory"].sudo().with_context(check_name=False)
        folder = Directory.search(
            [("oa_folder_kind", "=", "customer"), ("res_model", "=", "res.partner"), ("res_id", "=", partner.id)],
            limit=1,
        )
        if not folder:
            partner._crm_plus_oa_lock_folders()
            # sudo: as above, the root folder of the customers' folders
            root = self.env.ref("crm_plus_oa_bridge.dms_directory_customers").sudo()
            model_id = self.env["ir.model"]._get_id("res.partner")
            name = f"{partner.name or ''} #{partner.id}".replace("/", "-").strip()
            folder = Directory.create(
                {
                    "name": name,
                    "parent_id": root.id,
                    "model_id": model_id,
                    "res_id": partner.id,
                    "oa_folder_kind": "customer",
                }
            )
            labels = self._crm_plus_oa_labels()
            Directory.create(
                [
                    {
                        "name": labels[sub],
                        "parent_id": folder.id,
                        "model_id": model_id,
                        "res_id": partner.id,
                        "oa_folder_kind": sub,
                    }
                    for sub in SUB_FOLDERS
                ]
            )
        if kind != "customer":
            folder = folder.child_directory_ids.filtered(lambda d: d.oa_folder_kind == kind)[:1]
        return folder.with_env(self.env)

    def _crm_plus_oa_lock_folders(self):
        """Serialize the creation of this customer's folders between transactions.

        Two transactions filing the first documents of a customer at once
        would each create its folders. The customer's row is the lock: it is
        locked *and updated* (a no-op update of ``write_date``), so that the
        second transaction waits for the first one and then, under
        PostgreSQL's repeatable read, fails with a serialization error that
        Odoo retries with a fresh snapshot, which shows the folders. A lock
        alone (``SELECT ... FOR UPDATE``) would let it go on with its old
        snapshot and create the folders a second time.
        """
        self.ensure_one()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET write_date = write_date WHERE id = %s", self.commercial_partner_id.id)
        )

    def _crm_plus_oa_file_document(self, kind, name, content, lock=True):
        """File ``content`` (bytes) as ``name`` in the customer's ``kind`` folder; return (dms.file, sha256).

        For other features (dunning letters: ``kind="dunning"``...). Locked
        snapshots cannot be changed or deleted by anybody but the superuser.
        """
        self.ensure_one()
        return self._crm_plus_oa_folder(kind)._crm_plus_oa_file(name, content, lock=lock)

    def action_oa_view_documents(self):
        self.ensure_one()
        # opening the documents creates nothing: no folder yet, no document
        # sudo: whether the customer has a folder (the window shows the files the user may read)
        folder = (
            self.env["dms.directory"]
            .sudo()
            .search(
                [
                    ("oa_folder_kind", "=", "customer"),
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.commercial_partner_id.id),
                ],
                limit=1,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents"),
            "res_model": "dms.file",
            "view_mode": "kanban,list,form",
            "domain": [("directory_id", "child_of", folder.ids)],
            "context": {"create": False},
        }

    def action_oa_view_approvals(self):
        self.ensure_one()
        domain = [("order_id.partner_id", "child_of", self.commercial_partner_id.id)]
        return self.env["crm_plus_oa.approval.log"]._action_trail(domain)
