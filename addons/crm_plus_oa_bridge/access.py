# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what, and which context keys the bridge trusts (STYLE §10), for crm_plus_oa_bridge.

The same rules as ``odoo.addons.crm_plus.access`` (whose helpers this module
uses), for the bridge's models:

* ``PUBLIC_METHODS``: every public method defined by a class of the bridge
  (overrides of Odoo's, crm_plus's and OCA's included, and the approval
  mixin's on each document using it), with the groups its ``require_groups``
  enforces and the states/checks it applies. ``tests/test_oa_public_api``
  fails when a public method appears that this dict does not name.
* ``TRUSTED_CONTEXT_KEYS``: the bridge's context keys that change behaviour,
  declared to crm_plus (``declare_trusted_keys``) and read with
  ``is_trusted`` only: a client's value is never honoured.

Reviews of routed documents (``tier.review``) are not in the context: the
bridge writes them as superuser after its checks, and refuses every other
change (``tier.review._crm_plus_oa_check_guard``).
"""

from odoo.addons.crm_plus.access import FINANCE
from odoo.addons.crm_plus.access import declare_trusted_keys

MODULE_PREFIX = "odoo.addons.crm_plus_oa_bridge."

# Groups, by the names used below.
OA_USER = "crm_plus_oa_bridge.crm_plus_oa_bridge_group_user"

# key -> who sets it and why
TRUSTED_CONTEXT_KEYS = {
    "crm_plus_oa_plan_gate": "the bridge's own plan paths (crm_plus's rescheduling, plan generation on "
    "confirmation, an approved plan change): the steps of a plan a plan-change route takes change there",
}
declare_trusted_keys(TRUSTED_CONTEXT_KEYS)

# Context keys read from the client's context on purpose: none (defaults go through the ORM).
CLIENT_CONTEXT_KEYS = {}

_ACL = "access rights and record rules"
_READ = "any user who may read the record (opens a window)"
_STEP = "the approvers of the current step only (AccessError), while the document waits; recorded as the real user"
_MIXIN = {
    "action_oa_approve": ((), _STEP),
    "action_oa_approve_comment": ((), f"{_STEP}; opens the comment wizard, checked again on submit"),
    "action_reject": ((), f"{_STEP}; opens the comment wizard, checked again on submit"),
    "evaluate_tier": ((), "returns nothing: tier definitions never apply, the route says who approves"),
    "reject_tier": ((), f"{_STEP}; same as action_reject"),
    "request_validation": ((), "always refused: requests are made by the document's own action"),
    "restart_validation": ((), "always refused: withdraw the request instead"),
    "unlink": ((), f"{_ACL} checked before the reviews go; refused while a request waits"),
    "validate_tier": ((), f"{_STEP}; same as action_oa_approve"),
}

# model -> method -> (groups the method's @require_groups enforces (empty: none), states and other checks).
PUBLIC_METHODS = {
    "comment.wizard": {
        "add_comment": ((), f"routed documents: the checked decision ({_STEP}); others: base_tier_validation"),
    },
    "crm_plus.dunning.communication": {
        **_MIXIN,
        "action_cancel": ((FINANCE,), "not once sent; an escalation on its way: its request is withdrawn"),
        "action_mark_sent": ((FINANCE,), "draft or failed; refused while an escalation waits for its route"),
        "action_print": ((), f"{_READ}; draft letters (finance) are filed, locked, in the customer's folder"),
        "reject_tier": ((), f"{_STEP}; same as action_reject"),
        "validate_tier": ((), f"{_STEP}; same as action_oa_approve"),
    },
    "crm_plus.plan": {
        "action_oa_request_plan_change": ((OA_USER,), "opens the request wizard; the request checks the plan"),
        "action_oa_view_plan_changes": ((), _READ),
        "unlink": ((), f"{_ACL}; refused when a plan-change route takes the plan"),
    },
    "crm_plus.plan.step": {
        "create": ((), f"{_ACL}; refused when a plan-change route takes the plan"),
        "write": ((), f"{_ACL}; dates/amounts refused when a plan-change route takes the plan"),
    },
    "crm_plus_oa.approval.mixin": dict(_MIXIN),
    "crm_plus_oa.delegate": {
        "action_delegate": ((OA_USER,), f"{_STEP}; never to the requester, the salesperson or the same step"),
    },
    "crm_plus_oa.plan.change": {
        **_MIXIN,
        "action_oa_open_plan": ((), _READ),
        "action_oa_withdraw": ((OA_USER,), "the requester only, while the request waits"),
    },
    "crm_plus_oa.plan.change.wizard": {
        "action_request": ((OA_USER,), "plan read access (a route decides) or write access (applied at once)"),
    },
    "crm_plus_oa.route": {"action_view_steps": ((), _READ)},
    "crm_plus_oa.route.step": {
        "create": ((), f"{_ACL} (workflow administrators); its tier definition mirrored"),
        "write": ((), f"{_ACL} (workflow administrators); requests in flight keep their snapshot"),
    },
    "dms.directory": {
        "create": ((), f"{_ACL} (dms); CRM folders (oa_folder_kind) created by the bridge only"),
        "write": ((), f"{_ACL} (dms); a CRM folder's link (customer/order, parent, storage, kind): the bridge only"),
    },
    "dms.file": {
        "action_oa_verify": ((OA_USER,), "read access to the files; flags a changed content on the trail"),
        "create": ((), f"{_ACL} (dms); the SHA-256 and integrity fields refused to users (values and defaults)"),
        "write": ((), f"{_ACL} (dms; locked files: nobody); the SHA-256 and integrity fields refused to users"),
    },
    "ir.attachment": {"write": ((), f"{_ACL}; the content of a locked filed document is refused")},
    "mail.activity": {
        "action_crm_plus_oa_approve": ((), f"the activity's own user; {_STEP}"),
    },
    "res.partner": {
        "action_oa_view_approvals": ((), _READ),
        "action_oa_view_documents": ((), f"{_READ}; creates no folder"),
    },
    "sale.order": {
        **_MIXIN,
        "action_approve": ((), f"routed: {_STEP}; otherwise crm_plus's approver check"),
        "action_oa_attach_contract": ((OA_USER,), "opens the wizard; filing checks write access, not cancelled"),
        "action_oa_view_approvals": ((), _READ),
        "action_oa_view_documents": ((), _READ),
        "action_oa_withdraw": ((OA_USER,), "the requester or the salesperson, while the request waits"),
        "reject_tier": ((), "the order's approvers (crm_plus's check, the route's when routed)"),
        "request_validation": ((), "always refused: confirming the order asks for approval when a rule says so"),
        "restart_validation": ((), "always refused: withdraw the request instead"),
        "validate_tier": ((), "same as action_approve"),
    },
    "sale.order.contract.attach": {
        "action_attach": ((OA_USER,), "write access to the order, not cancelled; filed with its SHA-256"),
    },
    "tier.definition": {"write": ((), f"{_ACL} (settings); tiers of a route: only their name follows the step")},
    "tier.review": {
        "action_oa_approve": ((), _STEP),
        "action_oa_delegate": ((OA_USER,), f"{_STEP}; opens the forward wizard"),
        "action_oa_open_document": ((), f"{_READ}; the document's own access applies"),
        "action_oa_reject": ((), f"{_STEP}; opens the rejection wizard"),
        "create": ((), "routed documents: refused to users (values, context defaults, final values)"),
        "write": ((), "routed documents: refused to users (before and after: model/res_id turned into one)"),
    },
}
