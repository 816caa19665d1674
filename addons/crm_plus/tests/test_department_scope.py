"""Department managers see their departments' documents through a stored field, without HR rights."""

import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrmPlusCommon

SCOPE_RULES = (
    "crm_plus.sale_order_rule_department_manager",
    "crm_plus.sale_order_line_rule_department_manager",
    "crm_plus.crm_lead_rule_department_manager",
    "crm_plus.sale_order_rule_approver",
    "crm_plus.sale_order_line_rule_approver",
    "crm_plus.sale_order_rule_customer_scope",
    "crm_plus.sale_order_line_rule_customer_scope",
    "crm_plus.crm_lead_rule_customer_scope",
)


@tagged("post_install", "-at_install")
class TestDepartmentScope(CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.boss = new_test_user(cls.env, login="cp_boss", name="Bea Boss", groups="sales_team.group_sale_salesman")
        cls.other_boss = new_test_user(
            cls.env, login="cp_boss2", name="Olga Boss", groups="sales_team.group_sale_salesman"
        )
        cls.seller_b = new_test_user(
            cls.env, login="cp_seller_b", name="Bert Seller", groups="sales_team.group_sale_salesman"
        )
        Employee = cls.env["hr.employee"]
        cls.boss_employee = Employee.create({"name": "Bea Boss", "user_id": cls.boss.id})
        cls.other_boss_employee = Employee.create({"name": "Olga Boss", "user_id": cls.other_boss.id})
        Department = cls.env["hr.department"]
        cls.department = Department.create({"name": "Sales North", "manager_id": cls.boss_employee.id})
        cls.other_department = Department.create({"name": "Sales South", "manager_id": cls.other_boss_employee.id})
        cls.seller_employee = Employee.create(
            {"name": "Sally Salesman", "user_id": cls.salesman.id, "department_id": cls.department.id}
        )
        cls.seller_b_employee = Employee.create(
            {"name": "Bert Seller", "user_id": cls.seller_b.id, "department_id": cls.other_department.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Scope Customer"})
        cls.product = cls.env["product.product"].create({"name": "Scope Service", "type": "service"})
        cls.order_a = cls._order(cls.salesman)
        cls.order_b = cls._order(cls.seller_b)
        cls.lead_a = cls.env["crm.lead"].create({"name": "Lead A", "user_id": cls.salesman.id})
        cls.lead_b = cls.env["crm.lead"].create({"name": "Lead B", "user_id": cls.seller_b.id})

    @classmethod
    def _order(cls, user):
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": user.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 10.0})],
            }
        )

    def _seen(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_manager_without_hr_rights_sees_the_department(self):
        self.assertFalse(self.boss.has_group("hr.group_hr_user"))
        orders = self.order_a | self.order_b
        self.assertEqual(self._seen(self.boss, "sale.order", orders), self.order_a)
        self.assertEqual(self._seen(self.boss, "sale.order.line", orders.order_line), self.order_a.order_line)
        self.assertEqual(self._seen(self.boss, "crm.lead", self.lead_a | self.lead_b), self.lead_a)
        self.assertTrue(self.order_a.with_user(self.boss).read(["name", "amount_total"]))
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.boss).read(["name"])
        # the lead's messages (crm's lost/merge flows read them as the salesperson's manager)
        self.lead_a.message_post(body="Call back on Monday")
        self.assertTrue(self.lead_a.with_user(self.boss).message_ids.read(["body"]))
        self.assertEqual(self.salesman.crm_plus_manager_user_ids, self.boss)
        self.assertEqual(self.seller_b.crm_plus_manager_user_ids, self.other_boss)

    def test_scope_follows_hr_changes(self):
        orders = self.order_a | self.order_b
        # an employee moves to the boss's department
        self.seller_b_employee.department_id = self.department
        self.assertEqual(self._seen(self.boss, "sale.order", orders), orders)
        self.assertFalse(self._seen(self.other_boss, "sale.order", orders))
        # the department changes manager
        self.department.manager_id = self.other_boss_employee
        self.assertFalse(self._seen(self.boss, "sale.order", orders))
        self.assertEqual(self._seen(self.other_boss, "sale.order", orders), orders)
        # the manager's employee is linked to another user
        successor = new_test_user(self.env, login="cp_successor", groups="sales_team.group_sale_salesman")
        self.other_boss_employee.user_id = successor
        self.assertEqual(self._seen(successor, "sale.order", orders), orders)
        self.assertFalse(self._seen(self.other_boss, "sale.order", orders))
        # a salesperson without an employee is nobody's
        self.seller_employee.user_id = False
        self.assertEqual(self._seen(successor, "sale.order", orders), self.order_b)

    def test_same_scope_as_before(self):
        # archived employees still count (the rules searched them without the active filter) ...
        self.seller_employee.action_archive()
        self.assertEqual(self._seen(self.boss, "sale.order", self.order_a), self.order_a)
        # ... and a parent department's manager sees its sub-departments (issue #16: the department tree)
        self.other_department.parent_id = self.department
        self.assertEqual(self._seen(self.boss, "sale.order", self.order_b), self.order_b)

    def test_migration_recomputes_the_department_tree(self):
        """19.0.1.9.0: stored scopes computed by the direct department only are recomputed with the parents."""
        self.other_department.parent_id = self.department
        self.env.flush_all()
        # as a database upgraded from 19.0.1.8.0 holds it: Bert's direct manager only
        self.env.cr.execute(
            "DELETE FROM crm_plus_res_users_manager_rel WHERE user_id = %s AND manager_user_id = %s",
            [self.seller_b.id, self.boss.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.seller_b.crm_plus_manager_user_ids, self.other_boss)
        _load_migration("19.0.1.9.0", "post-department-tree.py").migrate(self.env.cr, "19.0.1.8.0")
        self.env.invalidate_all()
        self.assertEqual(self.seller_b.crm_plus_manager_user_ids, self.other_boss | self.boss)
        self.assertEqual(self._seen(self.boss, "sale.order", self.order_b), self.order_b)

    def test_approval_history_in_scope(self):
        self.env["crm_plus.approval.entry"].sudo().create(
            [
                {"order_id": order.id, "user_id": self.env.uid, "decision": "reset"}
                for order in self.order_a | self.order_b
            ]
        )
        entries = (self.order_a | self.order_b).approval_entry_ids
        self.assertEqual(self._seen(self.boss, "crm_plus.approval.entry", entries), self.order_a.approval_entry_ids)

    def test_rules_do_not_walk_employees(self):
        query = self.env["sale.order"].with_user(self.boss)._search([])
        sql = query.select().code
        self.assertIn("crm_plus_res_users_manager_rel", sql)
        self.assertNotIn("hr_employee", sql)
        self.assertNotIn("hr_department", sql)

    def test_rules_grant_nothing_without_crm_plus_fields(self):
        """Registries that do not hold crm_plus's fields (core at_install tests) read the rules as empty."""
        eval_context = self.env["ir.rule"]._eval_context()
        for xmlid in SCOPE_RULES:
            rule = self.env.ref(xmlid)
            model = self.env[rule.model_id.model]
            loaded = Domain(safe_eval(rule.domain_force, eval_context))
            self.assertFalse(loaded.optimize(model).is_false(), xmlid)
            # a user record of a registry without crm_plus: no such field on it
            without = dict(eval_context, user=self.env["res.partner"].browse(self.boss.partner_id.id))
            self.assertTrue(Domain(safe_eval(rule.domain_force, without)).is_false(), xmlid)

    def test_migration_rewrites_the_old_rules(self):
        migration = _load_migration("19.0.1.3.0", "post-department-scope.py")
        for name, (old, _new) in migration.RULES.items():
            self.env.ref(f"crm_plus.{name}").domain_force = old
        entry_rule = self.env.ref("crm_plus.crm_plus_approval_entry_rule_own")
        entry_rule.domain_force = entry_rule.domain_force.replace(migration.NEW_PATH, migration.OLD_PATH)
        customised = self.env.ref("crm_plus.crm_lead_rule_department_manager")
        customised.domain_force = "[('user_id', '=', user.id)]"
        with self.assertLogs(migration.__name__, "WARNING"):
            migration.migrate(self.env.cr, "19.0.1.2.0")
        self.env.invalidate_all()
        for name, (_old, new) in migration.RULES.items():
            if name != "crm_lead_rule_department_manager":
                self.assertEqual(self.env.ref(f"crm_plus.{name}").domain_force, new)
        self.assertEqual(customised.domain_force, "[('user_id', '=', user.id)]", "a changed rule is left alone")
        self.assertIn(migration.NEW_PATH, entry_rule.domain_force)
        self.assertEqual(self._seen(self.boss, "sale.order", self.order_a | self.order_b), self.order_a)


def _load_migration(version, filename):
    path = Path(__file__).resolve().parents[1] / "migrations" / version / filename
    spec = importlib.util.spec_from_file_location(f"crm_plus_migration_{path.stem.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
