import base64
import hashlib

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaDunningLetters(OaCommon):
    def _letter(self):
        policy = self.env["crm_plus.dunning.policy"].create(
            {
                "name": "Letters",
                "level_ids": [(0, 0, {"name": "Final notice", "days_overdue": 30, "channel_letter": True})],
            }
        )
        return self.env["crm_plus.dunning.communication"].create(
            {
                "partner_id": self.customer.id,
                "level_id": policy.level_ids.id,
                "company_id": self.env.company.id,
                "currency_id": self.env.company.currency_id.id,
                "channel": "letter",
            }
        )

    def test_printed_letter_is_filed_in_the_dunning_folder(self):
        letter = self._letter()
        letter.with_user(self.finance).action_print()
        self.assertEqual(letter.state, "sent")
        folder = self.customer._crm_plus_oa_folder("dunning")
        filed = folder.file_ids
        self.assertEqual(len(filed), 1, "one locked snapshot per printed letter")
        self.assertTrue(filed.locked_by, "filed letters are locked")
        self.assertEqual(filed.oa_sha256, hashlib.sha256(base64.b64decode(filed.sudo().content)).hexdigest())
        self.assertIn(filed.oa_sha256, letter.message_ids[0].body)
        # printing again (a statement now: the letter is sent) files nothing more
        letter.with_user(self.finance).action_print()
        self.assertEqual(len(folder.file_ids), 1)

    def test_dunning_folder_follows_the_customer(self):
        self.customer.user_id = self.salesman
        self._letter().with_user(self.finance).action_print()
        filed = self.customer._crm_plus_oa_folder("dunning").file_ids
        self.assertTrue(filed.with_user(self.salesman).read(["name"]))
        with self.assertRaises(AccessError):
            filed.with_user(self.portal).read(["name"])
