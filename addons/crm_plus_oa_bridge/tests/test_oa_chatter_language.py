from odoo.tests import tagged

from odoo.addons.mail.tools.discuss import Store

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaChatterLanguage(OaCommon):
    """The bridge's notes read in each reader's language, as the web client receives a thread's messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # the Chinese labels of selections (the approval history's decisions), as when installing the language
        cls.env["ir.module.module"]._load_module_terms(["crm_plus", "crm_plus_oa_bridge"], ["zh_CN"])
        cls.salesman.lang = "en_US"
        cls.director.lang = "zh_CN"

    def _bodies(self, user, record):
        messages = self.env["mail.message"].with_user(user).with_context(lang=user.lang)
        messages = messages.search([("model", "=", record._name), ("res_id", "=", record.id)])
        data = Store().add(messages).get_result()
        return [values["body"][1] for values in data["mail.message"] if isinstance(values.get("body"), list)]

    def test_withdrawn_request_reads_in_chinese(self):
        order = self._request()
        order.with_user(self.salesman).with_context(lang="en_US").action_oa_withdraw()
        self.assertTrue(order.message_ids.filtered(lambda m: "Withdrawn by the requester." in (m.body or "")))
        zh = " ".join(self._bodies(self.director, order))
        for text in ("已由申请人撤回。", "审批已重置", "已申请审批", "Large orders"):
            self.assertIn(text, zh)
        self.assertNotIn("Withdrawn by the requester.", zh)
        en = " ".join(self._bodies(self.salesman, order))
        self.assertIn("Withdrawn by the requester.", en)
        self.assertIn("Approval reset", en)
