"""Dunning vs OCA account_credit_control: the same overdue posted invoices, both runs in one bench run.

    python bench/dunning_vs_oca.py --db <database> [--customers 15000 --per-customer 10] [--small 1]

Builds N customers with overdue posted customer invoices (one receivable line each; 15,000 customers and
150,000 lines at full size, ``--small 1``: 300 and 3,000) by copying one posted invoice in SQL (rows named
``BenchOCA ...``, removed first), then measures, each in its own process (peak memory is the process's):

* ours: ``crm_plus.dunning.run._run(commit=True)`` on those customers: selection, levels, communications and
  items (exactly-once keys), queued mails, commits per batch of 1,000 items;
* OCA's credit-control run (``credit.control.run.generate_credit_lines``) on the same lines: its credit
  control lines (OCA makes its communications and emails later, from the lines);
* a raw-SQL floor: the overdue receivable lines with their level, inserted into a table, in one statement.

Prints seconds, queries per 1,000 items and peak memory for each, and ours against OCA per item and against
the floor. OCA's ``account_credit_control`` 19.0 (its wheel from PyPI, bench/requirements.txt) is installed
in the bench database only (tools/bench.sh), never a dependency of the addons; without it, OCA's figures
are skipped.
"""

import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from datetime import timedelta

from _common import parse_args
from _common import registry

args = parse_args(
    __doc__.splitlines()[0],
    customers=(15_000, "customers with overdue invoices"),
    per_customer=(10, "overdue invoice lines per customer"),
    small=(0, "1: 300 customers x 10 lines"),
    only=("", "internal: run one measurement (ours, oca, floor) and print it as JSON"),
)
if args.small:
    args.customers = 300

from odoo import SUPERUSER_ID  # noqa: E402
from odoo import Command  # noqa: E402
from odoo import api  # noqa: E402
from odoo.sql_db import Cursor  # noqa: E402
from odoo.tools import SQL  # noqa: E402

TAG = "BenchOCA"
today = date.today()
reg = registry(args.db)


def env_for(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def has_oca(cr):
    cr.execute("SELECT 1 FROM ir_module_module WHERE name = 'account_credit_control' AND state = 'installed'")
    return bool(cr.fetchone())


# ------------------------------------------------------------------ data


def cleanup(cr):
    cr.execute(SQL("SELECT id FROM res_partner WHERE name LIKE %s", f"{TAG} %"))
    partners = tuple(r[0] for r in cr.fetchall())
    if partners:
        print(f"removing previous bench data ({len(partners)} customers)", flush=True)
        cr.execute(SQL("SELECT id FROM crm_plus_dunning_communication WHERE partner_id IN %s", partners))
        comms = tuple(r[0] for r in cr.fetchall()) or (0,)
        cr.execute(SQL("DELETE FROM mail_mail WHERE model = 'crm_plus.dunning.communication' AND res_id IN %s", comms))
        cr.execute(
            SQL("DELETE FROM mail_message WHERE model = 'crm_plus.dunning.communication' AND res_id IN %s", comms)
        )
        cr.execute(
            SQL("DELETE FROM mail_activity WHERE res_model = 'crm_plus.dunning.communication' AND res_id IN %s", comms)
        )
        cr.execute(SQL("DELETE FROM crm_plus_dunning_communication WHERE id IN %s", comms))
        if has_oca(cr):
            cr.execute(SQL("DELETE FROM credit_control_line WHERE partner_id IN %s", partners))
            cr.execute(SQL("DELETE FROM credit_control_communication WHERE partner_id IN %s", partners))
        cr.execute(SQL("SELECT id FROM account_move WHERE commercial_partner_id IN %s", partners))
        moves = tuple(r[0] for r in cr.fetchall()) or (0,)
        cr.execute(SQL("DELETE FROM account_move_line WHERE move_id IN %s", moves))
        cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", moves))
        cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", partners))
    if has_oca(cr):
        cr.execute("DELETE FROM credit_control_run WHERE id IN (SELECT run_id FROM credit_control_line) IS NOT TRUE")
        cr.execute(
            SQL(
                "UPDATE res_company SET credit_policy_id = NULL WHERE credit_policy_id IN "
                "(SELECT id FROM credit_control_policy WHERE name = %s)",
                f"{TAG} policy",
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM credit_control_policy_level WHERE policy_id IN "
                "(SELECT id FROM credit_control_policy WHERE name = %s)",
                f"{TAG} policy",
            )
        )
        cr.execute(SQL("DELETE FROM credit_control_policy WHERE name = %s", f"{TAG} policy"))
    cr.execute(
        SQL(
            "DELETE FROM crm_plus_dunning_level WHERE policy_id IN "
            "(SELECT id FROM crm_plus_dunning_policy WHERE name->>'en_US' = %s)",
            f"{TAG} policy",
        )
    )
    cr.execute(SQL("DELETE FROM crm_plus_dunning_policy WHERE name->>'en_US' = %s", f"{TAG} policy"))


def clone(cr, table, template_sql, overrides, extra_from=""):
    """INSERT INTO table a copy of the rows of ``template_sql`` with ``overrides`` {column: SQL expression}."""
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'"
            " ORDER BY ordinal_position",
            table,
        )
    )
    columns = [r[0] for r in cr.fetchall()]
    select = ", ".join(overrides.get(column, f"t.{column}") for column in columns)
    cr.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {template_sql} t {extra_from}")
    return cr.rowcount


def build(cr):
    env = env_for(cr)
    company = env.company
    template_mail = env.ref("crm_plus.mail_template_dunning")
    policy = env["crm_plus.dunning.policy"].create(
        {
            "name": f"{TAG} policy",
            "level_ids": [
                Command.create(
                    {"name": "L1", "days_overdue": 3, "channel_email": True, "mail_template_id": template_mail.id}
                ),
                Command.create(
                    {"name": "L2", "days_overdue": 15, "channel_email": True, "mail_template_id": template_mail.id}
                ),
                Command.create(
                    {"name": "L3", "days_overdue": 30, "channel_email": True, "mail_template_id": template_mail.id}
                ),
            ],
        }
    )
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1)
    seed = env["res.partner"].create(
        {"name": f"{TAG} seed", "is_company": True, "email": "seed@bench.example.com", "lang": "en_US"}
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": seed.id,
            "invoice_date": today - timedelta(days=40),
            "invoice_date_due": today - timedelta(days=35),
            "invoice_line_ids": [
                Command.create({"product_id": product.id, "quantity": 1, "price_unit": 100.0, "tax_ids": []})
            ],
        }
    )
    invoice.action_post()
    env.flush_all()
    t0 = time.perf_counter()
    # customers: copies of the seed partner
    clone(
        cr,
        "res_partner",
        f"(SELECT * FROM res_partner WHERE id = {seed.id})",
        {
            "name": f"'{TAG} ' || g",
            "complete_name": f"'{TAG} ' || g",
            "email": "'c' || g || '@bench.example.com'",
            "crm_plus_dunning_policy_id": str(policy.id),
        },
        f"CROSS JOIN generate_series(1, {args.customers}) g",
    )
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE %s AND id <> %s",
            f"{TAG} %",
            seed.id,
        )
    )
    # invoices: copies of the seed invoice, per customer and line, due 4..37 days ago
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_oca_moves AS SELECT p.id AS partner_id, k, row_number() OVER () AS n"
            " FROM res_partner p CROSS JOIN generate_series(1, %s) k WHERE p.name LIKE %s AND p.id <> %s",
            args.per_customer,
            f"{TAG} %",
            seed.id,
        )
    )
    due = f"(DATE '{today}' - (4 + (c.k - 1) * 3 + (c.partner_id % 3)))"
    clone(
        cr,
        "account_move",
        f"(SELECT * FROM account_move WHERE id = {invoice.id})",
        {
            "name": f"'{TAG}/' || c.n",
            "partner_id": "c.partner_id",
            "commercial_partner_id": "c.partner_id",
            "invoice_date_due": due,
            "ref": "c.n::text",
            "sequence_number": "c.n",
            "sequence_prefix": f"'{TAG}/'",
        },
        "CROSS JOIN bench_oca_moves c",
    )
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_oca_new AS SELECT m.id AS move_id, m.partner_id, m.invoice_date_due"
            " FROM account_move m WHERE m.sequence_prefix = %s",
            f"{TAG}/",
        )
    )
    lines = clone(
        cr,
        "account_move_line",
        f"(SELECT * FROM account_move_line WHERE move_id = {invoice.id})",
        {
            "move_id": "c.move_id",
            "partner_id": "c.partner_id",
            "move_name": f"'{TAG}'",
            "date_maturity": "CASE WHEN t.date_maturity IS NOT NULL THEN c.invoice_date_due END",
        },
        "CROSS JOIN bench_oca_new c",
    )
    cr.execute(SQL("DELETE FROM account_move_line WHERE move_id = %s", invoice.id))
    cr.execute(SQL("DELETE FROM account_move WHERE id = %s", invoice.id))
    cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", seed.id))
    cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line")
    env.invalidate_all()
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)], limit=1
    )
    if has_oca(cr):
        oca_template = env.ref("account_credit_control.email_template_credit_control_base", raise_if_not_found=False)
        oca_policy = env["credit.control.policy"].create(
            {
                "name": f"{TAG} policy",
                "account_ids": [Command.set(receivable.ids)],
                "company_id": company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": name,
                            "level": level,
                            "computation_mode": "net_days",
                            "delay_days": days,
                            "channel": "email",
                            "email_template_id": oca_template.id,
                            "custom_text": name,
                        }
                    )
                    for level, (name, days) in enumerate((("L1", 3), ("L2", 15), ("L3", 30)), start=1)
                ],
            }
        )
        company.credit_policy_id = oca_policy
    print(
        f"built {args.customers} customers, {args.customers * args.per_customer} overdue invoices "
        f"({lines} move lines) in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )


# ------------------------------------------------------------ measurements


def measure(kind):
    """Run one system in this process; return seconds, queries, items, peak memory (MB)."""
    queries = [0]
    execute = Cursor.execute

    def counting(cr, query, params=None, log_exceptions=True):
        queries[0] += 1
        return execute(cr, query, params, log_exceptions)

    with reg.cursor() as cr:
        env = env_for(cr)
        cr.execute(SQL("SELECT array_agg(id) FROM res_partner WHERE name LIKE %s", f"{TAG} %"))
        partner_ids = cr.fetchone()[0]
        cr.commit()
        Cursor.execute = counting
        t0 = time.perf_counter()
        try:
            if kind == "ours":
                env["crm_plus.dunning.run"]._run(commit=True, partner_ids=partner_ids)
            elif kind == "oca":
                run = env["credit.control.run"].create(
                    {"date": today, "policy_ids": [Command.set(env.company.credit_policy_id.ids)]}
                )
                run.generate_credit_lines()
                cr.commit()
            else:
                cr.execute(
                    SQL(
                        """
                        CREATE TABLE IF NOT EXISTS bench_oca_floor
                               (move_line_id integer, partner_id integer, level_days integer, residual numeric);
                        TRUNCATE bench_oca_floor;
                        INSERT INTO bench_oca_floor
                        SELECT aml.id, am.commercial_partner_id, lv.days_overdue, aml.amount_residual
                          FROM account_move_line aml
                          JOIN account_move am ON am.id = aml.move_id
                          JOIN account_account acc ON acc.id = aml.account_id
                          JOIN res_partner p ON p.id = am.commercial_partner_id
                          JOIN LATERAL (SELECT l.days_overdue FROM crm_plus_dunning_level l
                                         WHERE l.policy_id = p.crm_plus_dunning_policy_id
                                           AND l.days_overdue <= %(today)s::date - aml.date_maturity
                                      ORDER BY l.days_overdue DESC LIMIT 1) lv ON TRUE
                         WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
                           AND aml.amount_residual > 0 AND aml.date_maturity < %(today)s::date
                           AND am.commercial_partner_id = ANY(%(partners)s)
                        """,
                        today=today,
                        partners=partner_ids,
                    )
                )
                cr.commit()
        finally:
            Cursor.execute = execute
        seconds = time.perf_counter() - t0
        if kind == "ours":
            cr.execute(
                SQL(
                    "SELECT count(*) FROM crm_plus_dunning_communication_line l JOIN crm_plus_dunning_communication c"
                    " ON c.id = l.communication_id WHERE c.partner_id = ANY(%s)",
                    partner_ids,
                )
            )
        elif kind == "oca":
            cr.execute(SQL("SELECT count(*) FROM credit_control_line WHERE partner_id = ANY(%s)", partner_ids))
        else:
            cr.execute("SELECT count(*) FROM bench_oca_floor")
        items = cr.fetchone()[0]
        if kind == "floor":
            cr.execute("DROP TABLE bench_oca_floor")
            cr.commit()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "queries": queries[0], "items": items, "peak_mb": peak}


if args.only:
    print(json.dumps(measure(args.only)))
    sys.exit(0)

with reg.cursor() as cr:
    cleanup(cr)
    build(cr)
    cr.commit()
    oca = has_oca(cr)

results = {}
for kind in ("floor", "ours", "oca") if oca else ("floor", "ours"):
    command = [sys.executable, __file__, "--db", args.db, "--only", kind, "--customers", str(args.customers)]
    command += ["--per-customer", str(args.per_customer)]
    out = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if out.returncode:
        print(f"{kind} failed:\n{out.stderr[-3000:]}", flush=True)
        continue
    results[kind] = json.loads(out.stdout.strip().splitlines()[-1])

labels = {"floor": "raw-SQL floor (one INSERT ... SELECT)", "ours": "crm_plus dunning run", "oca": "OCA credit control"}
print(f"{'':<40} {'seconds':>9} {'items':>8} {'ms/item':>8} {'queries/1000':>13} {'peak MB':>8}")
for kind, figures in results.items():
    per_item = figures["seconds"] * 1000 / max(figures["items"], 1)
    per_thousand = figures["queries"] * 1000 / max(figures["items"], 1)
    print(
        f"{labels[kind]:<40} {figures['seconds']:9.2f} {figures['items']:8d} {per_item:8.3f} "
        f"{per_thousand:13.1f} {figures['peak_mb']:8.0f}",
        flush=True,
    )
if "ours" in results:
    ours = results["ours"]["seconds"] / max(results["ours"]["items"], 1)
    floor = results["floor"]["seconds"] / max(results["floor"]["items"], 1)
    print(f"ours vs the raw-SQL floor: {ours / floor:.1f}x the floor's time per item", flush=True)
    if "oca" in results:
        theirs = results["oca"]["seconds"] / max(results["oca"]["items"], 1)
        print(f"ours vs OCA credit control: {theirs / ours:.1f}x faster per item", flush=True)
    else:
        print("OCA account_credit_control is not installed in this database: its figures are skipped", flush=True)

with reg.cursor() as cr:
    cleanup(cr)
    cr.commit()
