# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.3.0: department scope through res.users.crm_plus_manager_user_ids (noupdate rules).

The rules walked users -> employees -> departments -> managers at every search, and failed with
``KeyError: 'employee_ids'`` in registries without hr or crm_plus loaded (core modules' at_install tests).
They now read the stored managers of the salesperson and grant nothing when crm_plus's fields are not
loaded. A rule an administrator changed is left alone (logged). The ORM fills the new relation of every
user when it creates its table.
"""

import logging

from odoo.api import SUPERUSER_ID
from odoo.api import Environment

_logger = logging.getLogger(__name__)

_GUARD = " if 'crm_plus_manager_user_ids' in user else [(0, '=', 1)]"
RULES = {
    "sale_order_rule_department_manager": (
        "[('user_id.employee_ids.department_id.manager_id.user_id', '=', user.id)]",
        "[('user_id.crm_plus_manager_user_ids', 'in', user.id)]" + _GUARD,
    ),
    "sale_order_line_rule_department_manager": (
        "[('salesman_id.employee_ids.department_id.manager_id.user_id', '=', user.id)]",
        "[('salesman_id.crm_plus_manager_user_ids', 'in', user.id)]" + _GUARD,
    ),
    "crm_lead_rule_department_manager": (
        "[('user_id.employee_ids.department_id.manager_id.user_id', '=', user.id)]",
        "[('user_id.crm_plus_manager_user_ids', 'in', user.id)]" + _GUARD,
    ),
    "sale_order_rule_approver": (
        "[('approval_user_ids', 'in', user.id)]",
        "[('approval_user_ids', 'in', user.id)]" + _GUARD,
    ),
    "sale_order_line_rule_approver": (
        "[('order_id.approval_user_ids', 'in', user.id)]",
        "[('order_id.approval_user_ids', 'in', user.id)]" + _GUARD,
    ),
}
OLD_PATH = "('order_id.user_id.employee_ids.department_id.manager_id.user_id', '=', user.id)"
NEW_PATH = "('order_id.user_id.crm_plus_manager_user_ids', 'in', user.id)"


def migrate(cr, version):
    env = Environment(cr, SUPERUSER_ID, {})
    for name, (old, new) in RULES.items():
        rule = env.ref(f"crm_plus.{name}", raise_if_not_found=False)
        if not rule:
            continue
        if rule.domain_force.strip() == old:
            rule.domain_force = new
        elif rule.domain_force.strip() != new:
            _logger.warning("crm_plus: record rule %s was changed here, left as it is: %s", name, rule.domain_force)
    entry_rule = env.ref("crm_plus.crm_plus_approval_entry_rule_own", raise_if_not_found=False)
    if entry_rule and OLD_PATH in entry_rule.domain_force:
        entry_rule.domain_force = entry_rule.domain_force.replace(OLD_PATH, NEW_PATH)
