from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmPlusCommon(TransactionCase):
    """Users for each role crm_plus serves; no demo data needed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="cp_salesman", name="Sally Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.team_leader = new_test_user(
            cls.env, login="cp_leader", name="Terry Leader", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="cp_manager", name="Mona Manager", groups="sales_team.group_sale_manager"
        )
        cls.approver = new_test_user(
            cls.env, login="cp_approver", name="Abe Approver", groups="crm_plus.crm_plus_group_approver"
        )
        cls.finance = new_test_user(
            cls.env, login="cp_finance", name="Fay Finance", groups="crm_plus.crm_plus_group_finance"
        )
        cls.crm_admin = new_test_user(
            cls.env, login="cp_admin", name="Ada Admin", groups="crm_plus.crm_plus_group_admin"
        )
        cls.portal = new_test_user(cls.env, login="cp_portal", name="Pat Portal", groups="base.group_portal")
