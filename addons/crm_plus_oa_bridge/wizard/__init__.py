from . import comment_wizard, crm_plus_oa_delegate
