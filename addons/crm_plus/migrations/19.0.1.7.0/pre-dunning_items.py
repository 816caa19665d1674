# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.7.0: a dunning item is an invoice's receivable line or a prepayment step.

The exactly-once key (step, level, channel) becomes (invoice line or step, level, channel): the old
unique index goes before the ORM creates the new one (post-dunning_items maps the history).
"""


def migrate(cr, version):
    for name in (
        "crm_plus_dunning_communication_line_step_level_channel_uniq",
        "crm_plus_dunning_communication_line__step_level_channel_uniq",
    ):
        cr.execute(f"DROP INDEX IF EXISTS {name}")
