from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestOaMenus(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa_user = new_test_user(cls.env, login="oa_user", groups="crm_plus_oa_bridge.crm_plus_oa_bridge_group_user")
        cls.oa_admin = new_test_user(
            cls.env, login="oa_admin", groups="crm_plus_oa_bridge.crm_plus_oa_bridge_group_manager"
        )
        cls.employee = new_test_user(cls.env, login="plain_employee", groups="base.group_user")

    def _visible(self, user, xmlid):
        """A menu shows when it and every ancestor are visible to the user."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menu = self.env.ref(xmlid)
        chain = menu | menu.parent_id | menu.parent_id.parent_id | menu.parent_id.parent_id.parent_id
        return all(m.id in visible for m in chain)

    def test_oa_app_for_oa_users(self):
        self.assertTrue(self._visible(self.oa_user, "crm_plus_oa_bridge.crm_plus_oa_bridge_menu_to_approve"))
        self.assertFalse(self._visible(self.employee, "crm_plus_oa_bridge.crm_plus_oa_bridge_menu_root"))

    def test_workflow_configuration_for_admins_only(self):
        self.assertFalse(self._visible(self.oa_user, "crm_plus_oa_bridge.crm_plus_oa_bridge_menu_tier_definition"))
        self.assertTrue(self._visible(self.oa_admin, "crm_plus_oa_bridge.crm_plus_oa_bridge_menu_tier_definition"))
