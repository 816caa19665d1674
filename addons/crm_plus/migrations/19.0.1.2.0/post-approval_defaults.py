# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.2.0: every company gets the default approval rules (discount limit, credit hold)."""

from odoo.api import SUPERUSER_ID
from odoo.api import Environment


def migrate(cr, version):
    env = Environment(cr, SUPERUSER_ID, {})
    env["crm_plus.approval.rule"]._crm_plus_create_default_rules()
