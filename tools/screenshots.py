"""Screenshots of the product for the README and readme fragments (docs/*.png).

Drives headless Chromium over the DevTools protocol (websocket-client, in the
test requirements) against a running `make run` server:

    .venv/bin/python tools/screenshots.py [--url http://localhost:8069] [--db crm_plus_demo] [--lang en_US]

Each shot is an Odoo web client URL (menu/action by xmlid) opened as admin.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The Dashboards app: a shot with this action and a spreadsheet.dashboard record clicks the
# dashboard's name in the app's side panel and waits for its charts.
DASHBOARDS = "spreadsheet_dashboard.ir_actions_dashboard_action"
SHOTS = [
    # (file name, action xmlid, record xmlid or None, tab to click or None): the demo data's story
    ("customers", "crm_plus.res_partner_action_customer", None, None),
    ("customer_attributes", "crm_plus.res_partner_action_customer", "base.res_partner_2", "crm_plus_attributes"),
    ("quotation_rounds", "crm_plus.sale_order_action_rounds", None, None),
    ("order_plan", "crm_plus.sale_order_action_orders", "crm_plus.crm_plus_order_acme_desks_demo", "crm_plus_plan"),
    ("orders_to_approve", "crm_plus.sale_order_action_to_approve", None, None),
    ("plan_steps", "crm_plus.crm_plus_plan_step_action", None, None),
    ("dashboard_sales", DASHBOARDS, "crm_plus.crm_plus_dashboard_sales", None),
    ("dashboard_receivables", DASHBOARDS, "crm_plus.crm_plus_dashboard_receivables", None),
    ("dashboard_team", DASHBOARDS, "crm_plus.crm_plus_dashboard_team", None),
    ("receivables_aging", "crm_plus.crm_plus_report_aging_action", None, None),
    ("oa_approvals", "crm_plus_oa_bridge.tier_review_action_to_approve", None, None),
    (
        "oa_order_route",
        "crm_plus.sale_order_action_to_approve",
        "crm_plus_oa_bridge.crm_plus_oa_order_gemini_demo",
        "oa_approval",
    ),
    (
        "oa_route",
        "crm_plus_oa_bridge.crm_plus_oa_route_action",
        "crm_plus_oa_bridge.crm_plus_oa_route_large_orders_demo",
        None,
    ),
]


class Chrome:
    def __init__(self, width=1440, height=900):
        self.profile = tempfile.mkdtemp(prefix="crm_plus_shots_")
        port = 9222 + os.getpid() % 500
        self.proc = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as r:
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                time.sleep(0.2)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expr):
        return self.call("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)["result"].get(
            "value"
        )

    def goto(self, url, ready="document.readyState === 'complete'", settle=2.0):
        self.call("Page.navigate", url=url)
        deadline = time.time() + 30
        while time.time() < deadline and not self.js(ready):
            time.sleep(0.2)
        time.sleep(settle)

    def shot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def open_dashboard(chrome, url, dashboard_id, models, args, uid):
    """Open the Dashboards app, click the dashboard's name in the side panel, wait for its charts."""
    name = models.execute_kw(
        args.db,
        uid,
        args.password,
        "spreadsheet.dashboard",
        "read",
        [[dashboard_id], ["name"]],
        {"context": {"lang": args.lang}},
    )[0]["name"]
    chrome.goto(url, ready="!!document.querySelector('.o_spreadsheet_dashboard_search_panel')")
    chrome.js(
        "[...document.querySelectorAll('.o_search_panel_category_value')]"
        f".find(li => li.querySelector('.o_dashboard_name')?.textContent.trim() === {json.dumps(name)})?.click(); true"
    )
    deadline = time.time() + 30
    while time.time() < deadline and not chrome.js("!!document.querySelector('.o_renderer canvas, .o-figure')"):
        time.sleep(0.3)
    time.sleep(3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="crm_plus_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default="en_US", help="en_US or zh_CN (suffix added to file names)")
    parser.add_argument("--out", default=os.path.join(REPO, "docs"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # Shots in the language asked for: set it on the user first.
    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    uid = common.authenticate(args.db, args.login, args.password, {})
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object")
    models.execute_kw(args.db, uid, args.password, "res.users", "write", [[uid], {"lang": args.lang}])
    chrome = Chrome()
    try:
        chrome.goto(f"{args.url}/web/login?db={args.db}")
        chrome.js(
            f"document.querySelector('input[name=login]').value = {json.dumps(args.login)};"
            f"document.querySelector('input[name=password]').value = {json.dumps(args.password)};"
            "document.querySelector('form.oe_login_form').submit(); true"
        )
        time.sleep(3)
        suffix = "" if args.lang == "en_US" else f"_{args.lang}"
        ready = "!!document.querySelector('.o_content .o_renderer, .o_content .o_list_renderer, .o_form_renderer')"
        for name, action, record, tab in SHOTS:
            path = f"/odoo/action-{action}"
            if record:
                module, xmlid = record.split(".")
                found = models.execute_kw(
                    args.db,
                    uid,
                    args.password,
                    "ir.model.data",
                    "search_read",
                    [[["module", "=", module], ["name", "=", xmlid]]],
                    {"fields": ["res_id"]},
                )
                if not found:
                    print("skipped", name, "(no", record, "- is the demo data loaded?)")
                    continue
                if action == DASHBOARDS:
                    open_dashboard(chrome, args.url + path, found[0]["res_id"], models, args, uid)
                    target = os.path.join(args.out, f"{name}{suffix}.png")
                    chrome.shot(target)
                    print("wrote", os.path.relpath(target, REPO))
                    continue
                path += f"/{found[0]['res_id']}"
            chrome.goto(args.url + path, ready=ready)
            if tab:
                chrome.js(
                    "[...document.querySelectorAll('.o_notebook .nav-link')]"
                    f".find(a => a.getAttribute('name') === {json.dumps(tab)})?.click(); true"
                )
                time.sleep(1.5)
            target = os.path.join(args.out, f"{name}{suffix}.png")
            chrome.shot(target)
            print("wrote", os.path.relpath(target, REPO))
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
