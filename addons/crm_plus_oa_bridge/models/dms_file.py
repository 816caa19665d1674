# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Filed documents keep the SHA-256 of their content; *Verify* and a nightly job check it.

A mismatch (content changed since it was filed, e.g. in the database or the
file store) is flagged once: the file shows *Changed since filed* (filter
*Integrity mismatch*), the approval trail of the document it was filed for
gets an *Integrity mismatch* entry, and the file's chatter (and the
document's) says so. Verifying again changes nothing until the state changes.
"""

import base64
import hashlib

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.crm_plus.access import require_groups
from odoo.addons.crm_plus.messages import Message
from odoo.addons.crm_plus.messages import chatter_note

from ..access import OA_USER
from ..messages import _lt

# the bridge's record of a filing and of its verifications: written by the bridge only (as superuser)
INTEGRITY_FIELDS = frozenset({"oa_sha256", "oa_integrity", "oa_verified_date"})
INTEGRITY_STATES = [("ok", "Intact"), ("mismatch", "Changed since filed")]
# files verified per batch (and per commit) by the nightly job
VERIFY_BATCH = 200


class DmsFile(models.Model):
    _inherit = "dms.file"

    oa_sha256 = fields.Char(
        string="SHA-256", readonly=True, copy=False, help="Digest of the content when it was filed."
    )
    oa_integrity = fields.Selection(
        INTEGRITY_STATES,
        string="Integrity",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Result of the last verification of the content against its SHA-256.",
    )
    oa_verified_date = fields.Datetime(string="Last Verified", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_plus_oa_check_integrity_fields(set().union(*vals_list))
        files = super().create(vals_list)
        if not self.env.su and any(files.mapped(lambda f: f.oa_sha256 or f.oa_integrity or f.oa_verified_date)):
            # final values: a client's context defaults (default_oa_sha256...) are refused too
            files._crm_plus_oa_check_integrity_fields(INTEGRITY_FIELDS)
        return files

    def write(self, vals):
        self._crm_plus_oa_check_integrity_fields(vals)
        return super().write(vals)

    def _crm_plus_oa_check_integrity_fields(self, fnames):
        if not self.env.su and INTEGRITY_FIELDS.intersection(fnames):
            raise AccessError(self.env._("The SHA-256 of a filed document and its verification are the OA app's."))

    @require_groups(OA_USER)
    def action_oa_verify(self):
        """Recompute the SHA-256 of these filed documents and flag those whose content changed."""
        self.check_access("read")
        files = self.filtered("oa_sha256")
        if not files:
            raise UserError(self.env._("Only documents filed by the OA app carry a SHA-256 to verify."))
        mismatches = files._crm_plus_oa_verify()
        if mismatches:
            message = self.env._(
                "%(count)s document(s) changed since filed: %(names)s. The approval trail says so.",
                count=len(mismatches),
                names=", ".join(mismatches.mapped("name")),
            )
        else:
            message = self.env._("%(count)s document(s) verified: the content matches its SHA-256.", count=len(files))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "danger" if mismatches else "success",
                "sticky": bool(mismatches),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _crm_plus_oa_verify(self):
        """Recompute each file's SHA-256; flag, once, those whose content no longer matches. Return them."""
        now = fields.Datetime.now()
        mismatches = self.browse()
        # sudo: the result of the verification is the bridge's record (the content is read, never changed);
        # callers checked that the user may read the files, or are the scheduled job
        files = self.sudo().with_context(bin_size=False)
        # the content as stored now (a file store or database edit is what this looks for)
        files.invalidate_recordset(["content"])
        for dms_file in files:
            digest = hashlib.sha256(base64.b64decode(dms_file.content or b"")).hexdigest()
            state = "ok" if digest == dms_file.oa_sha256 else "mismatch"
            flag = state == "mismatch" and dms_file.oa_integrity != "mismatch"
            dms_file.write({"oa_integrity": state, "oa_verified_date": now})
            if state == "mismatch":
                mismatches |= dms_file
            if flag:
                dms_file._crm_plus_oa_flag_mismatch(digest)
        return mismatches.with_env(self.env)

    def _crm_plus_oa_flag_mismatch(self, digest):
        """Say on the trail (and in the chatters) that this file's content changed since it was filed."""
        self.ensure_one()
        body = Message(
            self.env,
            _lt(
                "Integrity mismatch: the content of %(file)s no longer matches the SHA-256 it was filed with "
                "(filed %(filed)s, now %(now)s).",
                file=self.name,
                filed=self.oa_sha256,
                now=digest,
            ),
        )
        # sudo: the trail is written by the bridge only; the entry follows the document the file was filed for
        Log = self.env["crm_plus_oa.approval.log"].sudo()
        filed = Log.search([("dms_file_id", "=", self.id)], order="id desc", limit=1)
        if filed:
            document = filed.plan_change_id or filed.order_id or filed.communication_id
            document._crm_plus_oa_log("mismatch", comment=str(body), sha256=digest, dms_file_id=self.id)
            # sudo: the integrity alarm is posted on the document whoever opened the file
            document.sudo()._crm_plus_message_post(chatter_note(self.env, body))
        self.sudo()._crm_plus_message_post(chatter_note(self.env, Markup("<strong>%s</strong>"), body))

    @api.model
    def _crm_plus_oa_due_domain(self, since):
        return Domain("oa_sha256", "!=", False) & (
            Domain("oa_verified_date", "=", False) | Domain("oa_verified_date", "<", since)
        )

    @api.model
    def _crm_plus_oa_verify_due(self, since, limit=VERIFY_BATCH):
        """Verify up to ``limit`` filed documents not verified since ``since`` (oldest first); how many."""
        # sudo: the scheduled job verifies every filed document, whoever may read it
        files = (
            self.sudo()
            .with_context(active_test=False)
            .search(self._crm_plus_oa_due_domain(since), order="oa_verified_date ASC NULLS FIRST, id", limit=limit)
        )
        files._crm_plus_oa_verify()
        return len(files)

    @api.model
    def _cron_crm_plus_oa_verify(self):
        """Nightly: verify every filed document, in committed batches; a run cut short resumes with the oldest."""
        since = fields.Datetime.now()
        while processed := self._crm_plus_oa_verify_due(since):
            # sudo: as the batches above, every filed document still due counts (the job's progress only)
            remaining = self.sudo().with_context(active_test=False).search_count(self._crm_plus_oa_due_domain(since))
            if self.env["ir.cron"]._commit_progress(processed, remaining=remaining) <= 0 or not remaining:
                break
        return True
