"""End to end over XML-RPC against a running Odoo serving the tested database."""

import xmlrpc.client

import pytest


@pytest.fixture(scope="module")
def rpc(odoo_server, tested_db):
    common = xmlrpc.client.ServerProxy(f"{odoo_server}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(tested_db, "admin", "admin", {})
    assert uid, "admin/admin could not log in"
    models = xmlrpc.client.ServerProxy(f"{odoo_server}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kw):
        return models.execute_kw(tested_db, uid, "admin", model, method, list(args), kw)

    return call


def test_login_page_is_served(odoo_server):
    import urllib.request

    with urllib.request.urlopen(odoo_server + "/web/login", timeout=10) as resp:
        body = resp.read().decode()
    assert resp.status == 200 and 'name="login"' in body


def test_both_addons_installed(rpc):
    mods = rpc(
        "ir.module.module",
        "search_read",
        [["name", "in", ["crm_plus", "crm_plus_oa_bridge"]]],
        fields=["name", "state"],
    )
    assert {m["name"]: m["state"] for m in mods} == {"crm_plus": "installed", "crm_plus_oa_bridge": "installed"}


def test_menus_reachable_over_rpc(rpc):
    xmlids = ["crm_plus.crm_plus_menu_customer_list", "crm_plus_oa_bridge.crm_plus_oa_bridge_menu_to_approve"]
    for xmlid in xmlids:
        module, name = xmlid.split(".")
        found = rpc("ir.model.data", "search_read", [["module", "=", module], ["name", "=", name]], fields=["res_id"])
        assert found, xmlid
        menu = rpc("ir.ui.menu", "read", [found[0]["res_id"]], fields=["action"])
        assert menu and menu[0]["action"], xmlid
