from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.tests import new_test_user

from .plan_common import CrmPlusPlanCommon


class CrmPlusReportingCommon(CrmPlusPlanCommon):
    """Known figures for the reports: two salespeople, categories, a plan with aged payment steps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.users"])
        cls.other_salesman = new_test_user(
            cls.env, login="cp_rep_other", name="Otto Other", groups="sales_team.group_sale_salesman"
        )
        Category = cls.env["crm_plus.customer.category"]
        cls.cat_key = Category.create({"name": "Key Account", "code": "rep_key"})
        cls.cat_small = Category.create({"name": "Small", "code": "rep_small"})
        cls.aging_customer = cls.env["res.partner"].create(
            {"name": "Aging Customer", "is_company": True, "crm_plus_category_id": cls.cat_key.id}
        )
        cls.other_aging_customer = cls.env["res.partner"].create(
            {"name": '=HYPERLINK("http://evil")', "is_company": True, "crm_plus_category_id": cls.cat_small.id}
        )
        # 15 x 100 = 1500 = 100 + 200 + 300 + 400 + 500, due in 10 days, 10 / 45 / 75 / 120 days ago
        cls.aging_order = cls._draft_order(cls.aging_customer, cls.salesman, qty=15, days_ago=200)
        cls.aging_plan = cls._plan(cls.aging_order, [(-10, 100), (10, 200), (45, 300), (75, 400), (120, 500)])
        # another salesperson's customer: 1 x 100 due 5 days ago
        cls.other_order = cls._draft_order(cls.other_aging_customer, cls.other_salesman, qty=1, days_ago=30)
        cls.other_plan = cls._plan(cls.other_order, [(5, 100)])

    @classmethod
    def _draft_order(cls, partner, user, qty, days_ago):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "date_order": fields.Datetime.now() - timedelta(days=days_ago),
                "order_line": [
                    Command.create({"product_id": cls.service.id, "product_uom_qty": qty, "price_unit": 100.0})
                ],
            }
        )

    @classmethod
    def _plan(cls, order, steps):
        """steps: (days overdue, amount) payment steps."""
        return (
            cls.env["crm_plus.plan"]
            .with_context(crm_plus_plan_no_activity=True)
            .create(
                {
                    "order_id": order.id,
                    "step_ids": [
                        Command.create(
                            {
                                "action_type_id": cls.type_payment.id,
                                "name": f"Pay {amount}",
                                "date_due": cls.today - timedelta(days=days),
                                "amount": amount,
                                "user_id": order.user_id.id,
                            }
                        )
                        for days, amount in steps
                    ],
                }
            )
        )
