from . import test_security
from . import test_rounds
from . import test_approval
from . import test_approval_concurrency
from . import test_approval_rpc
