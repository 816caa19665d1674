from . import crm_plus_plan_step_done
