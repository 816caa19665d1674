# The approval mixin first: models below inherit it.
from . import crm_plus_oa_approval_mixin

# isort: split
from . import crm_plus_dunning_communication
from . import crm_plus_dunning_run
from . import crm_plus_oa_approval_log
from . import crm_plus_oa_plan_change
from . import crm_plus_oa_plan_change_line
from . import crm_plus_oa_route
from . import crm_plus_oa_route_step
from . import crm_plus_plan
from . import crm_plus_plan_step
from . import dms_directory
from . import dms_file
from . import dms_security_mixin
from . import ir_attachment
from . import mail_activity
from . import res_partner
from . import sale_order
from . import sale_order_dms
from . import sale_order_plan
from . import tier_definition
from . import tier_review
