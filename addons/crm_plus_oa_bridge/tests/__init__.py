from . import test_menus, test_oa_documents, test_oa_routes, test_oa_security
