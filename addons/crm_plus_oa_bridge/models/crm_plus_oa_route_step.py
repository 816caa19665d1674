# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.fields import Domain

APPROVER_KINDS = [
    ("user", "Specific users"),
    ("group", "Users of a group (role)"),
    ("department_manager", "Requester's department manager"),
    ("department_level", "Manager N levels up the department tree"),
    ("field", "User in a field of the document"),
]
STEP_MODES = [
    ("any", "Any one approves"),
    ("all", "All must approve (countersign)"),
    ("sequential", "One after the other"),
]


class CrmPlusOaRouteStep(models.Model):
    """One step of a route: who approves, and how many of them must."""

    _name = "crm_plus_oa.route.step"
    _description = "Approval Route Step"
    _order = "route_id, sequence, id"

    route_id = fields.Many2one("crm_plus_oa.route", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="route_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    approver_kind = fields.Selection(APPROVER_KINDS, required=True, default="user")
    user_ids = fields.Many2many(
        "res.users",
        "crm_plus_oa_route_step_user_rel",
        "step_id",
        "user_id",
        string="Users",
        domain=[("share", "=", False)],
    )
    group_id = fields.Many2one("res.groups", string="Group")
    department_level = fields.Integer(
        default=1, help="1: the manager of the requester's department, 2: the manager of its parent department..."
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Field",
        ondelete="cascade",
        domain="[('model', '=', route_model), ('relation', 'in', ('res.users', 'res.groups')), ('store', '=', True)]",
    )
    route_model = fields.Char(related="route_id.model")
    mode = fields.Selection(STEP_MODES, required=True, default="any")
    limit_hours = fields.Integer(
        string="Time Limit (hours)", help="After this, the approvers get a reminder (0: no limit)."
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="When the time limit is exceeded, this user may also decide on the step.",
    )
    definition_id = fields.Many2one("tier.definition", readonly=True, copy=False, ondelete="restrict")

    _department_level_positive = models.Constraint(
        "CHECK(department_level >= 1)", "The department level starts at 1 (the requester's own department)."
    )
    _limit_hours_positive = models.Constraint("CHECK(limit_hours >= 0)", "The time limit cannot be negative.")

    @api.constrains("approver_kind", "user_ids", "group_id", "field_id")
    def _check_approver(self):
        for step in self:
            missing = (
                (step.approver_kind == "user" and not step.user_ids)
                or (step.approver_kind == "group" and not step.group_id)
                or (step.approver_kind == "field" and not step.field_id)
            )
            if missing:
                raise ValidationError(self.env._("Step %(step)s: say who approves it.", step=step.name))
            if step.field_id and step.field_id.model != step.route_id.model:
                raise ValidationError(
                    self.env._("Step %(step)s: the field must belong to the route's document.", step=step.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        for step in steps:
            # sudo: the tier definition is a technical mirror of the step that
            # tier.review needs (name, sequence policy, comments); workflow
            # administrators are not Settings administrators.
            step.definition_id = self.env["tier.definition"].sudo().create(step._crm_plus_oa_definition_vals())
        return steps

    def write(self, vals):
        res = super().write(vals)
        if {"name", "route_id"}.intersection(vals):
            for step in self:
                # sudo: see create
                step.definition_id.sudo().write({"name": step._crm_plus_oa_definition_vals()["name"]})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_flight(self):
        # sudo: requests of any document use the step, also those the administrator may not read
        open_reviews = (
            self.env["tier.review"]
            .sudo()
            .search_count(
                Domain("oa_step_id", "in", self.ids) & Domain("status", "in", ("waiting", "pending")), limit=1
            )
        )
        if open_reviews:
            raise UserError(
                self.env._("Requests are waiting on this step: archive the route or wait until they are decided.")
            )

    def _crm_plus_oa_definition_vals(self):
        self.ensure_one()
        return {
            "name": f"{self.route_id.name} / {self.name}",
            "model_id": self.env["ir.model"]._get_id(self.route_id.model or "sale.order"),
            "company_id": self.route_id.company_id.id,
            "review_type": "individual",
            "approve_sequence": True,
            "has_comment": True,
            # inactive: base_tier_validation never applies it on its own, only
            # the routes create reviews pointing at it
            "active": False,
        }

    # ------------------------------------------------------------- resolving
    def _crm_plus_oa_resolve(self, record, requester):
        """Users who may decide on this step for ``record`` requested by ``requester``."""
        self.ensure_one()
        Users = self.env["res.users"]
        company = record.company_id if "company_id" in record._fields else self.env.company
        if self.approver_kind == "user":
            users = self.user_ids
        elif self.approver_kind == "group":
            # sudo: the members of a group are administration data the requester may not read
            users = self.group_id.sudo().all_user_ids
        elif self.approver_kind in ("department_manager", "department_level"):
            level = 1 if self.approver_kind == "department_manager" else self.department_level
            users = self._crm_plus_oa_department_manager(requester, company, level)
        else:
            # sudo: the user/group field the administrator chose, whatever the requester may read
            value = record.sudo()[self.field_id.name]
            users = value.all_user_ids if value._name == "res.groups" else value
        # sudo: active, internal and companies of the approvers, read to keep only who can act
        users = users.sudo().filtered(lambda u: u.active and not u.share and (not company or company in u.company_ids))
        return Users.browse(users.ids)

    @api.model
    def _crm_plus_oa_department_manager(self, user, company, level):
        """Manager ``level`` levels up from ``user``'s department (managers equal to ``user`` skipped)."""
        # sudo: who manages whom is HR data the requester may not read.
        employee = user.sudo().employee_ids.filtered(lambda e: not company or e.company_id == company)[:1]
        department = employee.department_id
        managers = []
        seen = set()
        while department and department.id not in seen:
            seen.add(department.id)
            manager_user = department.manager_id.user_id
            if manager_user and manager_user != user and manager_user not in managers:
                managers.append(manager_user)
            department = department.parent_id
        if not managers:
            return self.env["res.users"]
        return managers[min(level, len(managers)) - 1]

    def _crm_plus_oa_review_vals(self, users, sequence):
        self.ensure_one()
        return {
            "definition_id": self.definition_id.id,
            "sequence": sequence,
            "oa_step_id": self.id,
            "oa_route_id": self.route_id.id,
            "oa_step_name": self.name,
            "oa_mode": self.mode,
            "oa_user_ids": [Command.set(users.ids)],
            "oa_limit_hours": self.limit_hours,
            "oa_escalation_user_id": self.escalation_user_id.id,
        }
