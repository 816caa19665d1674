from . import (
    crm_plus_attribute,
    crm_plus_attribute_option,
    crm_plus_customer_category,
    ir_fields_converter,
    ir_model_fields,
    res_partner,
)
