from . import (
    crm_plus_dashboard,
    crm_plus_report_aging,
    crm_plus_report_approval,
    crm_plus_report_customer_attribute,
    crm_plus_report_customer_value,
    crm_plus_report_dunning,
    crm_plus_report_execution,
    crm_plus_report_funnel,
    crm_plus_report_rounds,
)
