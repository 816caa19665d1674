from . import test_menus
from . import test_oa_approval_report
from . import test_oa_documents
from . import test_oa_dunning_letters
from . import test_oa_routes
from . import test_oa_security
