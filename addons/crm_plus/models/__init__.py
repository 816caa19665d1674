from . import crm_plus_approval_rule
from . import crm_plus_approval_entry
from . import sale_order
from . import sale_order_line
from . import crm_lead
from . import hr_job
from . import hr_employee
from . import res_company
