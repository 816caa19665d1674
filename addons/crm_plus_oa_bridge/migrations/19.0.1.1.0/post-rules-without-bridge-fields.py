# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.1.0: the bridge's rules on orders and lines hold where its fields are not loaded (noupdate data).

Odoo runs each module's at_install tests right after loading it, before the bridge: the rules failed there with
``KeyError: 'review_ids'`` / ``'oa_decided'``. They now grant (group rules) or restrict (global rules) nothing
there. A rule an administrator changed is left alone (logged).
"""

import logging

from odoo.api import SUPERUSER_ID
from odoo.api import Environment

_logger = logging.getLogger(__name__)

_NO_REVIEWS = " if 'review_ids' in user.env['sale.order'] else [(0, '=', 1)]"
_NO_DECISIONS = " if 'oa_decided' in user.env['sale.order'] else []"
_NO_COMMUNICATION_REVIEWS = " if 'review_ids' in user.env['crm_plus.dunning.communication'] else [(0, '=', 1)]"
# rule -> (old domain, new domain)
RULES = {
    "sale_order_rule_oa_reviewer": (
        "[('review_ids.oa_user_ids', 'in', [user.id])]",
        "[('review_ids.oa_user_ids', 'in', [user.id])]" + _NO_REVIEWS,
    ),
    "sale_order_line_rule_oa_reviewer": (
        "[('order_id.review_ids.oa_user_ids', 'in', [user.id])]",
        "[('order_id.review_ids.oa_user_ids', 'in', [user.id])]" + _NO_REVIEWS,
    ),
    "sale_order_rule_oa_decided": ("[('oa_decided', '=', False)]", "[('oa_decided', '=', False)]" + _NO_DECISIONS),
    "sale_order_line_rule_oa_decided": (
        "[('order_id.oa_decided', '=', False)]",
        "[('order_id.oa_decided', '=', False)]" + _NO_DECISIONS,
    ),
    "crm_plus_dunning_communication_rule_oa_reviewer": (
        "[('review_ids.oa_user_ids', 'in', [user.id])]",
        "[('review_ids.oa_user_ids', 'in', [user.id])]" + _NO_COMMUNICATION_REVIEWS,
    ),
    "crm_plus_dunning_communication_line_rule_oa_reviewer": (
        "[('communication_id.review_ids.oa_user_ids', 'in', [user.id])]",
        "[('communication_id.review_ids.oa_user_ids', 'in', [user.id])]" + _NO_COMMUNICATION_REVIEWS,
    ),
    "crm_plus_dunning_communication_rule_oa_decided": (
        "[('oa_decided', '=', False)]",
        "[('oa_decided', '=', False)] if 'oa_decided' in user.env['crm_plus.dunning.communication'] else []",
    ),
    "tier_review_rule_oa_document": (
        "[('oa_document_readable', '=', True)]",
        "[('oa_document_readable', '=', True)] if 'oa_document_readable' in user.env['tier.review'] else []",
    ),
}


def migrate(cr, version):
    env = Environment(cr, SUPERUSER_ID, {})
    for name, (old, new) in RULES.items():
        rule = env.ref(f"crm_plus_oa_bridge.{name}", raise_if_not_found=False)
        if not rule:
            continue
        if rule.domain_force.strip() == old:
            rule.domain_force = new
        elif rule.domain_force.strip() != new:
            _logger.warning(
                "crm_plus_oa_bridge: record rule %s was changed here, left as it is: %s", name, rule.domain_force
            )
