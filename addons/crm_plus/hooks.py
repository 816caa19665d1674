from .models.crm_plus_attribute_report import REPORT_MODELS
from .models.crm_plus_attribute_target import TARGETS
from .models.crm_plus_report_snapshot import drop_snapshot_tables


def post_init_hook(env):
    """Take over the data of a database crm_plus is installed into (see README, "Installing into an existing
    database"): plans for open confirmed orders, customers' completeness, and dunning that starts today."""
    env["crm_plus.existing.data"]._take_over()


def uninstall_hook(env):
    """Remove what the attribute definitions generated outside crm_plus's own records.

    The ``x_attr_*`` fields of every target (customers, orders, opportunities) are manual fields (no external id),
    so module removal would leave them, their columns and relation tables behind. Generated views go first: a
    field cannot be dropped while shown; the reports' fields (related to the customer's) before the customer's.
    The dashboards' snapshot tables belong to no model: dropped here too, last (removing the reports' fields
    re-runs their ``init``, which makes the snapshot again)."""
    xmlids = [xmlid for target in TARGETS for _kind, xmlid, _anchor in target.views]
    xmlids += [xmlid for views in REPORT_MODELS.values() for xmlid in views.values()]
    for xmlid in xmlids:
        view = env.ref(xmlid, raise_if_not_found=False)
        if view:
            view.unlink()
    # sudo: the uninstall removes every generated x_attr_* field (ir.model.fields: Settings only), whoever runs it
    Fields = env["ir.model.fields"].sudo()
    Fields.search([("model", "in", list(REPORT_MODELS)), ("name", "=like", "x\\_attr\\_%")]).unlink()
    # filter by model: res.users mirrors every partner field through delegation, the ORM drops the mirrors
    for target in TARGETS:
        Fields.search([("model", "=", target.model), ("name", "=like", "x\\_attr\\_%")]).unlink()
    drop_snapshot_tables(env)
