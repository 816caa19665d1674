# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.9.0: a department manager's scope includes the sub-departments (issue #16).

``res.users.crm_plus_manager_user_ids`` is stored: Odoo does not recompute it when its compute changes, so the
users of existing databases keep their direct department's manager only until HR data changes. Recompute it for
every user (archived ones included) once. New rules, fields and company settings of this version are created by
the upgrade itself (new records, off by default).
"""

from odoo import SUPERUSER_ID
from odoo import api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    users = env["res.users"].with_context(active_test=False).search([])
    env.add_to_compute(users._fields["crm_plus_manager_user_ids"], users)
    env.flush_all()
