from datetime import date
from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from .plan_common import CrmPlusPlanCommon


class CrmPlusDashboardCommon(CrmPlusPlanCommon):
    """Two teams, their salespeople and a month of known business (March 2025), for targets and performance.

    Team A is led by Lea (a plain salesperson who leads it); Sally and Colin sell in it. Team B: Otto.
    In March 2025: Sally confirms 1,000 (a new customer) and 2,000 (a customer of January), and collects 400 on
    the first; Colin confirms 3,000 (a new customer); Otto 5,000 (a new customer). Sally's 4,000 is in April.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm_plus.approval.rule"].search([]).active = False
        cls.leader = new_test_user(
            cls.env, login="cp_dash_lea", name="Lea Leader", groups="sales_team.group_sale_salesman"
        )
        cls.colleague = new_test_user(
            cls.env, login="cp_dash_colin", name="Colin Colleague", groups="sales_team.group_sale_salesman"
        )
        cls.outsider = new_test_user(
            cls.env, login="cp_dash_otto", name="Otto Outsider", groups="sales_team.group_sale_salesman"
        )
        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {
                "name": "Dash Team A",
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.salesman | cls.colleague).ids)],
            }
        )
        cls.team_b = Team.create(
            {"name": "Dash Team B", "user_id": cls.sales_manager.id, "member_ids": [Command.set(cls.outsider.ids)]}
        )
        Partner = cls.env["res.partner"]
        cls.new_customer = Partner.create({"name": "Dash New Customer", "is_company": True})
        cls.old_customer = Partner.create({"name": "Dash Old Customer", "is_company": True})
        cls.april_customer = Partner.create({"name": "Dash April Customer", "is_company": True})
        cls.colin_customer = Partner.create({"name": "Dash Colin Customer", "is_company": True})
        cls.otto_customer = Partner.create({"name": "Dash Otto Customer", "is_company": True})
        cls.march = (date(2025, 3, 1), date(2025, 3, 31))
        cls.order_jan = cls._confirmed(cls.old_customer, cls.salesman, cls.team_a, 500, datetime(2025, 1, 15, 12))
        cls.order_new = cls._confirmed(cls.new_customer, cls.salesman, cls.team_a, 1000, datetime(2025, 3, 10, 12))
        cls.order_old = cls._confirmed(cls.old_customer, cls.salesman, cls.team_a, 2000, datetime(2025, 3, 20, 12))
        cls.order_april = cls._confirmed(cls.april_customer, cls.salesman, cls.team_a, 4000, datetime(2025, 4, 2, 12))
        cls.order_colin = cls._confirmed(cls.colin_customer, cls.colleague, cls.team_a, 3000, datetime(2025, 3, 5, 12))
        cls.order_otto = cls._confirmed(cls.otto_customer, cls.outsider, cls.team_b, 5000, datetime(2025, 3, 7, 12))
        cls.invoice_new = cls.order_new._create_invoices()
        cls.invoice_new.invoice_date = date(2025, 3, 15)
        cls.invoice_new.action_post()
        cls._pay(cls.invoice_new, 400, date(2025, 3, 25))

    @classmethod
    def _confirmed(cls, partner, user, team, price, when, discount=0.0, product=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": team.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": (product or cls.product).id,
                            "product_uom_qty": 1,
                            "price_unit": price,
                            "discount": discount,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    @classmethod
    def _target(cls, measure, amount, user=None, team=None, period=None, **values):
        date_from, date_to = period or cls.march
        return cls.env["crm_plus.target"].create(
            {
                "user_id": user and user.id,
                "team_id": team and team.id,
                "measure": measure,
                "period": "custom",
                "date_from": date_from,
                "date_to": date_to,
                "target_amount": amount,
                **values,
            }
        )
