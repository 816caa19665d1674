from . import crm_plus_report_customer_value
from . import crm_plus_report_funnel
from . import crm_plus_report_rounds
from . import crm_plus_report_approval
from . import crm_plus_report_aging
from . import crm_plus_report_execution
