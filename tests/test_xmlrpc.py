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


def test_custom_attribute_over_rpc(rpc):
    """A consultant's attribute is a real partner field over XML-RPC: write, search, group, required per category."""
    category = rpc("crm_plus.customer.category", "create", {"name": "RPC key accounts", "code": "rpc_key"})
    attribute = rpc(
        "crm_plus.attribute",
        "create",
        {
            "name": "RPC tier",
            "code": "rpc_tier",
            "value_type": "selection",
            "required": True,
            "category_ids": [(6, 0, [category])],
            "option_ids": [(0, 0, {"name": "Gold", "code": "gold"}), (0, 0, {"name": "Silver", "code": "silver"})],
        },
    )
    try:
        fields = rpc("res.partner", "fields_get", ["x_attr_rpc_tier"], attributes=["type", "selection"])
        assert fields["x_attr_rpc_tier"]["type"] == "selection"
        assert ["gold", "Gold"] in fields["x_attr_rpc_tier"]["selection"]
        gold = rpc(
            "res.partner",
            "create",
            {"name": "RPC Gold Ltd", "crm_plus_category_id": category, "x_attr_rpc_tier": "gold"},
        )
        assert rpc("res.partner", "search", [["x_attr_rpc_tier", "=", "gold"]]) == [gold]
        groups = rpc("res.partner", "read_group", [["id", "=", gold]], ["x_attr_rpc_tier"], ["x_attr_rpc_tier"])
        assert groups[0]["x_attr_rpc_tier"] == "gold" and groups[0]["x_attr_rpc_tier_count"] == 1
        # required for the category: the server refuses a customer of that category without it
        with pytest.raises(xmlrpc.client.Fault) as fault:
            rpc("res.partner", "create", {"name": "RPC Missing Ltd", "crm_plus_category_id": category})
        assert "RPC tier" in fault.value.faultString
        # a wrong option code is refused clearly
        with pytest.raises(xmlrpc.client.Fault):
            rpc("res.partner", "write", [gold], {"x_attr_rpc_tier": "platinum"})
        rpc("res.partner", "unlink", [gold])
    finally:
        rpc("crm_plus.attribute", "unlink", [attribute])
        rpc("crm_plus.customer.category", "unlink", [category])
    assert "x_attr_rpc_tier" not in rpc("res.partner", "fields_get", [], attributes=["type"])


def test_order_state_cannot_be_forced_over_rpc(rpc):
    """The approval gate holds over XML-RPC: state and approval_state are not writable by clients."""
    partner = rpc("res.partner", "create", {"name": "RPC Order Customer"})
    product = rpc("product.product", "create", {"name": "RPC widget", "list_price": 10.0})
    order = rpc(
        "sale.order",
        "create",
        {"partner_id": partner, "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})]},
    )
    for vals in ({"state": "sale"}, {"approval_state": "approved"}):
        with pytest.raises(xmlrpc.client.Fault):
            rpc("sale.order", "write", [order], vals, context={"crm_plus_approval_bypass": True})
    assert rpc("sale.order", "read", [order], fields=["state"])[0]["state"] == "draft"
    rpc("sale.order", "unlink", [order])
