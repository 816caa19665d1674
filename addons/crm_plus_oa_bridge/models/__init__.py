from . import (
    crm_plus_oa_approval_log,
    crm_plus_oa_route,
    crm_plus_oa_route_step,
    dms_directory,
    dms_file,
    ir_attachment,
    mail_activity,
    res_partner,
    sale_order,
    sale_order_dms,
    tier_definition,
    tier_review,
)
