from . import test_plan_generation, test_plan_tracking, test_security
