from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.crm_plus.tests.common import CrmPlusCommon


class OaCommon(CrmPlusCommon):
    """A department tree, two finance users and a two-step route for large orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "OA Customer", "email": "oa@example.com"})
        cls.product = cls.env["product.product"].create(
            {"name": "OA Widget", "type": "consu", "list_price": 100.0, "standard_price": 50.0}
        )
        salesman_groups = "sales_team.group_sale_salesman"
        cls.dept_manager = new_test_user(cls.env, login="oa_mgr", name="Dora Manager", groups=salesman_groups)
        cls.director = new_test_user(cls.env, login="oa_dir", name="Dirk Director", groups=salesman_groups)
        cls.colleague = new_test_user(cls.env, login="oa_colleague", name="Cole Colleague", groups=salesman_groups)
        cls.other_salesman = new_test_user(cls.env, login="oa_other", name="Otto Other", groups=salesman_groups)
        cls.finance2 = new_test_user(
            cls.env, login="oa_finance2", name="Finn Finance", groups="crm_plus.crm_plus_group_finance"
        )
        cls.oa_admin = new_test_user(
            cls.env,
            login="oa_wf_admin",
            name="Wanda Workflow",
            groups="crm_plus_oa_bridge.crm_plus_oa_bridge_group_manager,sales_team.group_sale_salesman",
        )
        Employee = cls.env["hr.employee"]
        director_emp = Employee.create({"name": "Dirk Director", "user_id": cls.director.id})
        manager_emp = Employee.create({"name": "Dora Manager", "user_id": cls.dept_manager.id})
        cls.hq = cls.env["hr.department"].create({"name": "OA Head Office", "manager_id": director_emp.id})
        cls.sales_dept = cls.env["hr.department"].create(
            {"name": "OA Sales", "parent_id": cls.hq.id, "manager_id": manager_emp.id}
        )
        manager_emp.department_id = cls.sales_dept
        Employee.create({"name": "Sally Salesman", "user_id": cls.salesman.id, "department_id": cls.sales_dept.id})
        cls.amount_rule = cls.env["crm_plus.approval.rule"].create(
            {"name": "Large orders", "rule_type": "amount", "amount_threshold": 1000.0}
        )
        # the order's currency is the company's: keep amounts simple
        cls.route = cls.env["crm_plus_oa.route"].create(
            {
                "name": "Large orders",
                "document_type": "order",
                "amount_min": 1000.0,
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Department manager",
                            "approver_kind": "department_manager",
                            "mode": "any",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Finance countersign",
                            "approver_kind": "user",
                            "user_ids": [Command.set((cls.finance | cls.finance2).ids)],
                            "mode": "all",
                        }
                    ),
                ],
            }
        )
        cls.step_manager, cls.step_finance = cls.route.step_ids.sorted("sequence")

    @classmethod
    def _make_order(cls, price=2500.0, user=None):
        user = user or cls.salesman
        order = (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": 2, "price_unit": price})
                    ],
                }
            )
        )
        return order.with_env(cls.env)

    def _request(self, price=2500.0):
        order = self._make_order(price)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        return order

    def _activity(self, order, user):
        activity_type = self.env.ref("crm_plus_oa_bridge.mail_activity_type_oa_approval")
        return order.activity_ids.filtered(lambda a: a.user_id == user and a.activity_type_id == activity_type)
