def uninstall_hook(env):
    """Remove what the attribute definitions generated outside crm_plus's own records.

    The ``x_attr_*`` fields are manual fields (no external id), so module removal would leave them, their
    columns and relation tables behind. Generated views go first: a field cannot be dropped while shown."""
    for xmlid in ("form", "list", "search"):
        view = env.ref(f"crm_plus.res_partner_view_{xmlid}_attributes", raise_if_not_found=False)
        if view:
            view.unlink()
    # filter by model: res.users mirrors every partner field through delegation, the ORM drops the mirrors
    fields_ = env["ir.model.fields"].sudo().search([("model", "=", "res.partner"), ("name", "=like", "x\\_attr\\_%")])
    fields_.unlink()
