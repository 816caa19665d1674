"""The attack surface, enumerated: every public method and every context key crm_plus honours.

A public method (no leading underscore) is callable over RPC by whoever can read the record; a context key
is sent by the client. Both lists live in ``access.py``; these tests fail when the code grows an endpoint or
a key the lists do not name, so that each new one is looked at as an attacker would.
"""

import ast
import pathlib

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase
from odoo.tests import new_test_user
from odoo.tests import tagged

from odoo.addons.crm_plus import access

ADDON_DIR = pathlib.Path(__file__).resolve().parent.parent


def context_keys_read(addon_dir):
    """{key: [file:line]} of literal context keys read by the addon's code (tests excluded).

    Reads are ``context.get("k")``, ``context["k"]`` and ``"k" in ...context``, whatever the
    receiver (``self.env.context``, ``self._context``, a local ``ctx``).
    """
    found = {}
    for path in sorted(addon_dir.rglob("*.py")):
        if "tests" in path.relative_to(addon_dir).parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        # module-level names of string constants (PERIOD_FROM = "crm_plus_period_from")
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

        def literal(node, constants=constants):
            if isinstance(node, ast.Constant):
                return node.value
            return constants.get(node.id) if isinstance(node, ast.Name) else None

        for node in ast.walk(tree):
            key = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and _is_context(node.func.value)
                and node.args
            ):
                key = literal(node.args[0])
            elif isinstance(node, ast.Subscript) and _is_context(node.value):
                key = literal(node.slice)
            elif (
                isinstance(node, ast.Compare)
                and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and any(_is_context(comp) for comp in node.comparators)
            ):
                key = literal(node.left)
            if isinstance(key, str):
                found.setdefault(key, []).append(f"{path.relative_to(addon_dir)}:{node.lineno}")
    return found


def _is_context(node):
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("context", "_context", "ctx")


class PublicApiChecks:
    """The two checks of an addon's public methods, against the lists of its ``access`` module.

    Mixed into a ``TransactionCase`` that sets ``access_module`` (with ``PUBLIC_METHODS``), ``module_prefix``
    (``odoo.addons.<addon>.``) and ``intruder_login``; crm_plus and the OA bridge use it.
    """

    access_module = access
    module_prefix = "odoo.addons.crm_plus."
    intruder_login = "cp_api_intruder"

    def test_every_public_method_is_listed(self):
        found = access.public_methods(self.registry, self.module_prefix)
        listed = self.access_module.PUBLIC_METHODS
        found_pairs = {(model, name) for model, names in found.items() for name in names}
        listed_pairs = {(model, name) for model, names in listed.items() for name in names}
        self.assertFalse(
            sorted(found_pairs - listed_pairs),
            f"public methods not listed in {self.access_module.__name__} PUBLIC_METHODS (list them with groups/states)",
        )
        self.assertFalse(sorted(listed_pairs - found_pairs), "PUBLIC_METHODS lists methods that no longer exist")
        for model, name in sorted(found_pairs):
            groups, states = listed[model][name]
            self.assertTrue(states, f"{model}.{name}: say which states/checks apply")
            decorated = getattr(found[model][name], "_crm_plus_groups", frozenset())
            self.assertEqual(
                frozenset(groups), decorated, f"{model}.{name}: listed groups differ from its @require_groups"
            )

    def test_listed_groups_refuse_others(self):
        """Each group-guarded method refuses a plain internal user before touching anything."""
        user = new_test_user(self.env, login=self.intruder_login, groups="base.group_user")
        found = access.public_methods(self.registry, self.module_prefix)
        checked = 0
        for model, names in sorted(self.access_module.PUBLIC_METHODS.items()):
            for name, (groups, _states) in sorted(names.items()):
                if not groups or name not in found.get(model, {}):
                    continue
                records = self.env[model].with_user(user).browse()
                with self.subTest(method=f"{model}.{name}"), self.assertRaises(AccessError):
                    getattr(records, name)()
                checked += 1
        self.assertTrue(checked)


@tagged("post_install", "-at_install")
class TestPublicApi(PublicApiChecks, TransactionCase):
    allow_inherited_tests_method = True  # Odoo's loader runs only a class's own test methods otherwise


@tagged("post_install", "-at_install")
class TestContextKeys(TransactionCase):
    def test_every_context_key_is_declared(self):
        """Keys read from the context are trusted (set by our code only) or harmless, and say so."""
        keys = context_keys_read(ADDON_DIR)
        unknown = {
            key: where
            for key, where in keys.items()
            if key not in access.TRUSTED_CONTEXT_KEYS and key not in access.CLIENT_CONTEXT_KEYS
        }
        self.assertFalse(unknown, "context keys read but not declared in crm_plus/access.py")

    def test_trusted_keys_are_read_through_is_trusted(self):
        """A trusted key read raw (``context.get``) would honour a client's value."""
        keys = context_keys_read(ADDON_DIR)
        raw = {key: keys[key] for key in access.TRUSTED_CONTEXT_KEYS if key in keys}
        self.assertFalse(raw, "trusted keys must be read with access.is_trusted(env, key)")

    def test_client_value_is_not_trusted(self):
        for key in access.TRUSTED_CONTEXT_KEYS:
            for value in (True, 1, "1", {"__class__": "_Trusted"}, [key]):
                env = self.env(context=dict(self.env.context, **{key: value}))
                self.assertFalse(access.is_trusted(env, key), f"{key}={value!r}")
            trusted = access.trusted_context(self.env["res.partner"], **{key: True})
            self.assertTrue(access.is_trusted(trusted.env, key))
