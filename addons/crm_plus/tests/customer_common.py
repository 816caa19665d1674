"""Fixtures of the customer features (ownership, follow-ups, pool, hand-over): a salesperson per role."""

from odoo import Command
from odoo.tests import new_test_user

from .common import CrmPlusCommon


class CustomerCommon(CrmPlusCommon):
    """Sally (salesperson, team North led by Terry, department of Bea), Bert (salesperson, team South),
    Terry (team leader of North, plain salesperson rights), Bea (department manager of Sally, salesperson rights),
    Mona (sales manager). Each salesperson owns one customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller_b = new_test_user(
            cls.env, login="cp_seller_b", name="Bert Seller", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            cls.env, login="cp_team_lead", name="Tina Lead", groups="sales_team.group_sale_salesman"
        )
        cls.boss = new_test_user(cls.env, login="cp_boss", name="Bea Boss", groups="sales_team.group_sale_salesman")
        Team = cls.env["crm.team"]
        cls.team_north = Team.create(
            {"name": "North", "user_id": cls.leader.id, "member_ids": [Command.set(cls.salesman.ids)]}
        )
        cls.team_south = Team.create({"name": "South", "member_ids": [Command.set(cls.seller_b.ids)]})
        Employee = cls.env["hr.employee"]
        boss_employee = Employee.create({"name": "Bea Boss", "user_id": cls.boss.id})
        department = cls.env["hr.department"].create({"name": "Sales North", "manager_id": boss_employee.id})
        Employee.create({"name": "Sally Salesman", "user_id": cls.salesman.id, "department_id": department.id})
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create({"name": "Alpha Trading", "is_company": True, "user_id": cls.salesman.id})
        cls.contact_a = Partner.create({"name": "Ann Alpha", "parent_id": cls.customer_a.id})
        cls.customer_b = Partner.create({"name": "Beta Works", "is_company": True, "user_id": cls.seller_b.id})

    @classmethod
    def _followup(cls, user, partner, **vals):
        return (
            cls.env["crm_plus.followup"]
            .with_user(user)
            .create({"partner_id": partner.id, "summary": "Talked about the new offer", **vals})
        )
