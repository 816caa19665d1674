from . import test_menus
from . import test_oa_routes
