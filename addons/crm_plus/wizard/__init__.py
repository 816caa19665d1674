from . import crm_plus_attribute_delete
