from . import test_menus
from . import test_oa_document_types
from . import test_oa_documents
from . import test_oa_dunning_letters
from . import test_oa_plan_change
from . import test_oa_quotations_contracts
from . import test_oa_routes
from . import test_oa_security
