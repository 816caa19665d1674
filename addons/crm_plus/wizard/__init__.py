from . import sale_order_approval_reject
from . import sale_order_round_accept
from . import sale_order_round_compare
