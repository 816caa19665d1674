from odoo.tests import new_test_user
from odoo.tests import tagged

from .common import CrmPlusCommon


@tagged("post_install", "-at_install")
class TestRoles(CrmPlusCommon):
    def _visible(self, user, xmlid):
        """A menu shows when it and every ancestor are visible to the user."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menu = self.env.ref(xmlid)
        chain = menu | menu.parent_id | menu.parent_id.parent_id | menu.parent_id.parent_id.parent_id
        return all(m.id in visible for m in chain)

    def test_role_hierarchy(self):
        self.assertTrue(self.crm_admin.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.crm_admin.has_group("crm_plus.crm_plus_group_approver"))
        self.assertTrue(self.crm_admin.has_group("crm_plus.crm_plus_group_finance"))
        self.assertTrue(self.finance.has_group("account.group_account_invoice"))
        self.assertFalse(self.salesman.has_group("crm_plus.crm_plus_group_approver"))
        self.assertFalse(self.sales_manager.has_group("crm_plus.crm_plus_group_admin"))

    def test_customer_menu_for_sales_users_only(self):
        self.assertTrue(self._visible(self.salesman, "crm_plus.crm_plus_menu_customer_list"))
        employee = new_test_user(self.env, login="cp_employee", groups="base.group_user")
        self.assertFalse(self._visible(employee, "crm_plus.crm_plus_menu_customer_list"))
        self.assertTrue(self._visible(self.crm_admin, "crm_plus.crm_plus_menu_customer_list"))
