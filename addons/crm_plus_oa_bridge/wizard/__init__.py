from . import comment_wizard
from . import crm_plus_oa_delegate
