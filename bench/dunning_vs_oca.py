"""Dunning beside OCA account_credit_control, on the same overdue invoices, in one run.

    python bench/dunning_vs_oca.py --db <database> [--small 1] [--customers 15000 --per-customer 10]

Runs on its own database ``<database>_oca`` (created when absent): both addons and OCA's
``account_credit_control`` 19.0, whose wheel (PyPI) is installed into the virtualenv when missing. It is never
a dependency of the addons: only this bench database has it.

Data, built with SQL (copies of a customer and of an invoice posted through the ORM; kept between runs):
N customers (15,000; ``--small 1``: 1,500) with K posted customer invoices each (10: 150,000 overdue
receivable lines), due 10 to 59 days ago, nothing paid. Each side gets one policy with one level, "10 days
after the due date, email", on every customer: the same work.

Each system runs in its own process (its peak memory is its own), the results of the other one removed first:

* crm_plus: ``crm_plus.dunning.run._run(commit=True)``, the scheduled job: selection, states, communications
  with their items, queued mails, a commit per batch; on all customers, then on the first ``--oca-customers``;
* crm_plus with its dispatch worker: the same run, and beside it, in a second process, what a second cron worker
  does when the run wakes the dispatch job (``_cron_dispatch``: it mails the batches already committed while the
  run writes the next ones); timed from the run's start until both are done (Odoo runs two cron workers by
  default; in multi-process mode each is a process, so each may have a core);
* OCA: what its "Credit Control Run" buttons do: ``generate_credit_lines``, ``set_to_ready_lines``,
  ``run_channel_action`` (communications and their emails), then one commit; on the first ``--oca-customers``
  customers only (default 100: about half a second per item on the 2-core machine, the full size would take
  about a day), the same lines as crm_plus's second run;
* floor: raw SQL inserting one communication per customer and one item per overdue line (no mail).

Printed for each: seconds, queries, items, queries per 1,000 items, peak RSS over the process's RSS once Odoo
is loaded; then the ratios. Targets (issue #15): crm_plus ≤ 60 s at full size on the 2-core machine, ≥ 20 times
faster per item than OCA, ≤ 10 queries per 1,000 items.
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from _common import ODOO_SRC
from _common import REPO
from _common import clone
from _common import max_rss_mb
from _common import parse_args
from _common import registry

args = parse_args(
    __doc__.splitlines()[0],
    customers=(15_000, "customers with overdue invoices"),
    per_customer=(10, "overdue invoices per customer"),
    small=(0, "1: a tenth of the size (1,500 customers, 15,000 lines)"),
    oca_customers=(100, "customers OCA's run (and ours, beside it) works on: OCA takes about 0.5 s per item"),
    rebuild=(0, "1: build the bench data again"),
    phase=("", "internal: run one system (ours, oca, floor) and print its figures"),
)
if args.small:
    args.customers //= 10
MARK = "BenchOCA"
OCA_WHEEL = "odoo-addon-account_credit_control==19.0.1.0.0.13"
DB = args.db if args.db.endswith("_oca") else f"{args.db}_oca"
USER = os.environ.get("ODOO_DB_USER") or (
    "crm_plus" if os.environ.get("PGUSER", "postgres") == "postgres" else os.environ["PGUSER"]
)


# ------------------------------------------------------------------------------------------- database
def ensure_database():
    """The OCA addon in the virtualenv and a database with both addons and it."""
    try:
        import odoo.addons.account_credit_control  # noqa: F401
    except ImportError:
        print(f"installing {OCA_WHEEL} into the virtualenv (bench only)", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", OCA_WHEEL], check=True)
    import psycopg2

    cn = psycopg2.connect(dbname="postgres")
    with cn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB])
        exists = cr.fetchone()
    cn.close()
    action = "-u" if exists else "-i"
    print(f"{'upgrading' if exists else 'creating'} {DB} (crm_plus, crm_plus_oa_bridge, account_credit_control)")
    subprocess.run(
        [
            sys.executable,
            f"{ODOO_SRC}/odoo-bin",
            f"--addons-path={ODOO_SRC}/addons,{REPO}/addons",
            f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
            f"--db_port={os.environ.get('PGPORT', '5432')}",
            f"--db_user={USER}",
            "-d",
            DB,
            action,
            "crm_plus,crm_plus_oa_bridge,account_credit_control",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )


def env_for(cr):
    from odoo import SUPERUSER_ID
    from odoo import api

    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})


# ---------------------------------------------------------------------------------------------- data
def partner_ids(cr):
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE name LIKE %s", [f"{MARK} C %"])
    return cr.fetchone()[0] or []


def overdue_lines(cr):
    cr.execute(
        """SELECT count(*) FROM account_move_line l JOIN res_partner p ON p.id = l.partner_id
            WHERE p.name LIKE %s AND l.date_maturity IS NOT NULL""",
        [f"{MARK} C %"],
    )
    return cr.fetchone()[0]


def clear_results(cr):
    """Remove what either system made from the bench lines (so each starts from the same state)."""
    partners = tuple(partner_ids(cr)) or (0,)
    cr.execute("SELECT id, mail_id FROM crm_plus_dunning_communication WHERE partner_id IN %s", [partners])
    rows = cr.fetchall()
    comms = tuple(r[0] for r in rows) or (0,)
    mails = tuple(r[1] for r in rows if r[1]) or (0,)
    cr.execute("DELETE FROM mail_mail WHERE id IN %s", [mails])
    cr.execute("DELETE FROM mail_message WHERE model = 'crm_plus.dunning.communication' AND res_id IN %s", [comms])
    cr.execute("DELETE FROM crm_plus_dunning_communication WHERE id IN %s", [comms])
    cr.execute("UPDATE res_partner SET crm_plus_dunning_level_id = NULL WHERE id IN %s", [partners])
    cr.execute("SELECT id FROM credit_control_communication WHERE partner_id IN %s", [partners])
    occ = tuple(r[0] for r in cr.fetchall()) or (0,)
    cr.execute(
        """DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM mail_message
            WHERE model = 'credit.control.communication' AND res_id IN %s)""",
        [occ],
    )
    cr.execute("DELETE FROM mail_message WHERE model = 'credit.control.communication' AND res_id IN %s", [occ])
    cr.execute("DELETE FROM credit_control_line WHERE partner_id IN %s", [partners])
    cr.execute("DELETE FROM credit_control_communication WHERE id IN %s", [occ])
    cr.execute("DELETE FROM credit_control_run")
    cr.execute(
        """DELETE FROM ir_cron_trigger WHERE cron_id IN (
               SELECT res_id FROM ir_model_data WHERE module = 'crm_plus' AND name = 'ir_cron_dunning_dispatch')"""
    )
    if table_exists(cr, f"{MARK.lower()}_floor_item"):
        cr.execute(f"DELETE FROM {MARK.lower()}_floor_item")


def table_exists(cr, name):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cr.fetchone()[0]


def remove_data(cr):
    clear_results(cr)
    partners = tuple(partner_ids(cr)) or (0,)
    cr.execute("SELECT id FROM account_move WHERE partner_id IN %s", [partners])
    moves = tuple(r[0] for r in cr.fetchall()) or (0,)
    cr.execute("DELETE FROM mail_message WHERE model = 'account.move' AND res_id IN %s", [moves])
    cr.execute("DELETE FROM account_move_line WHERE move_id IN %s", [moves])
    cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
    cr.execute("DELETE FROM res_partner WHERE id IN %s", [partners])
    cr.execute("DELETE FROM crm_plus_dunning_policy WHERE name->>'en_US' = %s", [f"{MARK} policy"])
    cr.execute("DELETE FROM credit_control_policy WHERE name = %s", [f"{MARK} policy"])


def build(env):
    from odoo import Command
    from odoo import fields

    cr = env.cr
    n, k = args.customers, args.per_customer
    today = fields.Date.context_today(env["res.partner"])
    company = env.company
    if not env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", company.id)]):
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    template = env["res.partner"].create({"name": f"{MARK} C 0", "is_company": True, "email": "c0@bench.example.com"})
    receivable = template.property_account_receivable_id
    ours = env["crm_plus.dunning.policy"].create(
        {
            "name": f"{MARK} policy",
            "company_id": company.id,
            "level_ids": [
                Command.create(
                    {
                        "name": "10 days",
                        "days_overdue": 10,
                        "channel_email": True,
                        "mail_template_id": env.ref("crm_plus.mail_template_dunning").id,
                    }
                )
            ],
        }
    )
    oca = env["credit.control.policy"].create(
        {
            "name": f"{MARK} policy",
            "company_id": company.id,
            "account_ids": [Command.set(receivable.ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": "10 days",
                        "level": 1,
                        "computation_mode": "net_days",
                        "delay_days": 10,
                        "channel": "email",
                        "email_template_id": env.ref("account_credit_control.email_template_credit_control_base").id,
                        "custom_text": "Please pay.",
                        "custom_mail_text": "<p>Please pay.</p>",
                    }
                )
            ],
        }
    )
    company.credit_policy_id = oca
    template.write({"crm_plus_dunning_policy_id": ours.id, "credit_policy_id": oca.id})
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": template.id,
            "invoice_date": today - timedelta(days=60),
            "invoice_line_ids": [
                Command.create({"name": "Bench service", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
            ],
        }
    )
    invoice.invoice_date_due = today - timedelta(days=10)
    invoice.action_post()
    env.flush_all()
    # customers: copies of the template customer (g = 1 .. n-1)
    p0 = clone(
        cr,
        "res_partner",
        template.id,
        n - 1,
        {
            "name": f"'{MARK} C ' || g",
            "complete_name": f"'{MARK} C ' || g",
            "email": "'c' || g || '@bench.example.com'",
            "commercial_partner_id": "{nid}",
        },
    )
    who = f"(CASE WHEN g % {n} = 0 THEN {template.id} ELSE {p0} + g % {n} END)"
    due = f"(DATE '{today}' - 10 - (g % 50))"
    m0 = clone(
        cr,
        "account_move",
        invoice.id,
        n * k,
        {
            "name": f"'{MARK}/' || g",
            "payment_reference": f"'{MARK}/' || g",
            "partner_id": who,
            "commercial_partner_id": who,
            "invoice_date_due": due,
        },
    )
    for line in invoice.line_ids:
        overrides = {"move_id": f"{m0} + g", "move_name": f"'{MARK}/' || g", "partner_id": who}
        if line.date_maturity:
            overrides["date_maturity"] = due
        clone(cr, "account_move_line", line.id, n * k, overrides)
    cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line")
    cr.commit()


# --------------------------------------------------------------------------------------------- phases
QUERIES = Counter()


def counting(original):
    def execute(self, query, params=None, log_exceptions=True):
        QUERIES["all"] += 1
        return original(self, query, params, log_exceptions)

    return execute


def run_ours(env, partners=None):
    env["crm_plus.dunning.run"]._run(commit=True, partner_ids=partners)
    env.cr.execute(
        """SELECT count(*) FROM crm_plus_dunning_communication_line k
             JOIN crm_plus_dunning_communication c ON c.id = k.communication_id
             JOIN res_partner p ON p.id = c.partner_id WHERE p.name LIKE %s""",
        [f"{MARK} C %"],
    )
    return env.cr.fetchone()[0]


def run_dispatch_worker(env):
    """A second cron worker: waits for the run to wake the dispatch job, then runs it (returns no items)."""
    cron = env.ref("crm_plus.ir_cron_dunning_dispatch")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])
        if env.cr.fetchall():
            env.cr.commit()
            QUERIES["started"] = time.time()
            env["crm_plus.dunning.run"]._cron_dispatch()
            return 0
        env.cr.rollback()
        time.sleep(0.05)
    raise RuntimeError("the run never woke the dispatch job")


def run_ours_sample(env):
    return run_ours(env, sample(env.cr))


def sample(cr):
    """The customers both systems work on side by side: OCA's run is too slow for all of them."""
    return partner_ids(cr)[: args.oca_customers]


def prepare_oca_sample(env):
    """OCA's run on the sample only: the company's default policy does nothing, the sample has the bench's."""
    cr = env.cr
    policy = env["credit.control.policy"].search([("name", "=", f"{MARK} policy")], limit=1)
    env.company.credit_policy_id = env.ref("account_credit_control.credit_control_no_follow")
    cr.execute("UPDATE res_partner SET credit_policy_id = NULL WHERE name LIKE %s", [f"{MARK} C %"])
    cr.execute("UPDATE res_partner SET credit_policy_id = %s WHERE id = ANY(%s)", [policy.id, sample(cr)])
    env.invalidate_all()
    return policy


def run_oca(env):
    from odoo import fields

    policy = prepare_oca_sample(env)
    env.cr.commit()
    today = fields.Date.context_today(env["res.partner"])
    run = env["credit.control.run"].create({"date": today, "policy_ids": [(6, 0, policy.ids)]})
    run.generate_credit_lines()
    run.set_to_ready_lines()
    run.run_channel_action()
    env.cr.commit()
    return len(run.line_ids)


def run_floor(env):
    """One communication per customer, one item per overdue line, in two set-based INSERTs."""
    cr = env.cr
    cr.execute(f"CREATE TABLE IF NOT EXISTS {MARK.lower()}_floor_comm (id serial, partner_id int, amount numeric)")
    cr.execute(f"CREATE TABLE IF NOT EXISTS {MARK.lower()}_floor_item (comm_id int, line_id int, amount numeric)")
    cr.execute(f"TRUNCATE {MARK.lower()}_floor_comm")
    cr.execute(
        f"""WITH due AS (
                SELECT l.id, l.partner_id, l.amount_residual FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                 WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted' AND NOT l.reconciled
                   AND l.date_maturity <= CURRENT_DATE - 10 AND l.amount_residual > 0),
            comm AS (INSERT INTO {MARK.lower()}_floor_comm (partner_id, amount)
                     SELECT partner_id, sum(amount_residual) FROM due GROUP BY partner_id RETURNING id, partner_id)
            INSERT INTO {MARK.lower()}_floor_item SELECT comm.id, due.id, due.amount_residual
              FROM due JOIN comm ON comm.partner_id = due.partner_id"""
    )
    items = cr.rowcount
    cr.commit()
    return items


def phase(name):
    """Run one system in this process; print its figures as JSON."""
    from odoo.sql_db import Cursor

    reg = registry(DB)
    with reg.cursor() as cr:
        env_for(cr)["res.partner"].search([], limit=1)  # warm the registry's caches
    base_rss = max_rss_mb()
    with reg.cursor() as cr, patch.object(Cursor, "execute", counting(Cursor.execute)):
        env = env_for(cr)
        t0, start = time.perf_counter(), time.time()
        work = {
            "ours": run_ours,
            "ours_two": run_ours,
            "ours_worker": run_dispatch_worker,
            "ours_sample": run_ours_sample,
            "oca": run_oca,
            "floor": run_floor,
        }[name]
        items = work(env)
        seconds = time.perf_counter() - t0
    figures = {"seconds": seconds, "queries": QUERIES["all"], "items": items, "rss_mb": max_rss_mb() - base_rss}
    print(json.dumps({**figures, "start": QUERIES.get("started", start), "end": time.time()}))


def main():
    ensure_database()
    reg = registry(DB)
    with reg.cursor() as cr:
        env = env_for(cr)
        expected = args.customers * args.per_customer + 1  # the copies and the invoice they copy
        if args.rebuild or len(partner_ids(cr)) != args.customers or overdue_lines(cr) != expected:
            print(f"building {args.customers} customers x {args.per_customer} overdue invoices", flush=True)
            remove_data(cr)
            cr.commit()
            t0 = time.perf_counter()
            build(env)
            print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
        lines = overdue_lines(cr)
    print(f"{args.customers} customers, {lines} overdue receivable lines (database {DB})", flush=True)
    figures = {}
    size = ["--customers", str(args.customers), "--per-customer", str(args.per_customer)]
    size += ["--oca-customers", str(args.oca_customers)]
    for name in ("floor", "ours", "ours_two", "ours_sample", "oca"):
        with reg.cursor() as cr:
            clear_results(cr)
            cr.commit()
        names = ["ours_worker", name] if name == "ours_two" else [name]
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--db", DB, "--phase", each, *size],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for each in names
        ]
        results = {}
        for each, proc in zip(names, procs, strict=True):
            stdout, stderr = proc.communicate()
            result = [ln for ln in stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not result:
                print(f"{each} failed:\n{stderr[-3000:]}", flush=True)
                continue
            results[each] = json.loads(result[-1])
        if len(results) != len(names):
            continue
        if name == "ours_two":
            run, worker = results["ours_two"], results["ours_worker"]
            figures[name] = {
                # from the run's start until the later of the two is done
                "seconds": max(run["end"], worker["end"]) - run["start"],
                "queries": run["queries"] + worker["queries"],
                "items": run["items"],
                "rss_mb": max(run["rss_mb"], worker["rss_mb"]),
            }
            print(
                f"  (the run {run['seconds']:.1f} s, {run['queries']} queries; the dispatch worker from its wake-up "
                f"{worker['end'] - worker['start']:.1f} s, {worker['queries']} queries)",
                flush=True,
            )
        else:
            figures[name] = results[name]
    labels = {
        "floor": "raw SQL floor (all customers)",
        "ours": "crm_plus dunning run (all customers)",
        "ours_two": "crm_plus, run + dispatch worker",
        "ours_sample": f"crm_plus, first {args.oca_customers} customers",
        "oca": f"OCA's run, the same {args.oca_customers} customers",
    }
    print(f"{'':34} {'seconds':>9} {'items':>9} {'ms/item':>9} {'queries':>9} {'q/1000 items':>13} {'peak MB':>8}")
    for name, fig in figures.items():
        per_item = fig["seconds"] * 1000 / fig["items"] if fig["items"] else float("nan")
        per_k = fig["queries"] * 1000 / fig["items"] if fig["items"] else float("nan")
        print(
            f"{labels[name]:34} {fig['seconds']:9.2f} {fig['items']:9d} {per_item:9.3f} {fig['queries']:9d} "
            f"{per_k:13.1f} {fig['rss_mb']:8.0f}",
            flush=True,
        )
    ours, oca, floor = figures.get("ours"), figures.get("oca"), figures.get("floor")
    beside = figures.get("ours_sample")
    if beside and oca and beside["items"] and oca["items"]:
        ratio = (oca["seconds"] / oca["items"]) / (beside["seconds"] / beside["items"])
        print(f"on the same lines crm_plus is {ratio:.1f}x faster per item than OCA's run (target >= 20x)", flush=True)
    if ours and oca and ours["items"] and oca["items"]:
        ratio = (oca["seconds"] / oca["items"]) / (ours["seconds"] / ours["items"])
        print(f"crm_plus's whole run per item is {ratio:.1f}x faster than OCA's per item", flush=True)
    if ours and ours["items"]:
        print(
            f"crm_plus, all customers: {ours['seconds']:.1f} s (target <= 60 s at full size), "
            f"{ours['queries'] * 1000 / ours['items']:.1f} queries per 1,000 items (target <= 10)",
            flush=True,
        )
    two = figures.get("ours_two")
    if two and two["items"]:
        print(
            f"crm_plus, all customers, run + dispatch worker (two cron workers): {two['seconds']:.1f} s "
            f"(target <= 60 s), {two['queries'] * 1000 / two['items']:.1f} queries per 1,000 items (target <= 10)",
            flush=True,
        )
    if ours and floor and floor["seconds"]:
        print(f"crm_plus takes {ours['seconds'] / floor['seconds']:.1f}x the raw-SQL floor", flush=True)
    if ours and ours["items"] != (floor or {}).get("items", ours["items"]):
        print(f"NOTE: crm_plus dunned {ours['items']} items, the floor counts {floor['items']}", flush=True)


if __name__ == "__main__":
    if args.phase:
        phase(args.phase)
    else:
        main()
