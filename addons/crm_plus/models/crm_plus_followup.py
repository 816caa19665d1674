# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow-ups: who talked to a customer, when, how, and when to talk again.

Invariants (held against the salesperson a follow-up constrains, whatever client and context):

* a follow-up belongs to the customer (commercial partner); ``contact_id`` is the person spoken to;
* salespeople log their own follow-ups only (``user_id`` is the caller), dated today or earlier, on
  opportunities/orders of that customer they may read;
* what dates a follow-up (customer, date, author, company) is frozen for salespeople once logged: the
  customer pool counts days since the last follow-up, and a salesperson must not re-date history to keep a
  customer; the pool also reads ``LEAST(date, create_date)``, so a follow-up counts from when it was logged;
* ``next_date`` is a To-Do on the customer owner's desktop (the author's when the customer has no owner);
  logging the next follow-up on that customer closes the earlier ones' To-Dos.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError

from ..access import ALL_LEADS
from ..access import SALE_MANAGER

FOLLOWUP_TYPES = [("visit", "Visit"), ("call", "Call"), ("meeting", "Meeting"), ("message", "Message")]
# Frozen for salespeople once the follow-up is logged (they date the customer's history).
FROZEN_FIELDS = {"partner_id", "date", "user_id", "company_id"}


class CrmPlusFollowup(models.Model):
    _name = "crm_plus.followup"
    _description = "Customer Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person spoken to.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    followup_type = fields.Selection(FOLLOWUP_TYPES, string="Type", required=True, default="call", tracking=True)
    summary = fields.Text(required=True)
    next_date = fields.Date(
        string="Next Follow-up", tracking=True, help="A To-Do for the customer's owner on that day."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
    )
    owner_id = fields.Many2one(related="partner_id.user_id", string="Customer Owner")
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", check_company=True, ondelete="set null"
    )
    order_id = fields.Many2one(
        "sale.order", string="Quotation / Order", index="btree_not_null", check_company=True, ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )

    @api.depends("user_id")
    def _compute_team_id(self):
        for followup in self:
            followup.team_id = followup.user_id.sale_team_id

    @api.constrains("contact_id", "partner_id")
    def _check_contact(self):
        for followup in self:
            if followup.contact_id and followup.contact_id.commercial_partner_id != followup.partner_id:
                raise ValidationError(self.env._("The contact must be a person of the customer."))

    @api.onchange("lead_id", "order_id")
    def _onchange_document(self):
        document = self.order_id or self.lead_id
        if document.partner_id and not self.partner_id:
            self.partner_id = document.partner_id.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner and partner.parent_id:
                # the customer is the company; the person spoken to is the contact
                vals.setdefault("contact_id", partner.id)
                vals["partner_id"] = partner.commercial_partner_id.id
        followups = super().create(vals_list)
        if not self.env.su and not self._crm_plus_is_manager():
            # on the records: defaults (a client's default_user_id) included
            followups._crm_plus_check_salesperson()
        followups._crm_plus_check_documents()
        followups._crm_plus_close_earlier_activities()
        followups._crm_plus_sync_activity()
        return followups

    def write(self, vals):
        if not self.env.su and not self._crm_plus_is_manager():
            frozen = sorted(FROZEN_FIELDS & set(vals))
            if frozen:
                raise AccessError(
                    self.env._(
                        "A logged follow-up keeps its customer, date, salesperson and company (%(fields)s): "
                        "log a new one instead.",
                        fields=", ".join(frozen),
                    )
                )
        res = super().write(vals)
        if {"lead_id", "order_id", "partner_id"} & set(vals):
            self._crm_plus_check_documents()
        if {"next_date", "partner_id", "user_id"} & set(vals):
            self._crm_plus_sync_activity()
        return res

    # -------------------------------------------------------------- checks

    def _crm_plus_is_manager(self):
        return self.env.user.has_group(ALL_LEADS) or self.env.user.has_group(SALE_MANAGER)

    def _crm_plus_check_salesperson(self):
        """Salespeople log their own follow-ups, of today or earlier."""
        today = fields.Date.context_today(self)
        for followup in self:
            if followup.user_id != self.env.user:
                raise AccessError(self.env._("You can only log your own follow-ups."))
            if followup.date > today:
                raise ValidationError(
                    self.env._("A follow-up is logged once it happened: its date cannot be later than today.")
                )

    def _crm_plus_check_documents(self):
        """Linked opportunity/order: of the same customer, and readable by the user linking them."""
        for followup in self:
            for document in (followup.lead_id, followup.order_id):
                if not document:
                    continue
                document.check_access("read")
                if document.partner_id.commercial_partner_id != followup.partner_id:
                    raise ValidationError(
                        self.env._(
                            "%(document)s is not a document of %(customer)s.",
                            document=document.display_name,
                            customer=followup.partner_id.display_name,
                        )
                    )

    # -------------------------------------------------------------- activities

    def _crm_plus_close_earlier_activities(self):
        """The next follow-up on a customer closes the To-Dos that earlier follow-ups left for it."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        # sudo: the To-Dos are on the owner's desktop, whoever logs the new follow-up
        earlier = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    (
                        "res_id",
                        "in",
                        # sudo: earlier follow-ups of these customers, whoever logged them (ids only)
                        self.sudo().search([("partner_id", "in", self.partner_id.ids), ("id", "not in", self.ids)]).ids,
                    ),
                    ("activity_type_id", "=", todo.id if todo else False),
                ]
            )
        )
        if earlier:
            earlier._action_done(feedback=self.env._("Followed up."))

    def _crm_plus_sync_activity(self):
        """One To-Do per follow-up with a next date, for the customer's owner (else the author)."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        to_create = []
        for followup in self:
            # sudo: the To-Do is the owner's, who may not be the user logging the follow-up
            activities = followup.sudo().activity_ids.filtered(lambda act: act.activity_type_id == todo)
            responsible = followup.partner_id.user_id or followup.user_id
            if not followup.next_date:
                activities.unlink()
                continue
            if activities:
                activities.write({"user_id": responsible.id, "date_deadline": followup.next_date})
                continue
            to_create.append(
                {
                    "res_model_id": model_id,
                    "res_id": followup.id,
                    "activity_type_id": todo.id if todo else False,
                    "summary": self.env._("Follow up %(customer)s", customer=followup.partner_id.display_name),
                    "note": followup.summary,
                    "user_id": responsible.id,
                    "date_deadline": followup.next_date,
                }
            )
        if to_create:
            # sudo: the To-Do goes to the customer's owner, who may not be the user logging the follow-up
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(to_create)
