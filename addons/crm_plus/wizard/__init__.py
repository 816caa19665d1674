from . import crm_plus_dunning_run_wizard
