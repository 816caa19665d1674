from . import test_security
from . import test_rounds
from . import test_approval
