"""Customer pool bench: the daily return job on 200,000 owned customers.

    python bench/pool.py --db <database> [--customers 200000 --due-pct 1 --batch 5000]

Builds the data with SQL (bench rows are named ``BenchPool ...`` and removed first): customers owned by 20
salespeople, each with a follow-up by its owner within the last 29 days, except ``due-pct`` % whose last
follow-up is 40 days old; a confirmed order for one customer in ten. A company rule: 30 days without follow-up,
365 without won deal, 3 days' notice. Then measures, each beside a raw-SQL floor measured in the same run:

* day D: the job announces the due customers (note + To-Do each) vs. one set-based SELECT of every due date;
* day D + 3: the job returns them to the pool vs. one bare UPDATE of the same rows;
* per batch: queries (constant), and the run's peak memory;
* a hand-over of 5,000 customers (their owner changes, tracked) by one wizard.
Everything runs in one transaction, rolled back at the end: nothing is left in the database.
"""

import time
from datetime import date
from datetime import timedelta

from _common import max_rss_mb
from _common import parse_args
from _common import registry
from _common import timed

args = parse_args(
    __doc__.splitlines()[0],
    customers=(200_000, "owned customers"),
    due_pct=(1.0, "% of customers due (last follow-up 40 days ago)"),
    batch=(5000, "customers per batch"),
    handover=(5000, "customers handed over by one wizard"),
)

from odoo import SUPERUSER_ID  # noqa: E402
from odoo import api  # noqa: E402
from odoo.tools import SQL  # noqa: E402

reg = registry(args.db)
today = date.today()
results = {}
USERS = 20


def cleanup(cr):
    cr.execute("SELECT id FROM res_partner WHERE name LIKE 'BenchPool C %' OR name = 'BenchPool template'")
    partners = tuple(r[0] for r in cr.fetchall())
    if partners:
        print(f"removing previous bench data ({len(partners)} customers)", flush=True)
        cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id IN %s", partners))
        cr.execute(SQL("DELETE FROM mail_message WHERE model = 'res.partner' AND res_id IN %s", partners))
        cr.execute(SQL("DELETE FROM crm_plus_followup WHERE partner_id IN %s", partners))
        cr.execute(SQL("DELETE FROM sale_order WHERE partner_id IN %s", partners))
        cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", partners))
    cr.execute("DELETE FROM crm_plus_pool_rule WHERE name->>'en_US' = 'BenchPool rule'")


def build(cr):
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    company = env.ref("base.main_company")
    users = env["res.users"].search([("login", "=like", "benchpool_%")])
    for i in range(len(users), USERS):
        users |= env["res.users"].create(
            {
                "name": f"BenchPool Seller {i}",
                "login": f"benchpool_{i}",
                "group_ids": [(4, env.ref("sales_team.group_sale_salesman").id)],
            }
        )
    env["crm_plus.pool.rule"].search([("company_id", "=", company.id)]).active = False
    env["crm_plus.pool.rule"].create(
        {
            "name": "BenchPool rule",
            "company_id": company.id,
            "days_without_followup": 30,
            "days_without_won": 365,
            "notice_days": 3,
        }
    )
    product = env["product.product"].create({"name": "BenchPool service", "type": "service", "list_price": 10.0})
    template_partner = env["res.partner"].create({"name": "BenchPool template", "is_company": True})
    template_order = env["sale.order"].create(
        {"partner_id": template_partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
    )
    env.flush_all()
    user_ids = users.ids
    t0 = time.perf_counter()
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, active, is_company, type, user_id, company_id,
                                     crm_plus_owner_date, autopost_bills, create_date, write_date, create_uid,
                                     write_uid)
            SELECT 'BenchPool C ' || i, 'BenchPool C ' || i, TRUE, TRUE, 'contact',
                   (%(users)s::int[])[1 + i %% %(n_users)s],
                   %(company)s, %(since)s, 'ask', now() - interval '400 days', now(), 1, 1
              FROM generate_series(1, %(n)s) i
            """,
            users=user_ids,
            n_users=USERS,
            company=company.id,
            since=today - timedelta(days=300),
            n=args.customers,
        )
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id"
        " WHERE name LIKE 'BenchPool C %' AND commercial_partner_id IS NULL"
    )
    due_every = max(1, round(100 / args.due_pct)) if args.due_pct else 0
    cr.execute(
        SQL(
            """
            INSERT INTO crm_plus_followup (partner_id, date, followup_type, summary, user_id, company_id,
                                           create_date, write_date, create_uid, write_uid)
            SELECT p.id, d.day, 'call', 'bench', p.user_id, p.company_id, d.day, d.day, 1, 1
              FROM res_partner p
             CROSS JOIN LATERAL (
                   SELECT (%(today)s::date - CASE WHEN %(every)s > 0 AND p.id %% %(every)s = 0 THEN 40
                                                  ELSE p.id %% 23 END) AS day) d
             WHERE p.name LIKE 'BenchPool C %%'
            """,
            today=today,
            every=due_every,
        )
    )
    # a confirmed order for one customer in ten: copies of the template order's row
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'sale_order' AND column_name NOT IN "
        "('id', 'name', 'partner_id', 'partner_invoice_id', 'partner_shipping_id', 'state', 'date_order')"
    )
    columns = [r[0] for r in cr.fetchall()]
    cr.execute(
        SQL(
            """
            INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, state, date_order,
                                    %(cols)s)
            SELECT 'BenchPool SO' || p.id, p.id, p.id, p.id, 'sale', now() - interval '20 days', %(tcols)s
              FROM res_partner p, sale_order t
             WHERE t.id = %(template)s AND p.name LIKE 'BenchPool C %%' AND p.id %% 10 = 0
            """,
            cols=SQL(", ").join(SQL.identifier(c) for c in columns),
            tcols=SQL(", ").join(SQL.identifier("t", c) for c in columns),
            template=template_order.id,
        )
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE crm_plus_followup")
    cr.execute("ANALYZE sale_order")
    print(f"built {args.customers} customers in {time.perf_counter() - t0:.1f} s", flush=True)


def floor_select(cr, day):
    """Every owned customer's due date in one set-based query (no batches, no notes, no To-Dos)."""
    cr.execute(
        SQL(
            """
            SELECT count(*) FILTER (WHERE due - 3 <= %(day)s) FROM (
                SELECT LEAST(GREATEST(COALESCE(p.crm_plus_owner_date, p.create_date::date), lf.day) + 30,
                             GREATEST(COALESCE(p.crm_plus_owner_date, p.create_date::date), lw.day) + 365) AS due
                  FROM res_partner p
                  LEFT JOIN (SELECT partner_id, user_id, max(LEAST(date, create_date::date)) AS day
                               FROM crm_plus_followup GROUP BY partner_id, user_id) lf
                         ON lf.partner_id = p.id AND lf.user_id = p.user_id
                  LEFT JOIN (SELECT c.commercial_partner_id AS partner_id, max(so.date_order)::date AS day
                               FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                              WHERE so.state = 'sale' GROUP BY c.commercial_partner_id) lw ON lw.partner_id = p.id
                 WHERE p.user_id IS NOT NULL AND p.parent_id IS NULL AND p.active
            ) t
            """,
            day=day,
        )
    )
    return cr.fetchone()[0]


def main():
    with reg.cursor() as cr:
        cleanup(cr)
        build(cr)
        env = api.Environment(cr, SUPERUSER_ID, {})
        Pool = env["crm_plus.pool"]
        with timed("floor: one SELECT of every due date (day D)", results):
            due = floor_select(cr, today)
        print(f"  due on day D: {due}")
        before = cr.sql_log_count
        with timed("pool job, day D (announce)", results, baseline="floor: one SELECT of every due date (day D)"):
            stats = Pool._run(today=today, batch_size=args.batch)
        batches = -(-args.customers // args.batch)
        print(f"  {stats}; {cr.sql_log_count - before} queries for {batches} batches")
        with timed("pool job, day D again (idempotent)", results):
            again = Pool._run(today=today, batch_size=args.batch)
        print(f"  {again}")
        day3 = today + timedelta(days=3)
        cr.execute("SAVEPOINT floor")
        with timed("floor: bare UPDATE of the returning customers", results):
            cr.execute(
                SQL(
                    """UPDATE res_partner SET user_id = NULL, crm_plus_in_pool = TRUE
                        WHERE crm_plus_pool_return_date <= %s AND user_id IS NOT NULL""",
                    day3,
                )
            )
        cr.execute("ROLLBACK TO SAVEPOINT floor")
        env.invalidate_all()
        with timed("pool job, day D+3 (return)", results, baseline="floor: bare UPDATE of the returning customers"):
            stats = Pool._run(today=day3, batch_size=args.batch)
        print(f"  {stats}")
        # hand-over: one salesperson's customers move to another by one wizard
        users = env["res.users"].search([("login", "=like", "benchpool_%")], order="id", limit=2)
        # the first salesperson keeps exactly `handover` customers, the others go to the second
        env.flush_all()
        cr.execute(
            SQL(
                "UPDATE res_partner SET user_id = %s WHERE user_id = %s AND id NOT IN "
                "(SELECT id FROM res_partner WHERE user_id = %s ORDER BY id LIMIT %s)",
                users[1].id,
                users[0].id,
                users[0].id,
                args.handover,
            )
        )
        env.invalidate_all()
        owned = env["res.partner"].search_count([("user_id", "=", users[0].id)])
        wizard = env["crm_plus.handover"].create({"from_user_id": users[0].id, "to_user_id": users[1].id})
        with timed(f"hand-over of {owned} customers (one wizard)", results):
            wizard.action_apply()
            env.flush_all()
        print("  " + wizard.report.replace("\n", "; "))
        print(f"peak memory {max_rss_mb():.0f} MB")
        cr.rollback()


main()
