# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Channels are declared in one place: a new one is one class, registered."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.crm_plus import dunning_channels

from .common import CrmPlusCommon
from .test_dunning import DunningFixtures


class SmsChannel(dunning_channels.Channel):
    """A text message to the customer's phone from level 2 (15 days) on; no number: a phone call."""

    code = "sms"
    label = "Text message"
    sequence = 35
    needs = ("phone",)
    fallback = "phone"
    done_when_dispatched = True

    def enabled_sql(self, level):
        return SQL("%s.days_overdue >= 15", SQL.identifier(level))

    def enabled(self, level):
        return level.days_overdue >= 15

    def activity(self, run, communication):
        return communication.user_id, "mail.mail_activity_data_todo", "Send a text message"


@tagged("post_install", "-at_install")
class TestDunningChannels(DunningFixtures, CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.Communication = cls.env["crm_plus.dunning.communication"]

    def test_channels_are_declared_once(self):
        codes = [code for code, _label in self.Communication._fields["channel"]._description_selection(self.env)]
        self.assertEqual(codes, ["email", "letter", "phone", "escalation"])
        self.assertEqual(self.level3._get_channels(), ["email", "letter", "escalation"])
        hold = dunning_channels.REGISTRY["credit_hold"]
        self.assertEqual((hold.produces, hold.enabled(self.level3), hold.enabled(self.level1)), ("hold", True, False))
        email = dunning_channels.REGISTRY["email"]
        self.assertEqual((email.needs, email.fallback, email.produces), (("email",), "letter", "mail"))

    def test_a_new_channel_is_one_class(self):
        with_mobile = self._customer(self.env, "Mobile One", user=self.salesman)
        with_mobile.phone = "+86 138 0000 0000"
        without = self._customer(self.env, "No Mobile", user=self.salesman)
        for customer in with_mobile | without:
            self._order(self.env, customer, [20])
        with patch.dict(dunning_channels.REGISTRY, {"sms": SmsChannel()}):
            self.assertIn("sms", self.level2._get_channels())
            self.env["crm_plus.dunning.run"]._run(partner_ids=(with_mobile | without).ids)
            sms = self.Communication.search([("partner_id", "=", with_mobile.id), ("channel", "=", "sms")])
            self.assertEqual(sms.state, "sent", "sent once its activity is scheduled")
            self.assertEqual(sms.activity_ids.summary, "Send a text message")
            # no mobile: the fallback (a phone call), the key kept under the channel it was due for
            phone = self.Communication.search([("partner_id", "=", without.id), ("channel", "=", "phone")])
            self.assertEqual(sorted(phone.line_ids.mapped("channel")), ["phone", "sms"])
            self.assertFalse(self.Communication.search([("partner_id", "=", without.id), ("channel", "=", "sms")]))
            # exactly once, for the new channel too
            again = self.env["crm_plus.dunning.run"]._run(partner_ids=(with_mobile | without).ids)
            self.assertEqual(again["items"], 0)
