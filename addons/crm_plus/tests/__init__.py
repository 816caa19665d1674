from . import test_security
from . import test_plan_generation
from . import test_plan_tracking
