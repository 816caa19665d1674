# access first: it declares the bridge's trusted context keys, which the models read
from . import access  # isort: skip
from . import models
from . import report
from . import wizard
