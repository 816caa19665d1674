from . import test_attributes, test_security
