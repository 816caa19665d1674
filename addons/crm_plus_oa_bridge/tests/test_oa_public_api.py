"""The bridge's attack surface, enumerated: every public method and every context key it honours.

Same rules as crm_plus's ``test_security_public_api``, for the lists of ``crm_plus_oa_bridge/access.py``.
"""

import pathlib

from odoo.tests import TransactionCase
from odoo.tests import tagged

from odoo.addons.crm_plus import access as crm_plus_access
from odoo.addons.crm_plus.tests.test_security_public_api import PublicApiChecks
from odoo.addons.crm_plus.tests.test_security_public_api import context_keys_read

from .. import access

ADDON_DIR = pathlib.Path(__file__).resolve().parent.parent


@tagged("post_install", "-at_install")
class TestOaPublicApi(PublicApiChecks, TransactionCase):
    access_module = access
    module_prefix = access.MODULE_PREFIX
    intruder_login = "oa_api_intruder"
    allow_inherited_tests_method = True  # Odoo's loader runs only a class's own test methods otherwise


@tagged("post_install", "-at_install")
class TestOaContextKeys(TransactionCase):
    def test_every_context_key_is_declared(self):
        """Keys the bridge reads from the context are trusted (set by our code only) or harmless, and say so."""
        keys = context_keys_read(ADDON_DIR)
        unknown = {
            key: where
            for key, where in keys.items()
            if key not in access.TRUSTED_CONTEXT_KEYS and key not in access.CLIENT_CONTEXT_KEYS
        }
        self.assertFalse(unknown, "context keys read but not declared in crm_plus_oa_bridge/access.py")

    def test_trusted_keys_are_read_through_is_trusted(self):
        keys = context_keys_read(ADDON_DIR)
        raw = {key: keys[key] for key in access.TRUSTED_CONTEXT_KEYS if key in keys}
        self.assertFalse(raw, "trusted keys must be read with access.is_trusted(env, key)")

    def test_bridge_keys_are_declared_to_crm_plus(self):
        for key, why in access.TRUSTED_CONTEXT_KEYS.items():
            self.assertEqual(crm_plus_access.TRUSTED_CONTEXT_KEYS.get(key), why)
            for value in (True, 1, "1", {"__class__": "_Trusted"}, [key]):
                env = self.env(context=dict(self.env.context, **{key: value}))
                self.assertFalse(crm_plus_access.is_trusted(env, key), f"{key}={value!r}")
            trusted = crm_plus_access.trusted_context(self.env["crm_plus.plan"], **{key: True})
            self.assertTrue(trusted._crm_plus_oa_gate_open())
        self.assertFalse(self.env["crm_plus.plan"].with_context(crm_plus_oa_plan_gate=True)._crm_plus_oa_gate_open())
