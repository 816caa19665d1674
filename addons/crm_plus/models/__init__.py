from . import crm_plus_attribute
from . import crm_plus_attribute_option
from . import crm_plus_customer_category
from . import ir_fields_converter
from . import ir_model_fields
from . import res_partner
