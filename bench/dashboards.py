"""Dashboards bench: every read each CRM Plus dashboard makes when it opens, on 1,000,000 plan steps,
200,000 customers and 100,000 orders, beside a raw-SQL floor of the same figure.

    python bench/dashboards.py --db <database> [--rebuild 1] [--customers 200000 --orders 100000 ...]

Builds the data once with SQL (rows named ``BenchDash ...``; kept between runs, ``--rebuild 1`` builds again):
200,000 customers in 5 categories, 50 salespeople in 5 teams, 100,000 quotations and orders over two years
(70 % confirmed, a third in a second round) with 2 lines each over 20 products in 4 categories, 10 plan steps
per order (1,000,000), 50,000 opportunities, 30,000 approval decisions, 50,000 invoices with a payment
reconciled, 20,000 dunning letters and 5,000 targets (the invoices, payments and letters are copies of ones
made through the ORM).

Then, for each dashboard, as a sales manager (every record) and as a salesperson (record rules), with the
dashboard's default filters: each pivot, chart and list read the way the web client reads it
(``formatted_read_grouping_sets``, ``formatted_read_group``, ``web_search_read``), timed (best of 3, warm);
the dashboard's total is the sum of its reads, one after the other (the browser sends them together: the
real wait is shorter). Beside them, for one figure of each report model, a hand-written SQL query over the
base tables computing the same figure: the floor.
"""

import json
import re
import statistics
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

from _common import REPO
from _common import clone
from _common import parse_args
from _common import registry

args = parse_args(
    __doc__.splitlines()[0],
    customers=(200_000, "customers"),
    orders=(100_000, "quotations and orders"),
    steps_per_order=(10, "plan steps per order"),
    leads=(50_000, "opportunities"),
    invoices=(50_000, "invoices, each with a payment reconciled"),
    letters=(20_000, "dunning communications"),
    salespeople=(50, "salespeople (5 teams)"),
    rebuild=(0, "1: build the bench data again"),
    repeat=(3, "runs of each read (best kept)"),
    only=("", "dashboards to read, comma-separated (e.g. customers,sales); all by default"),
)

from odoo import SUPERUSER_ID  # noqa: E402
from odoo import Command  # noqa: E402
from odoo import api  # noqa: E402
from odoo.fields import Domain  # noqa: E402
from odoo.tools import SQL  # noqa: E402

DASHBOARDS = sorted((Path(REPO) / "addons" / "crm_plus" / "data" / "dashboards").glob("*_dashboard.json"))
TODAY = date.today()
MARK = "BenchDash"


# ---------------------------------------------------------------------------------------------------- build
def built(cr):
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s", [f"{MARK} C %"])
    return cr.fetchone()[0]


def build(env):
    cr = env.cr
    t0 = time.perf_counter()
    company = env.company
    if not env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", company.id)]):
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    env["crm_plus.approval.rule"].search([]).active = False
    users = env["res.users"].create(
        [
            {
                "name": f"{MARK} Seller {i}",
                "login": f"benchdash{i}",
                "group_ids": [Command.link(env.ref("sales_team.group_sale_salesman").id)],
            }
            for i in range(args.salespeople)
        ]
    )
    teams = env["crm.team"].create(
        [
            {"name": f"{MARK} Team {t}", "member_ids": [Command.set(users[t::5].ids)], "user_id": users[t].id}
            for t in range(5)
        ]
    )
    env["hr.employee"].create([{"name": user.name, "user_id": user.id} for user in users])
    categories = env["crm_plus.customer.category"].create(
        [{"name": f"{MARK} Category {i}", "code": f"benchdash{i}"} for i in range(5)]
    )
    product_categories = env["product.category"].create([{"name": f"{MARK} Products {i}"} for i in range(4)])
    products = env["product.product"].create(
        [
            {
                "name": f"{MARK} Product {i}",
                "categ_id": product_categories[i % 4].id,
                "list_price": 100 + 10 * i,
                "standard_price": 60 + 5 * i,
                "taxes_id": [Command.clear()],
            }
            for i in range(20)
        ]
    )
    stages = env["crm.stage"].search([], limit=4)
    # templates made through the ORM: a customer, a confirmed order with 2 lines and its plan of 10 steps,
    # its posted invoice paid in part, an opportunity, an approval decision, a dunning letter
    customer = env["res.partner"].create({"name": f"{MARK} template", "is_company": True})
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "user_id": users[0].id,
            "team_id": teams[0].id,
            "order_line": [
                Command.create({"product_id": products[0].id, "product_uom_qty": 2, "price_unit": 500}),
                Command.create({"product_id": products[1].id, "product_uom_qty": 1, "price_unit": 300}),
            ],
        }
    )
    order.action_confirm()
    payment_type = env.ref("crm_plus.crm_plus_plan_action_type_payment")
    manual_type = env.ref("crm_plus.crm_plus_plan_action_type_installation")
    plan = order.plan_id or env["crm_plus.plan"].create({"order_id": order.id})
    plan.with_context(crm_plus_plan_tracking=True).step_ids.unlink()
    plan = plan.with_context(crm_plus_plan_no_activity=True, crm_plus_plan_tracking=True)
    plan.write(
        {
            "step_ids": [
                Command.create(
                    {
                        "action_type_id": (payment_type if k % 2 else manual_type).id,
                        "name": f"{MARK} step {k}",
                        "date_due": TODAY + timedelta(days=k),
                        "amount": 260 if k % 2 else 1,  # the 5 payment steps add up to the order total
                        "user_id": users[0].id,
                    }
                )
                for k in range(args.steps_per_order)
            ]
        }
    )
    invoice = order._create_invoices()
    invoice.action_post()
    wizard = env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
    payment = wizard.create({"amount": 400})._create_payments()
    lead = env["crm.lead"].create({"name": f"{MARK} lead", "type": "opportunity", "user_id": users[0].id})
    entry = env["crm_plus.approval.entry"].create(
        {"order_id": order.id, "user_id": users[1].id, "decision": "rejected"}
    )
    level = env.ref("crm_plus.crm_plus_dunning_level_standard_1")
    letter = env["crm_plus.dunning.communication"].create(
        {
            "partner_id": customer.id,
            "level_id": level.id,
            "company_id": company.id,
            "channel": "letter",
            "date": TODAY,
            "line_ids": [
                Command.create(
                    {
                        "step_id": plan.step_ids[1].id,
                        "level_id": level.id,
                        "channel": "letter",
                        "amount": 260,
                        "amount_residual": 260,
                    }
                )
            ],
        }
    )
    env.flush_all()
    nu, nc, no = args.salespeople, args.customers, args.orders
    user_of = f"(ARRAY{users.ids})[1 + (g % {nu})]"
    team_of = f"(ARRAY{[teams[i % 5].id for i in range(nu)]})[1 + (g % {nu})]"

    # customers
    p0 = clone(
        cr,
        "res_partner",
        customer.id,
        nc,
        {
            "name": f"'{MARK} C ' || g",
            "complete_name": f"'{MARK} C ' || g",
            "commercial_partner_id": "{nid}",
            "crm_plus_category_id": f"(ARRAY{categories.ids})[1 + (g % 5)]",
            "user_id": user_of,
            "customer_rank": "1",
        },
    )
    print(f"  {nc} customers", flush=True)
    # orders: over two years; 7 in 10 confirmed, 2 quotations, 1 cancelled; one in three a second round
    day = "(g * 7919 % 730)"
    o0 = clone(
        cr,
        "sale_order",
        order.id,
        no,
        {
            "name": f"'{MARK}/' || g",
            "partner_id": f"{p0} + 1 + (g * 7 % {nc})",
            "partner_invoice_id": f"{p0} + 1 + (g * 7 % {nc})",
            "partner_shipping_id": f"{p0} + 1 + (g * 7 % {nc})",
            "user_id": user_of,
            "team_id": team_of,
            "date_order": f"now() - interval '1 day' * {day}",
            "create_date": f"now() - interval '1 day' * ({day} + 3)",
            "state": "CASE WHEN g % 10 < 7 THEN 'sale' WHEN g % 10 < 9 THEN 'draft' ELSE 'cancel' END",
            "round_number": "CASE WHEN g % 3 = 0 THEN 2 ELSE 1 END",
            "round_root_id": "CASE WHEN g % 3 = 0 AND g > 1 THEN {nid} - 1 END",
            "amount_untaxed": "1000 + (g % 50) * 100",
            "amount_total": "1000 + (g % 50) * 100",
        },
    )
    for k, line in enumerate(order.order_line):
        clone(
            cr,
            "sale_order_line",
            line.id,
            no,
            {
                "order_id": f"{o0} + g",
                "product_id": f"(ARRAY{products.ids})[1 + ((g + {k}) % 20)]",
                "discount": "(g % 4) * 5",
                "price_subtotal": f"{line.price_unit} * {line.product_uom_qty} * (1 - (g % 4) * 0.05)",
                "margin": f"{line.price_unit} * {line.product_uom_qty} * (0.4 - (g % 4) * 0.05)",
            },
        )
    print(f"  {no} orders, {2 * no} lines", flush=True)
    # plans and steps: planned dates around the order date; past steps 7 in 10 done (some late), others overdue
    plan0 = clone(
        cr,
        "crm_plus_plan",
        plan.id,
        no,
        {"order_id": f"{o0} + g", "partner_id": f"{p0} + 1 + (g * 7 % {nc})", "name": f"'{MARK}/' || g"},
    )
    step_bases = []
    for k, step in enumerate(plan.step_ids.sorted("id")):
        due = f"(CURRENT_DATE - {day} + {30 * k})"
        done = f"{due} < CURRENT_DATE AND (g + {k}) % 10 < 7"
        step_bases.append(
            clone(
                cr,
                "crm_plus_plan_step",
                step.id,
                no,
                {
                    "plan_id": f"{plan0} + g",
                    "order_id": f"{o0} + g",
                    "partner_id": f"{p0} + 1 + (g * 7 % {nc})",
                    "user_id": user_of,
                    "date_due": due,
                    "date_remind": due,
                    "state": f"CASE WHEN {due} >= CURRENT_DATE THEN 'planned' WHEN (g + {k}) % 10 < 7 THEN 'done'"
                    " ELSE 'overdue' END",
                    "date_done": f"CASE WHEN {done} THEN {due} + (g % 5) - 2 END",
                    "amount_done": f"CASE WHEN {done} THEN t.amount ELSE 0 END",
                    "amount_residual": f"CASE WHEN {done} THEN 0 ELSE t.amount END",
                },
            )
        )
    print(f"  {no * args.steps_per_order} plan steps", flush=True)
    # opportunities: a third won, a third lost, a third open
    clone(
        cr,
        "crm_lead",
        lead.id,
        args.leads,
        {
            "name": f"'{MARK} lead ' || g",
            "user_id": user_of,
            "team_id": team_of,
            "partner_id": f"{p0} + 1 + (g * 11 % {nc})",
            "stage_id": f"(ARRAY{stages.ids})[1 + (g % {len(stages)})]",
            "won_status": "(ARRAY['won', 'lost', 'pending'])[1 + g % 3]",
            "active": "g % 3 <> 1",
            "date_closed": f"CASE WHEN g % 3 < 2 THEN now() - interval '1 day' * {day} END",
            "create_date": f"now() - interval '1 day' * ({day} + 20)",
            "expected_revenue": "1000 + g % 100 * 50",
        },
    )
    clone(
        cr,
        "crm_plus_approval_entry",
        entry.id,
        30_000,
        {
            "order_id": f"{o0} + 1 + (g * 3 % {no})",
            "decision": "(ARRAY['requested', 'approved', 'rejected'])[1 + g % 3]",
            "date": f"now() - interval '1 day' * {day}",
        },
    )
    print(f"  {args.leads} opportunities, 30000 approval decisions", flush=True)
    # invoices with a payment reconciled: copies of the template's moves, lines and partial
    m0 = clone(
        cr,
        "account_move",
        invoice.id,
        args.invoices,
        {
            "name": f"'{MARK}/INV/' || g",
            "partner_id": f"{p0} + 1 + (g * 7 % {nc})",
            "commercial_partner_id": f"{p0} + 1 + (g * 7 % {nc})",
            "invoice_user_id": user_of,
            "team_id": team_of,
            "date": f"CURRENT_DATE - {day}",
            "invoice_date": f"CURRENT_DATE - {day}",
            "invoice_date_due": f"CURRENT_DATE - {day} + 30",
        },
    )
    pm0 = clone(
        cr,
        "account_move",
        payment.move_id.id,
        args.invoices,
        {"name": f"'{MARK}/PAY/' || g", "date": f"CURRENT_DATE - {day} + 10"},
    )
    partial = env["account.partial.reconcile"].search(
        [("debit_move_id.move_id", "=", invoice.id), ("credit_move_id.move_id", "=", payment.move_id.id)], limit=1
    )
    line_base = {}
    for move, base in ((invoice, m0), (payment.move_id, pm0)):
        for line in move.line_ids:
            line_base[line.id] = clone(
                cr,
                "account_move_line",
                line.id,
                args.invoices,
                {
                    "move_id": f"{base} + g",
                    "partner_id": f"{p0} + 1 + (g * 7 % {nc})",
                    "date": f"CURRENT_DATE - {day}" + (" + 10" if move == payment.move_id else ""),
                },
            )
    clone(
        cr,
        "account_partial_reconcile",
        partial.id,
        args.invoices,
        {
            "debit_move_id": f"{line_base[partial.debit_move_id.id]} + g",
            "credit_move_id": f"{line_base[partial.credit_move_id.id]} + g",
            "max_date": f"CURRENT_DATE - {day} + 10",
        },
    )
    print(f"  {args.invoices} invoices and payments", flush=True)
    c0 = clone(
        cr,
        "crm_plus_dunning_communication",
        letter.id,
        args.letters,
        {"partner_id": f"{p0} + 1 + (g * 7 % {nc})", "date": f"CURRENT_DATE - {day}", "mail_id": "NULL"},
    )
    letter_line = letter.line_ids
    clone(
        cr,
        "crm_plus_dunning_communication_line",
        letter_line.id,
        args.letters,
        {
            "communication_id": f"{c0} + g",
            "step_id": f"{step_bases[1]} + g",  # the second step (a payment) of order g
        },
    )
    print(f"  {args.letters} dunning letters", flush=True)
    # targets: every salesperson and team, every month of two years, every measure
    cr.execute(
        SQL(
            """
            INSERT INTO crm_plus_target (company_id, user_id, team_id, period, date_from, date_to, measure,
                                         target_amount, create_uid, write_uid, create_date, write_date)
            SELECT %(company)s, u, t, 'month', m::date, (m + interval '1 month - 1 day')::date, measure,
                   CASE measure WHEN 'revenue' THEN 100000 WHEN 'collections' THEN 50000 ELSE 10 END,
                   1, 1, now(), now()
              FROM (SELECT unnest(%(users)s::int[]) AS u, NULL::int AS t
                    UNION ALL SELECT NULL, unnest(%(teams)s::int[])) who,
                   generate_series(date_trunc('month', CURRENT_DATE) - interval '23 months',
                                   date_trunc('month', CURRENT_DATE), interval '1 month') m,
                   unnest(ARRAY['revenue', 'collections', 'new_customers', 'followups']) measure
            """,
            company=company.id,
            users=users.ids,
            teams=teams.ids,
        )
    )
    cr.execute("ANALYZE")
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------------- reads
def default_filters(data, matching, env):
    """The dashboard's default period as a domain, as the web client applies it."""
    domain = Domain.TRUE
    filters = {f["id"]: f for f in data["globalFilters"]}
    for filter_id, match in matching.items():
        default = filters[filter_id].get("defaultValue")
        if filters[filter_id]["type"] != "date" or not default:
            continue
        if default == "this_year":
            start, end = date(TODAY.year, 1, 1), date(TODAY.year, 12, 31)
        elif default == "this_month":
            start = TODAY.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        else:
            raise ValueError(default)
        domain &= Domain(match["chain"], ">=", start) & Domain(match["chain"], "<=", end)
    return domain


def reads(env, data):
    """(label, callable) of every read the dashboard makes, as the web client makes them."""
    result = []
    for pivot in data["pivots"].values():
        Model = env[pivot["model"]].with_context(**pivot["context"])  # as the pivot sends it
        domain = Domain(pivot["domain"]) & default_filters(data, pivot["fieldMatching"], env)
        rows = [r["fieldName"] + (f":{r['granularity']}" if r.get("granularity") else "") for r in pivot["rows"]]
        # the web client asks a count as "__count", not "__count:sum"
        measures = ["__count" if m["fieldName"] == "__count" else m["id"] for m in pivot["measures"]]
        sets = [[], rows] if rows else [[]]
        result.append(
            (
                f"pivot {pivot['name']} ({pivot['model']})",
                lambda M=Model, d=domain, s=sets, a=measures: M.formatted_read_grouping_sets(d, s, a),
            )
        )
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart["type"].startswith("odoo_"):
                continue
            meta = chart["metaData"]
            # the chart's context, as the web client sends it (its group_by is the chart's own)
            context = {k: v for k, v in chart["searchParams"].get("context", {}).items() if k != "group_by"}
            Model = env[meta["resModel"]].with_context(**context)
            field = Model._fields.get(meta["measure"])
            aggregates = [f"{meta['measure']}:{field.aggregator}"] if field else []
            domain = Domain(chart["searchParams"]["domain"]) & default_filters(data, chart["fieldMatching"], env)
            result.append(
                (
                    f"chart {meta['groupBy']} {meta['measure']} ({meta['resModel']})",
                    lambda M=Model, d=domain, g=meta["groupBy"], a=aggregates: M.formatted_read_group(
                        d, g, [*a, "__count"]
                    ),
                )
            )
    for list_ in data["lists"].values():
        Model = env[list_["model"]].with_context(**list_.get("context", {}))
        domain = Domain(list_["domain"]) & default_filters(data, list_["fieldMatching"], env)
        order = ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in list_["orderBy"])
        spec = {name: {} for name in list_["columns"]}
        result.append(
            (
                f"list {list_['name']} ({list_['model']})",
                lambda M=Model, d=domain, o=order, s=spec: M.web_search_read(d, s, order=o, limit=10),
            )
        )
    return result


def snapshot_models(env):
    """The report models keeping a dashboard snapshot (as crm_plus.report.crm_plus_report_snapshot finds them)."""
    mixin = env.registry["crm_plus.report.snapshot.mixin"]
    return [env[name] for name in sorted(mixin._inherit_children) if not env[name]._abstract]


def best_of(fn, env):
    times = []
    for _ in range(args.repeat):
        env.invalidate_all()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# ---------------------------------------------------------------------------------------------------- floors
YEAR = "date_trunc('year', CURRENT_DATE)::date AND (date_trunc('year', CURRENT_DATE) + interval '1 year - 1 day')::date"
FLOORS = {
    "crm_plus.report.funnel": (
        "pipeline by stage",
        f"""SELECT stage_id, SUM(expected_revenue) FROM crm_lead
             WHERE type = 'opportunity' AND won_status = 'pending' AND create_date::date BETWEEN {YEAR}
             GROUP BY stage_id""",
    ),
    "crm_plus.report.rounds": (
        "win rate by month",
        f"""WITH deal AS (SELECT COALESCE(round_root_id, id) AS deal, bool_or(state = 'sale') AS won,
                                 bool_and(state = 'cancel') AS lost FROM sale_order GROUP BY 1)
            SELECT date_trunc('month', so.date_order), AVG(CASE WHEN won THEN 100.0 WHEN lost THEN 0.0 END)
              FROM deal JOIN sale_order so ON so.id = deal.deal WHERE so.date_order::date BETWEEN {YEAR} GROUP BY 1""",
    ),
    "crm_plus.report.product": (
        "revenue by product category",
        f"""SELECT pt.categ_id, SUM(l.price_subtotal) FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE so.state = 'sale' AND so.date_order::date BETWEEN {YEAR} GROUP BY 1""",
    ),
    "crm_plus.report.aging": (
        "open amounts by aging bucket",
        """SELECT LEAST(GREATEST(CURRENT_DATE - date_due, 0) / 30, 4), SUM(amount_residual) FROM (
                SELECT date_due, amount_residual FROM crm_plus_plan_step
                 WHERE kind = 'payment' AND state IN ('planned', 'due', 'overdue') AND amount_residual > 0
                UNION ALL
                SELECT invoice_date_due, amount_residual FROM account_move
                 WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state IN ('not_paid', 'partial')
            ) i GROUP BY 1""",
    ),
    "crm_plus.report.dunning": (
        "collected after each level",
        """SELECT l.level_id, AVG(100.0 * GREATEST(l.amount_residual - s.amount_residual, 0)
                                   / NULLIF(l.amount_residual, 0))
             FROM crm_plus_dunning_communication_line l JOIN crm_plus_plan_step s ON s.id = l.step_id GROUP BY 1""",
    ),
    "crm_plus.report.execution": (
        "on-time rate by month",
        f"""SELECT date_trunc('month', date_due), AVG(CASE WHEN state = 'done' AND date_done <= date_due THEN 100.0
                                                         WHEN state = 'done' OR date_due < CURRENT_DATE THEN 0.0 END)
              FROM crm_plus_plan_step WHERE state <> 'cancelled' AND date_due BETWEEN {YEAR} GROUP BY 1""",
    ),
    "crm_plus.report.customer.value": (
        "revenue by customer category",
        f"""SELECT p.crm_plus_category_id, SUM(so.amount_untaxed) FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.date_order::date BETWEEN {YEAR} GROUP BY 1""",
    ),
    "crm_plus.report.staff": (
        "revenue by month and salesperson",
        f"""SELECT date_trunc('month', date_order), user_id, SUM(amount_untaxed) FROM sale_order
             WHERE state = 'sale' AND date_order::date BETWEEN {YEAR} GROUP BY 1, 2""",
    ),
    "crm_plus.report.target": (
        "revenue targets' achievement",
        """SELECT t.id, SUM(so.amount_untaxed) FROM crm_plus_target t
             JOIN sale_order so ON so.user_id = t.user_id AND so.state = 'sale'
                               AND so.date_order::date BETWEEN t.date_from AND t.date_to
            WHERE t.measure = 'revenue' AND t.date_from = date_trunc('month', CURRENT_DATE) GROUP BY t.id""",
    ),
}


def floor(cr, sql):
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        cr.execute(sql)
        cr.fetchall()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    reg = registry(args.db)
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if args.rebuild or not built(cr):
            print("building the bench data", flush=True)
            build(env)
            cr.commit()
        cr.execute("SELECT count(*) FROM crm_plus_plan_step")
        steps = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner WHERE customer_rank > 0")
        customers = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sale_order")
        orders = cr.fetchone()[0]
        print(f"data: {steps} plan steps, {customers} customers, {orders} orders", flush=True)
        # the dashboards read the reports' snapshots: refreshed here as the cron does (every 15 minutes)
        print("\n== refresh of the dashboards' snapshots (the cron's job, beside each dashboard's reads)", flush=True)
        only = {f"crm_plus_{name.strip()}_dashboard" for name in args.only.split(",") if name.strip()}
        read = {
            model
            for path in DASHBOARDS
            if not only or path.stem in only
            for model in re.findall(r'"(?:model|resModel)": "([a-z_.]+)"', path.read_text())
        }
        reports = [report for report in snapshot_models(env) if report._name in read]
        total = 0.0
        for report in reports:
            t0 = time.perf_counter()
            report._snapshot_refresh()
            dt = time.perf_counter() - t0
            total += dt
            cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(report._snapshot_table)))
            print(f"  {report._name:<34} {cr.fetchone()[0]:>9} rows {dt * 1000:10.1f} ms", flush=True)
        print(f"  {'all snapshots':<44} {total * 1000:10.1f} ms", flush=True)
        cr.commit()
        for report in reports:
            cr.execute(SQL("ANALYZE %s", SQL.identifier(report._snapshot_table)))
        manager = env["res.users"].search([("login", "=", "benchdash_manager")])
        if not manager:
            manager = env["res.users"].create(
                {
                    "name": f"{MARK} Manager",
                    "login": "benchdash_manager",
                    "group_ids": [Command.link(env.ref("sales_team.group_sale_manager").id)],
                }
            )
            cr.commit()  # kept: each dashboard's reads are rolled back after it
        seller = env["res.users"].search([("login", "=", "benchdash1")])
        slowest = {}
        for path in DASHBOARDS:
            if only and path.stem not in only:
                continue
            data = json.loads(path.read_text())
            for user in (manager, seller):
                uenv = env(user=user.id, context={"tz": "Asia/Shanghai", "lang": "en_US"})
                print(f"\n== {path.stem} as {user.name}", flush=True)
                total = 0.0
                for label, fn in reads(uenv, data):
                    dt = best_of(fn, uenv)
                    total += dt
                    model = label.rsplit("(", 1)[1][:-1]
                    slowest[model] = max(slowest.get(model, (0, ""))[0], dt), label
                    print(f"  {label[:88]:<88} {dt * 1000:8.1f} ms", flush=True)
                print(f"  {'dashboard total (reads one after the other)':<88} {total * 1000:8.1f} ms", flush=True)
            cr.rollback()
        print("\n== slowest read per report model beside a raw-SQL floor of one of its figures", flush=True)
        for model, (label, sql) in FLOORS.items():
            dt_floor = floor(cr, sql)
            dt, read = slowest.get(model, (0, ""))
            ratio = f"{dt / dt_floor:6.1f}x" if dt_floor else ""
            print(f"  {model:<34} slowest read {dt * 1000:8.1f} ms | floor ({label}) {dt_floor * 1000:7.1f} ms {ratio}")
        print(f"\nmedian of the reads: {statistics.median(v[0] for v in slowest.values()) * 1000:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
