from . import (
    account_move_plan,
    account_partial_reconcile,
    account_payment_term,
    crm_plus_plan,
    crm_plus_plan_action_type,
    crm_plus_plan_step,
    crm_plus_plan_template,
    crm_plus_plan_template_line,
    res_partner_plan,
    sale_order_plan,
    stock_move_plan,
)
