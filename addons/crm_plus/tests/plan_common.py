from odoo import Command
from odoo import fields

from .common import CrmPlusCommon


class CrmPlusPlanCommon(CrmPlusCommon):
    """A 30/60/10 plan template, a goods product, a customer and an accounting setup (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", cls.company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Acme Plans", "is_company": True, "email": "acme@example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Machine", "type": "consu", "list_price": 1000.0, "taxes_id": [Command.clear()]}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Set-up", "type": "service", "list_price": 500.0, "taxes_id": [Command.clear()]}
        )
        ref = cls.env.ref
        cls.type_payment = ref("crm_plus.crm_plus_plan_action_type_payment")
        # the fixtures' payment steps are prepayment requests: owed (aged, dunned) until an invoice covers them
        cls.type_payment.collect_before_invoice = True
        cls.type_delivery = ref("crm_plus.crm_plus_plan_action_type_delivery")
        cls.type_install = ref("crm_plus.crm_plus_plan_action_type_installation")
        cls.type_invoice = ref("crm_plus.crm_plus_plan_action_type_invoice")
        cls.template = cls.env["crm_plus.plan.template"].create(
            {
                "name": "30/60/10",
                "line_ids": [
                    Command.create(
                        {"sequence": 1, "action_type_id": cls.type_payment.id, "percent": 30, "name": "Deposit"}
                    ),
                    Command.create({"sequence": 2, "action_type_id": cls.type_invoice.id, "percent": 100}),
                    Command.create(
                        {
                            "sequence": 3,
                            "action_type_id": cls.type_delivery.id,
                            "trigger": "approval",
                            "offset_days": 10,
                        }
                    ),
                    Command.create(
                        {"sequence": 4, "action_type_id": cls.type_install.id, "trigger": "previous", "offset_days": 2}
                    ),
                    Command.create(
                        {
                            "sequence": 5,
                            "action_type_id": cls.type_payment.id,
                            "percent": 60,
                            "trigger": "previous",
                            "offset_days": 1,
                            "name": "On delivery",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 6,
                            "action_type_id": cls.type_payment.id,
                            "percent": 10,
                            "trigger": "previous",
                            "offset_days": 30,
                            "name": "Acceptance",
                        }
                    ),
                ],
            }
        )
        cls.customer.crm_plus_plan_template_id = cls.template

    @classmethod
    def _order(cls, partner=None, qty=10, user=None, confirm=True, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": (user or cls.salesman).id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": qty, "price_unit": 1000.0})
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _invoice(cls, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, moves, amount, date=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"amount": amount, "payment_date": date or fields.Date.today()})
        )
        return wizard._create_payments()

    @staticmethod
    def _steps(plan, kind):
        return plan.step_ids.filtered(lambda step: step.kind == kind).sorted(lambda s: (s.date_due, s.sequence, s.id))
