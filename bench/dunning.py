"""Dunning bench: 1,000,000 plan steps, 150,000 overdue across 15,000 customers.

    python bench/dunning.py --db <database> [--steps 1000000 --customers 15000 --per-customer 10]

Builds the data with SQL (bench rows are named ``BenchDun ...`` and removed first), then measures,
each beside a raw-SQL floor measured in the same run:

* selection of the work (customers and pending keys) vs. a bare GROUP BY over overdue steps;
* state updates (steps due -> overdue by the plan cron, customers' levels) vs. bare UPDATEs;
* the whole run (reminders, locking, inserting keys, communications, rendering and queueing mails,
  activities, commits per batch of 1,000 steps) vs. set-based INSERTs of the same communications,
  items and mail rows;
* per batch: max time, queries (and how many of them are INSERTs), peak memory;
* the PDF statements, which the mail queue renders when sending (never the run): one wkhtmltopdf call
  per mail vs. one call for a queue batch of mails.
"""

import threading
import time
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from unittest.mock import patch

from _common import max_rss_mb
from _common import parse_args
from _common import registry
from _common import timed

args = parse_args(
    __doc__.splitlines()[0],
    steps=(1_000_000, "plan steps in total"),
    customers=(15_000, "customers with overdue steps"),
    per_customer=(10, "overdue steps per customer"),
    batch=(1000, "steps per batch"),
    pdf_sample=(10, "statements rendered one by one; ten times as many in one chunk"),
    keep=(0, "1: keep the bench data"),
    profile=(0, "1: cProfile the whole run (top functions printed)"),
)

from odoo import SUPERUSER_ID  # noqa: E402
from odoo import api  # noqa: E402
from odoo.sql_db import Cursor  # noqa: E402
from odoo.tools import SQL  # noqa: E402

reg = registry(args.db)
today = date.today()
results = {}
STEPS_PER_ORDER = 10
orders_total = args.steps // STEPS_PER_ORDER
overdue_orders = args.customers  # one order of `per_customer` overdue steps per overdue customer
assert args.per_customer == STEPS_PER_ORDER, "one overdue order per customer: per-customer = 10"
other_customers = args.customers


def env_for(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def cleanup(cr):
    cr.execute("SELECT id FROM res_partner WHERE name LIKE 'BenchDun %'")
    partners = tuple(r[0] for r in cr.fetchall())
    if not partners:
        return
    print(f"removing previous bench data ({len(partners)} customers)", flush=True)
    cr.execute(SQL("SELECT id FROM crm_plus_dunning_communication WHERE partner_id IN %s", partners))
    comms = tuple(r[0] for r in cr.fetchall()) or (0,)
    cr.execute(SQL("SELECT mail_id FROM crm_plus_dunning_communication WHERE id IN %s AND mail_id IS NOT NULL", comms))
    mails = tuple(r[0] for r in cr.fetchall()) or (0,)
    cr.execute(
        SQL("DELETE FROM mail_activity WHERE res_model = 'crm_plus.dunning.communication' AND res_id IN %s", comms)
    )
    cr.execute(SQL("DELETE FROM mail_mail WHERE id IN %s", mails))
    cr.execute(SQL("DELETE FROM mail_message WHERE model = 'crm_plus.dunning.communication' AND res_id IN %s", comms))
    cr.execute(SQL("DELETE FROM crm_plus_dunning_communication WHERE id IN %s", comms))
    cr.execute(SQL("SELECT id FROM crm_plus_plan_step WHERE partner_id IN %s", partners))
    steps = tuple(r[0] for r in cr.fetchall()) or (0,)
    cr.execute(SQL("SELECT id, mail_id FROM crm_plus_dunning_reminder WHERE step_id IN %s", steps))
    reminder_rows = cr.fetchall()
    reminders = tuple(r[0] for r in reminder_rows) or (0,)
    rmails = tuple(r[1] for r in reminder_rows if r[1]) or (0,)
    cr.execute(SQL("DELETE FROM mail_mail WHERE id IN %s", rmails))
    cr.execute(SQL("DELETE FROM mail_message WHERE model = 'crm_plus.dunning.reminder' AND res_id IN %s", reminders))
    cr.execute(SQL("DELETE FROM crm_plus_dunning_reminder WHERE id IN %s", reminders))
    cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'crm_plus.plan.step' AND res_id IN %s", steps))
    cr.execute(SQL("DELETE FROM crm_plus_plan_step WHERE partner_id IN %s", partners))
    cr.execute(SQL("DELETE FROM crm_plus_plan WHERE partner_id IN %s", partners))
    cr.execute(SQL("DELETE FROM sale_order WHERE partner_id IN %s", partners))
    cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", partners))
    cr.execute(
        "DELETE FROM crm_plus_dunning_level WHERE policy_id IN"
        " (SELECT id FROM crm_plus_dunning_policy WHERE name->>'en_US' = 'BenchDun policy')"
    )
    cr.execute("DELETE FROM crm_plus_dunning_policy WHERE name->>'en_US' = 'BenchDun policy'")
    cr.execute("DELETE FROM mail_template WHERE name->>'en_US' = 'BenchDun template'")


def build(cr):
    env = env_for(cr)
    env["res.lang"]._activate_lang("zh_CN")
    company = env.ref("base.main_company")
    if not company.email:
        company.email = "billing@bench.example.com"
    user = env.ref("base.user_admin")
    team = env["crm.team"].search([], limit=1)
    # prepayment requests: dunned on the step while no invoice covers it (invoices: bench/dunning_vs_oca.py)
    payment_type = env.ref("crm_plus.crm_plus_plan_action_type_prepayment")
    # the bench template: a copy of the shipped one, PDF statement included (the mail queue renders it)
    template = env.ref("crm_plus.mail_template_dunning").copy({"name": "BenchDun template"})
    policy = env["crm_plus.dunning.policy"].create(
        {
            "name": "BenchDun policy",
            "level_ids": [
                (0, 0, {"name": "L1", "days_overdue": 3, "channel_email": True, "mail_template_id": template.id}),
                (
                    0,
                    0,
                    {
                        "name": "L2",
                        "days_overdue": 15,
                        "channel_email": True,
                        "channel_phone": True,
                        "mail_template_id": template.id,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "L3",
                        "days_overdue": 30,
                        "channel_email": True,
                        "channel_letter": True,
                        "channel_escalation": True,
                        "credit_hold": True,
                        "mail_template_id": template.id,
                    },
                ),
            ],
        }
    )
    env.flush_all()
    n_partners = args.customers + other_customers
    params = {
        "n": n_partners,
        "user": user.id,
        "policy": policy.id,
        "company": company.id,
        "today": today,
        "currency": company.currency_id.id,
        "team": team.id or None,
        "orders": orders_total,
        "overdue_orders": overdue_orders,
        "customers": args.customers,
        "type": payment_type.id,
    }
    t0 = time.perf_counter()
    # customers: the first `customers` have the overdue orders; 1 in 100 has no email; 1 in 10 speaks Chinese
    cr.execute(
        SQL(
            """
        INSERT INTO res_partner (name, complete_name, email, lang, active, is_company, type, user_id,
                                 crm_plus_dunning_policy_id, autopost_bills, company_id, create_date, write_date)
        SELECT 'BenchDun ' || g, 'BenchDun ' || g,
               CASE WHEN g %% 100 = 0 THEN NULL ELSE 'bench' || g || '@example.com' END,
               CASE WHEN g %% 10 = 0 THEN 'zh_CN' ELSE 'en_US' END, TRUE, TRUE, 'contact', %(user)s,
               %(policy)s, 'ask', NULL, now(), now()
          FROM generate_series(1, %(n)s) g
        """,
            **params,
        )
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id"
        " WHERE name LIKE 'BenchDun %' AND commercial_partner_id IS NULL"
    )
    cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'BenchDun %'")
    params["p0"] = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, currency_id,
                                date_order, state, user_id, team_id, picking_policy, approval_state,
                                amount_total, amount_untaxed, create_date, write_date)
        SELECT 'BDUN' || g, p, p, p, %(company)s, %(currency)s, %(today)s::date - 400, 'sale', %(user)s, %(team)s,
               'direct', 'none', 1000, 1000, now(), now()
          FROM (SELECT g, CASE WHEN g <= %(overdue_orders)s THEN %(p0)s + g - 1
                               ELSE %(p0)s + %(customers)s + (g %% %(customers)s) END AS p
                  FROM generate_series(1, %(orders)s) g) s
        """,
            **params,
        )
    )
    cr.execute(
        SQL(
            """
        INSERT INTO crm_plus_plan (order_id, partner_id, user_id, team_id, company_id, name, state, cancelled,
                                   is_started, step_count, amount_planned, amount_collected, amount_open,
                                   create_date, write_date)
        SELECT id, partner_id, user_id, team_id, company_id, name, 'in_progress', FALSE, TRUE, 10, 1000, 0, 1000,
               now(), now()
          FROM sale_order WHERE name LIKE 'BDUN%%'
        """,
            **params,
        )
    )
    # steps: overdue orders -> 10 open steps 4..37 days late (a third of the customers per level),
    # still 'due' (the run moves them to overdue);
    # other orders -> done steps in the past, planned steps ahead, 1 in 1000 due within the reminder lead time
    cr.execute(
        SQL(
            """
        INSERT INTO crm_plus_plan_step (plan_id, order_id, partner_id, company_id, action_type_id, kind, name,
                                        sequence, trigger, date_due, date_remind, amount, amount_done,
                                        amount_residual, progress, cancelled, state, user_id,
                                        create_date, write_date)
        SELECT pl.id, pl.order_id, pl.partner_id, pl.company_id, %(type)s, 'payment',
               jsonb_build_object('en_US', 'Payment ' || k), k, 'approval',
               d.due, d.due - 3, 100, d.done, 100 - d.done, d.done, FALSE, d.state, pl.user_id, now(), now()
          FROM crm_plus_plan pl
          JOIN sale_order so ON so.id = pl.order_id
         CROSS JOIN generate_series(1, 10) k
         CROSS JOIN LATERAL (
            SELECT CASE WHEN so.partner_id < %(p0)s + %(customers)s THEN %(today)s::date - ((so.id %% 3) * 12 + 3 + k)
                        WHEN k <= 4 THEN %(today)s::date - 100 - k
                        WHEN (so.id * 10 + k) %% 1000 = 0 THEN %(today)s::date + 2
                        ELSE %(today)s::date + 10 * k END AS due,
                   CASE WHEN so.partner_id >= %(p0)s + %(customers)s AND k <= 4 THEN 100 ELSE 0 END AS done,
                   CASE WHEN so.partner_id < %(p0)s + %(customers)s THEN 'due'
                        WHEN k <= 4 THEN 'done'
                        WHEN (so.id * 10 + k) %% 1000 = 0 THEN 'due'
                        ELSE 'planned' END AS state) d
         WHERE so.name LIKE 'BDUN%%'
        """,
            **params,
        )
    )
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE crm_plus_plan; ANALYZE crm_plus_plan_step")
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE state = 'due' AND date_due < CURRENT_DATE)"
        " FROM crm_plus_plan_step WHERE name->>'en_US' LIKE 'Payment %'"
    )
    total, overdue = cr.fetchone()
    print(
        f"built {total} steps, {overdue} overdue across {args.customers} customers in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return policy.id


with reg.cursor() as cr:
    cleanup(cr)
    cr.commit()
    policy_id = build(cr)
    cr.commit()
    cr.execute("SELECT array_agg(id) FROM res_partner WHERE name LIKE 'BenchDun %'")
    bench_partners = cr.fetchone()[0]

print(f"{'figure':<60} {'time':>13}", flush=True)
Run = None

# ---------------------------------------------------------------- selection
with reg.cursor() as cr:
    env = env_for(cr)
    Run = env["crm_plus.dunning.run"]
    with timed("floor: GROUP BY overdue open steps per customer (SQL)", results):
        cr.execute(
            SQL(
                """SELECT partner_id, count(*) FROM crm_plus_plan_step
                WHERE kind = 'payment' AND state NOT IN ('done', 'cancelled') AND amount_residual > 0
                  AND date_due < %s GROUP BY partner_id""",
                today,
            )
        )
        cr.fetchall()
    with timed(
        "selection: customers and pending keys, in batches",
        results,
        "floor: GROUP BY overdue open steps per customer (SQL)",
    ):
        batches = Run._plan_batches(today, args.batch)
    print(f"    -> {len(batches)} batches, {sum(c for _b, c in batches)} steps", flush=True)

# ------------------------------------------------------------ state updates
with reg.cursor() as cr:
    with timed("floor: UPDATE steps due->overdue + customers' level (SQL)", results):
        cr.execute(SQL("UPDATE crm_plus_plan_step SET state = 'overdue' WHERE state = 'due' AND date_due < %s", today))
        cr.execute(
            SQL(
                """UPDATE res_partner p SET crm_plus_dunning_level_id = l.id
                 FROM crm_plus_dunning_level l
                WHERE p.crm_plus_dunning_policy_id = %s AND l.policy_id = p.crm_plus_dunning_policy_id
                  AND l.days_overdue = 30""",
                policy_id,
            )
        )
    cr.rollback()

with reg.cursor() as cr:
    env = env_for(cr)
    with timed(
        "state updates: steps (plan cron) + customers' levels",
        results,
        "floor: UPDATE steps due->overdue + customers' level (SQL)",
    ):
        env["crm_plus.dunning.run"]._update_states(today)
        cr.commit()

# ------------------------------------------------------------ whole run floor
with reg.cursor() as cr:
    env = env_for(cr)
    Run = env["crm_plus.dunning.run"]
    with timed("floor: INSERT communications + items + mails, set-based (SQL)", results):
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE bench_pending AS %s;
            CREATE TEMP TABLE bench_comm AS
                SELECT nextval('crm_plus_dunning_communication_id_seq') AS id, partner_id, level_id, channel,
                       min(company_id) AS company_id, sum(amount_residual) AS amount
                  FROM bench_pending GROUP BY partner_id, level_id, channel;
            INSERT INTO crm_plus_dunning_communication (id, partner_id, level_id, channel, company_id, date, state,
                                                        amount_residual, create_date, write_date)
                 SELECT id, partner_id, level_id, channel, company_id, %s, 'draft', amount, now(), now()
                   FROM bench_comm;
            INSERT INTO crm_plus_dunning_communication_line (communication_id, move_line_id, step_id, level_id,
                                                             channel, date_due, days_overdue, amount, amount_residual)
                 SELECT c.id, p.move_line_id, p.step_id, p.level_id, p.channel, p.date_due, p.days, p.amount,
                        p.amount_residual
                   FROM bench_pending p JOIN bench_comm c USING (partner_id, level_id, channel)
            ON CONFLICT DO NOTHING;
            WITH msg AS (
                INSERT INTO mail_message (model, res_id, message_type, body, subject, create_date, write_date, date)
                     SELECT 'crm_plus.dunning.communication', id, 'email_outgoing', '<p>static body</p>', 'Overdue',
                            now(), now(), now()
                       FROM bench_comm WHERE channel = 'email' RETURNING id)
            INSERT INTO mail_mail (mail_message_id, state, body_html, create_date, write_date)
                 SELECT id, 'outgoing', '<p>static body</p>', now(), now() FROM msg;
            """,
                Run._pending_query(today),
                today,
            )
        )
    cr.rollback()

# ------------------------------------------------------------ the whole run
batch_stats = []
query_log = Counter()
original_execute = Cursor.execute


def counting_execute(self, query, params=None, log_exceptions=True):
    text = query.code if isinstance(query, SQL) else str(query)
    query_log[text.lstrip().split(None, 1)[0].upper() if text.strip() else "?"] += 1
    return original_execute(self, query, params, log_exceptions)


from odoo.addons.base.models.ir_actions_report import _wkhtml  # noqa: E402
from odoo.addons.crm_plus.models.crm_plus_dunning_run import CrmPlusDunningRun  # noqa: E402

original_batch = CrmPlusDunningRun._dunning_batch


def measured_batch(self, today, partner_ids, company_ids=None):
    query_log.clear()
    t0 = time.perf_counter()
    with patch.object(Cursor, "execute", counting_execute):
        result = original_batch(self, today, partner_ids, company_ids)
    batch_stats.append(
        (
            time.perf_counter() - t0,
            sum(query_log.values()),
            query_log["INSERT"],
            dict(query_log),
            result.get("items", 0) if result else 0,
        )
    )
    return result


original_dispatch = CrmPlusDunningRun._dispatch_chunk
dispatch_stats = []


def measured_dispatch(self, *args):
    query_log.clear()
    t0 = time.perf_counter()
    with patch.object(Cursor, "execute", counting_execute):
        result = original_dispatch(self, *args)
    dispatch_stats.append((time.perf_counter() - t0, sum(query_log.values()), query_log["INSERT"], result))
    return result


rss_before = max_rss_mb()
with (
    reg.cursor() as cr,
    patch.object(CrmPlusDunningRun, "_dunning_batch", measured_batch),
    patch.object(CrmPlusDunningRun, "_dispatch_chunk", measured_dispatch),
):
    env = env_for(cr)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with timed(
        "whole run: reminders, lock, keys, render + queue mails, commits",
        results,
        "floor: INSERT communications + items + mails, set-based (SQL)",
    ):
        stats = env["crm_plus.dunning.run"]._run(today=today, batch_size=args.batch, commit=True)
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
print(f"    -> {dict(stats)}", flush=True)
times = [b[0] for b in batch_stats]
queries = [b[1] for b in batch_stats]
inserts = [b[2] for b in batch_stats]
full = [b for b in batch_stats if b[4] >= args.batch * 0.9]
print(f"batches: {len(batch_stats)}; max {max(times):.2f} s, mean {sum(times) / len(times):.2f} s", flush=True)
print(
    f"queries per batch: max {max(queries)}, mean {sum(queries) / len(queries):.0f} "
    f"(INSERT among them: max {max(inserts)}, mean {sum(inserts) / len(inserts):.0f}); "
    f"non-INSERT max {max(q - i for q, i in zip(queries, inserts, strict=False))}",
    flush=True,
)
if full:
    print(f"a full batch ({full[0][4]} items): {full[0][3]}", flush=True)
chunks = [d for d in dispatch_stats if d[3]]
if chunks:
    print(
        f"dispatch (mails + activities): {len(chunks)} chunks of up to 2,000 communications; "
        f"max {max(d[0] for d in chunks):.2f} s; queries per chunk max {max(d[1] for d in chunks)}, "
        f"mean {sum(d[1] for d in chunks) / len(chunks):.0f} "
        f"(INSERT mean {sum(d[2] for d in chunks) / len(chunks):.0f})",
        flush=True,
    )
all_queries = sum(queries) + sum(d[1] for d in dispatch_stats)
all_inserts = sum(inserts) + sum(d[2] for d in dispatch_stats)
steps_done = sum(b[4] for b in batch_stats)
print(
    f"queries per 1,000 steps, batches and dispatch together: {all_queries / len(batch_stats):.1f} per batch "
    f"({(all_queries - all_inserts) / len(batch_stats):.1f} not INSERT, {all_inserts / len(batch_stats):.1f} INSERT); "
    f"{all_queries} queries for {len(batch_stats)} batches / {steps_done} items",
    flush=True,
)
print(f"peak RSS: {rss_before:.0f} MB before the run, {max_rss_mb():.0f} MB after", flush=True)

# ------------------------------------------------------------ exactly once after the run
with reg.cursor() as cr:
    cr.execute(
        SQL(
            """SELECT count(*), count(DISTINCT (k.step_id, k.level_id, k.channel))
                 FROM crm_plus_dunning_communication_line k
             JOIN crm_plus_dunning_communication c ON c.id = k.communication_id WHERE c.partner_id = ANY(%s)""",
            bench_partners,
        )
    )
    lines, keys = cr.fetchone()
    cr.execute(
        SQL(
            """SELECT count(*), count(mail_id), count(*) FILTER (WHERE missing_email)
                        FROM crm_plus_dunning_communication WHERE partner_id = ANY(%s)""",
            bench_partners,
        )
    )
    comms, mails, missing = cr.fetchone()
    print(
        f"items {lines} (distinct keys {keys}), communications {comms}, queued mails {mails}, "
        f"no-email letters {missing}",
        flush=True,
    )
    env = env_for(cr)
    with timed("rerun (nothing left to send)", results):
        again = env["crm_plus.dunning.run"]._run(today=today, batch_size=args.batch, commit=True)
    print(f"    -> items {again.get('items', 0)}", flush=True)


# ------------------------------------------------------------ PDF statements in the mail queue
class EmptyAssets(BaseHTTPRequestHandler):
    """Stands in for the Odoo server that wkhtmltopdf fetches the report assets from."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


if args.pdf_sample:
    assets = ThreadingHTTPServer(("127.0.0.1", 0), EmptyAssets)
    threading.Thread(target=assets.serve_forever, daemon=True).start()
    with reg.cursor() as cr:
        env = env_for(cr)
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{assets.server_address[1]}")
        Mail = env["mail.mail"]
        mails_sample = Mail.search(
            [("model", "=", "crm_plus.dunning.communication"), ("state", "=", "outgoing")],
            limit=args.pdf_sample * 11,
        )
        one_by_one, batched = mails_sample[: args.pdf_sample], mails_sample[args.pdf_sample :]
        Communication = env["crm_plus.dunning.communication"]
        t0 = time.perf_counter()
        for mail in one_by_one:
            Communication._crm_plus_attach_statements(mail)
        per_single = (time.perf_counter() - t0) / max(len(one_by_one), 1)
        t0 = time.perf_counter()
        Communication._crm_plus_attach_statements(batched)
        per_batched = (time.perf_counter() - t0) / max(len(batched), 1)
        attached = sum(1 for mail in mails_sample if mail.attachment_ids)
        print(
            f"{'PDF statement in the mail queue, one wkhtmltopdf call each':<60} {per_single * 1000:10.1f} ms/mail",
            flush=True,
        )
        print(
            f"{f'PDF statements, a queue batch of {len(batched)} mails':<60} "
            f"{per_batched * 1000:10.1f} ms/mail  ratio {per_single / per_batched:.1f}x; "
            f"{attached}/{len(mails_sample)} mails got their PDF; none rendered during the run; one wkhtmltopdf "
            f"call per chunk, split per customer (wkhtmltopdf {'with' if _wkhtml().is_patched_qt else 'without'} "
            "patched Qt)",
            flush=True,
        )
        cr.rollback()
    assets.shutdown()

if not args.keep:
    with reg.cursor() as cr:
        cleanup(cr)
        cr.commit()
