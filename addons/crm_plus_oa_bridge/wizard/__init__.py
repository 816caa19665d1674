from . import comment_wizard
from . import crm_plus_handover
from . import crm_plus_oa_delegate
from . import crm_plus_oa_plan_change_wizard
from . import sale_order_contract_attach
