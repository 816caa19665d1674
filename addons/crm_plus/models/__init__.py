from . import crm_lead
from . import crm_plus_approval_entry
from . import crm_plus_approval_rule
from . import hr_employee
from . import hr_job
from . import res_company
from . import sale_order
from . import sale_order_line
