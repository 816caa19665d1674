# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may call what, and which context keys crm_plus trusts (STYLE §10).

Every method without a leading underscore is an endpoint: any user who can
read a record may call it over XML-RPC/JSON-RPC, with the context they choose.
This module is the one place that says, for crm_plus:

* ``PUBLIC_METHODS``: every public method of crm_plus's models, with the
  groups it requires and the states it accepts. ``tests/test_security_public_api``
  fails when a model gains a public method this dict does not name, or when the
  groups listed differ from the method's ``require_groups`` decorator.
* ``require_groups(*xmlids)``: the decorator that enforces the groups at the top
  of a public method (``AccessError`` unless the user has one of them, or the
  environment is superuser: the addon's own code after its own checks).
* ``COMPANY_SHARED_MODELS``: the models with customer data that have no company, with the reason.
* ``TRUSTED_CONTEXT_KEYS``: every context key that changes behaviour (skips a
  check, poses as tracking, ...), with who sets it. Such keys are set with
  ``trusted_context(records, key=True)`` and read with ``is_trusted(env, key)``:
  the value stored is a private Python object that JSON/XML values sent by a
  client can never be, so a client putting the key in its context gets the
  behaviour of a context without it.

Other addons (crm_plus_oa_bridge) declare their own keys with
``declare_trusted_keys`` and keep their own ``PUBLIC_METHODS``.
"""

import functools
import inspect

from odoo.exceptions import AccessError


class _Trusted:
    """The value of a trusted context key: only Python code can produce it."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"<trusted {self.key}>"


# key -> who sets it and why (the only keys trusted_context accepts)
TRUSTED_CONTEXT_KEYS = {
    "crm_plus_approval_gate": "sale.order: the approval methods writing approval/round fields and confirming",
    "crm_plus_attribute_copy": "crm_plus.attribute.holder: attribute values copied from a record the user reads "
    "(copy, new round, lead to quotation), after the values the caller chose passed the edit-group check",
    "crm_plus_confirm_delete": "the attribute delete wizard, after the administrator confirmed the loss of values",
    "crm_plus_plan_tracking": "plan tracking (accounting/stock events) and the authorised plan/step actions: "
    "done amounts, cancellation and dates move without the 'plan started' checks",
    "crm_plus_pool": "res.partner.action_claim, after its checks: the claim writes the owner of pool customers",
    "crm_plus_plan_defer_check": "plan create/write: step totals are checked once, after all steps are written",
    "crm_plus_plan_no_activity": "plan generation: step to-dos are created once for the whole plan",
}
_MARKERS = {}


def declare_trusted_keys(keys):
    """Let another addon declare its trusted keys ``{key: who sets it}`` (called at import)."""
    for key, why in keys.items():
        if key in TRUSTED_CONTEXT_KEYS and TRUSTED_CONTEXT_KEYS[key] != why:
            raise ValueError(f"trusted context key {key!r} declared twice")
        TRUSTED_CONTEXT_KEYS[key] = why


def _marker(key):
    if key not in TRUSTED_CONTEXT_KEYS:
        raise KeyError(f"{key!r} is not declared in TRUSTED_CONTEXT_KEYS")
    # one marker per key: environments with the same trusted keys are the same environment
    return _MARKERS.setdefault(key, _Trusted(key))


def trusted_context(records, **keys):
    """``records`` with the trusted ``keys`` set (``key=True``) or removed (``key=False``)."""
    context = dict(records.env.context)
    for key, value in keys.items():
        marker = _marker(key)
        if value:
            context[key] = marker
        else:
            context.pop(key, None)
    return records.with_context(context)


def is_trusted(env, key):
    """Whether crm_plus code (never a client) set ``key`` in ``env``'s context."""
    return env.context.get(key) is _marker(key)


def require_groups(*xmlids):
    """Public method decorator: the caller must belong to one of ``xmlids`` (or be superuser)."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if not self.env.su and not any(self.env.user.has_group(xmlid) for xmlid in xmlids):
                raise AccessError(
                    self.env._(
                        "You are not allowed to do this (%(action)s on %(model)s).",
                        action=method.__name__,
                        model=self._description,
                    )
                )
            return method(self, *args, **kwargs)

        guarded._crm_plus_groups = frozenset(xmlids)
        return guarded

    return decorate


def public_methods(registry, module_prefix):
    """{model: {method name: function}} of public methods defined by classes of one addon.

    A method counts when a class of the addon (``odoo.addons.<addon>.``) defines it,
    overrides of Odoo's included: an override is an endpoint that behaves as we wrote it.
    """
    found = {}
    for model_name, model_cls in registry.items():
        for cls in model_cls.__mro__:
            if not (cls.__module__ or "").startswith(module_prefix):
                continue
            for name, value in vars(cls).items():
                if name.startswith("_") or not inspect.isfunction(value):
                    continue
                if getattr(getattr(model_cls, name, None), "_api_private", False):
                    continue
                found.setdefault(model_name, {})[name] = getattr(model_cls, name)
    return found


# Models holding data of customers, orders, invoices or plans without a company of their own (no company_id,
# no company rule), and why. tests/test_security_multi_company walks every model of both addons: any other
# model pointing to res.partner, sale.order, account.move or crm_plus.plan* must have a stored, indexed
# company_id and a company record rule.
COMPANY_SHARED_MODELS = {
    "crm_plus.customer.category": "configuration shared by all companies: a category classifies customers of "
    "any company (its plan template and dunning policy are company records, filtered by their own rules)",
}

# Groups, by the names used below.
SALESMAN = "sales_team.group_sale_salesman"
ALL_LEADS = "sales_team.group_sale_salesman_all_leads"
SALE_MANAGER = "sales_team.group_sale_manager"
APPROVER = "crm_plus.crm_plus_group_approver"
FINANCE = "crm_plus.crm_plus_group_finance"
ADMIN = "crm_plus.crm_plus_group_admin"
INTERNAL = "base.group_user"
HR_USER = "hr.group_hr_user"

# Context keys read from the client's context on purpose: they only shape what the user sees.
CLIENT_CONTEXT_KEYS = {
    "tz": "the user's time zone (dates of the customer value report)",
    "crm_plus_abc_date_from": "period of the customer value report (figures of records the user may read)",
    "crm_plus_abc_date_to": "period of the customer value report (figures of records the user may read)",
    "crm_plus_top_groups": "a dashboard pivot's first groups only (fewer of the groups the user may read)",
    "crm_plus_dashboard_snapshot": "a dashboard's read: the report's rows as of the last refresh, same access rights "
    "and record rules (report/crm_plus_report_snapshot.py)",
    "force_report_rendering": "Odoo's own key: real PDF statements in test mode (what the mail queue renders anyway)",
    "crm_plus_inline_qweb_cache": "compiled mail bodies of one dunning batch: honoured only as the Python object the "
    "run puts there (models/ir_qweb.py), which no client can send; any other value is ignored",
}

_ACL = "access rights and record rules"
_READ = "any user who may read the record (opens a view or prints)"

# model -> method -> (groups the method's @require_groups enforces (empty: none), states and other checks).
# Overrides of ORM methods (create, write, copy...) are listed with what they refuse.
PUBLIC_METHODS = {
    "account.move": {
        "button_cancel": ((), f"{_ACL}; then plan tracking follows the cancelled invoice"),
        "button_draft": ((), f"{_ACL}; then plan tracking follows the reset invoice"),
    },
    "account.partial.reconcile": {
        "create": ((), f"{_ACL}; then plan tracking follows the reconciliation"),
        "unlink": ((), f"{_ACL}; then plan tracking follows the unreconciliation"),
    },
    "crm.lead": {
        "action_view_crm_plus_rounds": ((), _READ),
        "copy": ((), f"{_ACL}; attribute values chosen by the caller: edit groups checked"),
        "copy_data": ((), f"{_ACL}; attribute values the user may not read are left out (copy writes them)"),
        "create": ((), f"{_ACL}; attribute edit groups, options and required attributes (marked stages) checked"),
        "write": ((), f"{_ACL}; attribute edit groups, options and required attributes (marked stages) checked"),
    },
    "crm_plus.attribute": {
        "action_delete": ((), f"{_ACL} (administrator): opens the delete confirmation"),
        "action_open_partners_with_values": ((), _READ),
        "copy_data": ((), f"{_ACL} (administrator)"),
        "create": ((), f"{_ACL} (administrator)"),
        "unlink": ((), f"{_ACL} (administrator); refused while records hold values (delete wizard)"),
        "write": ((), f"{_ACL} (administrator)"),
    },
    "crm_plus.attribute.delete": {
        "action_archive_attributes": ((), f"{_ACL} (administrator)"),
        "action_confirm_delete": ((), f"{_ACL} (administrator)"),
    },
    "crm_plus.attribute.holder": {
        "copy": ((), f"{_ACL}; attribute values chosen by the caller: edit groups checked"),
        "copy_data": ((), f"{_ACL}; attribute values the user may not read are left out (copy writes them)"),
        "create": ((), f"{_ACL}; attribute edit groups and options checked"),
        "write": ((), f"{_ACL}; attribute edit groups and options checked"),
    },
    "crm_plus.attribute.option": {
        "create": ((), f"{_ACL} (administrator)"),
        "write": ((), f"{_ACL} (administrator)"),
    },
    "crm_plus.customer.category": {"action_open_partners": ((), _READ)},
    "crm_plus.dunning.communication": {
        "action_cancel": ((FINANCE,), "not once sent; the queued mail is cancelled with it"),
        "action_mark_sent": ((FINANCE,), "draft or failed"),
        "action_print": ((), f"{_READ}; draft letters (marked sent when printed): finance only"),
        "action_retry": ((FINANCE,), "failed only: emails (address fixed) queued again, run failures back to the run"),
    },
    "crm_plus.dunning.promise": {
        "action_cancel": ((FINANCE,), "open ones only; logged on the customer"),
        "action_resolve": ((FINANCE,), "open disputes only; logged on the customer"),
        "create": ((), f"{_ACL} (finance), checked again in create; outcome fields refused"),
        "write": ((), f"{_ACL} (finance), checked again in write; outcome fields refused; closed ones frozen"),
    },
    "crm_plus.dunning.run.wizard": {
        "action_refresh": ((FINANCE,), "the preview of the wizard's customers"),
        "action_run": ((FINANCE,), "runs the wizard's customers (or all) of the user's companies"),
        "action_run_background": ((FINANCE,), "triggers the scheduled run"),
        "create": ((), f"{_ACL} (finance), checked again in create"),
    },
    "crm_plus.followup": {
        "create": (
            (),
            f"{_ACL}; salespeople log their own follow-ups (the records' author is the caller), dated today or "
            "earlier, on opportunities/orders of that customer they may read",
        ),
        "write": (
            (),
            f"{_ACL} (salespeople: their own); customer, date, author and company frozen for all but team "
            "leaders (all documents) and sales managers",
        ),
    },
    "crm_plus.handoff.wizard": {
        "action_apply": (
            (),
            "the caller may edit the document (plan steps: their responsible or a sales manager); to an active "
            "salesperson other than the current one; only models with hand-offs",
        ),
    },
    "crm_plus.handover": {
        "action_apply": (
            (SALE_MANAGER, HR_USER),
            "once per wizard; to an active salesperson; only records of the companies the caller works in",
        ),
    },
    "crm_plus.plan": {
        "action_cancel": ((FINANCE, SALE_MANAGER), "plans not cancelled; logged in the chatter"),
        "action_open_reschedule": ((), f"{_READ}: opens the wizard, whose create and action are finance only"),
        "action_open_steps": ((), _READ),
        "action_track": ((), "any reader: recomputes done amounts from the documents themselves"),
        "create": ((), f"{_ACL} (finance, sales manager); 'cancelled' and computed fields refused"),
        "write": ((), f"{_ACL} (finance, sales manager); order, 'cancelled' and computed fields refused"),
    },
    "crm_plus.plan.reschedule": {
        "action_apply": ((FINANCE,), "open installments of which nothing is paid; total kept; logged on the plan"),
        "create": ((), f"{_ACL} (finance), checked again in create"),
    },
    "crm_plus.plan.step": {
        "action_cancel": ((FINANCE, SALE_MANAGER), "plan not started; logged in the chatter"),
        "action_done": ((), "manual steps: their responsible or a sales manager; dunning steps: finance"),
        "action_open_done_wizard": ((), _READ),
        "action_open_order": ((), _READ),
        "action_reopen": ((FINANCE, SALE_MANAGER), "manual steps marked done; logged in the chatter"),
        "create": ((), f"{_ACL} (finance, sales manager); plan not started; done/cancelled refused"),
        "unlink": ((), f"{_ACL} (sales manager); plan not started"),
        "write": ((), f"{_ACL} (finance, sales manager); planned fields until the plan starts; done/cancelled refused"),
    },
    "crm_plus.plan.step.done": {
        "action_confirm": ((), "same checks as crm_plus.plan.step.action_done, before anything is written"),
    },
    "crm_plus.report.customer.value.period": {"action_open": ((), _READ)},
    "crm_plus.report.snapshot": {
        "action_refresh": ((SALE_MANAGER,), "sales managers: every dashboard snapshot refreshed now"),
    },
    "crm_plus.target": {"get_import_templates": ((), "any reader: the xlsx template to import targets")},
    "crm_plus.xlsx.export": {"action_export": ((), "exports only what the user may read (his own access)")},
    "hr.department": {
        "write": ((), f"{_ACL} (HR); a new manager: the department scope of the users below is recomputed"),
    },
    "hr.employee": {
        "write": ((), f"{_ACL} (HR); a department manager's new user: the scope below is recomputed"),
    },
    "ir.fields.converter": {"db_id_for": ((), "import: resolves attribute options the user may read")},
    "mail.message": {
        "write": ((), f"{_ACL} (mail's rules); a new body drops our note's data (crm_plus_body_data, system only)"),
    },
    "res.company": {
        "create": ((), f"{_ACL} (settings); creates the company's default approval rules"),
        "write": ((), f"{_ACL} (settings); 'Customers Editable by their Owner Only' changed: caches cleared"),
    },
    "res.partner": {
        "action_claim": (
            (SALESMAN,),
            "pool customers only (UserError), readable by the caller; the caller's rule's limit of owned customers "
            "checked under a lock of the caller's user row; the customers' rows locked",
        ),
        "action_crm_plus_dunning_communications": ((), _READ),
        "action_crm_plus_request_share": (
            (SALESMAN,),
            "a customer the caller may read, owned by someone else: a To-Do for its owner",
        ),
        "action_open_crm_plus_plans": ((), _READ),
        "copy": ((), f"{_ACL}; attribute values chosen by the caller: edit groups checked"),
        "copy_data": ((), f"{_ACL}; attribute values the user may not read are left out (copy writes them)"),
        "create": (
            (),
            f"{_ACL}; required attributes checked; dunning policy/level/credit hold: finance only; pool fields: "
            "team leaders (all documents) and sales managers only; shared-with users: the new customer's owner "
            "or managers; a salesperson's own new customers within his pool rule's limit; with 'Customers "
            "Editable by their Owner Only': customers (and contacts) of others refused (_check_access); with "
            "'Duplicate Customers: Refused': a salesperson's new customer matching an existing one (UserError)",
        ),
        "write": (
            (),
            f"{_ACL}; attribute edit groups and required attributes checked; dunning policy/level/credit hold: "
            "finance only (the run writes levels in SQL); pool fields, and the owner, parent, company or archiving "
            "of a pool customer: team leaders (all documents) and sales managers only (salespeople claim); with a "
            "pool rule in the company, salespeople set no owner but themselves on customers without one, within "
            "their limit; shared-with users: the owner or managers only; with 'Customers Editable by their Owner "
            "Only': customers of others (owner, shared, team leader, department managers excepted) refused "
            "(_check_access, also unlink), owner changed by the owner or managers only",
        ),
    },
    "res.users": {
        "write": ((), f"{_ACL}; archiving a user who still owns customers is refused: hand them over first"),
    },
    "sale.order": {
        "action_accept_round": ((), "opens the accept wizard (open rounds only)"),
        "action_approve": ((), "pending orders; the user must be one of the order's approvers (AccessError)"),
        "action_compare_rounds": ((), _READ),
        "action_confirm": ((), "rules evaluated (company setting); pending or closed rounds refused"),
        "action_draft": ((), f"{_ACL}; drops the order's approval (evaluated again on confirmation)"),
        "action_generate_plan": ((FINANCE, SALE_MANAGER), "not cancelled, plan not started"),
        "action_new_round": ((), f"{_ACL}; open quotations only"),
        "action_open_plan": ((), _READ),
        "action_reject": ((), "pending orders; the user must be one of the order's approvers (AccessError)"),
        "action_quotation_send": ((), f"{_ACL}; required order attributes checked first"),
        "action_view_rounds": ((), _READ),
        "copy": ((), f"{_ACL}; attribute values chosen by the caller: edit groups checked"),
        "copy_data": ((), f"{_ACL}; attribute values the user may not read are left out (copy writes them)"),
        "create": (
            (),
            "approval/round fields refused; created confirmed only if no rule holds it; attributes checked; "
            "customers owned by another salesperson refused when the company says so",
        ),
        "write": (
            (),
            "approval/round fields and confirmation refused; closed rounds locked; a confirmed order's "
            "rule inputs re-evaluated (refused when a rule holds it); customers owned by another salesperson "
            "refused when the company says so",
        ),
    },
    "sale.order.approval.reject": {"action_reject": ((), "same checks as sale.order.action_reject")},
    "sale.order.line": {
        "create": ((), f"{_ACL}; approval withdrawn; a confirmed order is re-evaluated"),
        "write": ((), f"{_ACL}; approval withdrawn on figure changes; a confirmed order is re-evaluated"),
    },
    "sale.order.round.accept": {"action_accept": ((), "open rounds only")},
    "sale.order.round.compare": {"action_print": ((), _READ)},
}
