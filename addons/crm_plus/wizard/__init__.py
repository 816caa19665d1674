from . import crm_plus_attribute_delete
from . import crm_plus_dunning_run_wizard
from . import crm_plus_plan_step_done
from . import crm_plus_report_customer_value_period
from . import crm_plus_xlsx_export
from . import sale_order_approval_reject
from . import sale_order_round_accept
from . import sale_order_round_compare
