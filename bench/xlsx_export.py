"""Bench: streaming Excel export of 100,000 plan steps, and the receivables aging report on 1,000,000 steps.

    python bench/xlsx_export.py --db crm_plus_bench [--rows 100000] [--aging-rows 1000000]

Data is generated with SQL inside one transaction that is rolled back at the end (the database is left as
it was). Each figure is printed beside a raw-SQL baseline measured in the same run; the peak RSS of the
process is printed before and after the exports (flat memory: the 100,000-row export should not raise it
much above the 10,000-row one).
"""

import io
import time

from _common import max_rss_mb
from _common import parse_args
from _common import registry
from _common import timed


def generate_steps(env, count, plans, action_type_id, user_id, offset=0):
    """Insert ``count`` open payment steps spread over ``plans`` (ids of (plan, order, partner, company))."""
    cr = env.cr
    cr.execute(
        """
        WITH p AS (SELECT row_number() OVER (ORDER BY plan_id) - 1 AS n, *
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                          AS t(plan_id, order_id, partner_id, company_id))
        INSERT INTO crm_plus_plan_step (plan_id, order_id, partner_id, company_id, action_type_id, kind, sequence,
                                        name, "trigger", date_due, date_remind, user_id, amount, amount_done,
                                        amount_residual, progress, cancelled, state, create_uid, write_uid,
                                        create_date, write_date)
        SELECT p.plan_id, p.order_id, p.partner_id, p.company_id, %s, 'payment', 10,
               'Step ' || g, 'approval', CURRENT_DATE + ((g %% 240) - 150), CURRENT_DATE + ((g %% 240) - 150), %s,
               100 + (g %% 1000), 0, 100 + (g %% 1000), 0, false,
               CASE WHEN (g %% 240) - 150 < 0 THEN 'overdue' ELSE 'planned' END, 1, 1, now(), now()
          FROM generate_series(%s, %s) g
          JOIN p ON p.n = g %% %s
        """,
        [
            [p[0] for p in plans],
            [p[1] for p in plans],
            [p[2] for p in plans],
            [p[3] for p in plans],
            action_type_id,
            user_id,
            offset,
            offset + count - 1,
            len(plans),
        ],
    )
    cr.execute("ANALYZE crm_plus_plan_step")


def main():
    args = parse_args(
        __doc__,
        rows=(100_000, "rows of the Excel export"),
        aging_rows=(1_000_000, "payment steps for the aging report"),
        customers=(200, "customers (one draft order and plan each)"),
    )
    import openpyxl

    from odoo import SUPERUSER_ID
    from odoo import Command
    from odoo import api

    results = {}
    reg = registry(args.db)
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        admin = env.ref("base.user_admin")
        product = env["product.product"].create(
            {"name": "Bench service", "type": "service", "taxes_id": [Command.clear()]}
        )
        partners = env["res.partner"].create(
            [{"name": f"Bench customer {i}", "is_company": True} for i in range(args.customers)]
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": p.id,
                    "user_id": admin.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 100.0})
                    ],
                }
                for p in partners
            ]
        )
        plans = env["crm_plus.plan"].create([{"order_id": o.id} for o in orders])
        env.flush_all()
        plan_rows = [(p.id, p.order_id.id, p.partner_id.id, p.company_id.id) for p in plans]
        ptype = env.ref("crm_plus.crm_plus_plan_action_type_payment")
        t0 = time.perf_counter()
        generate_steps(env, args.rows, plan_rows, ptype.id, admin.id)
        print(f"generated {args.rows} steps in {time.perf_counter() - t0:.1f} s", flush=True)
        print(f"{'peak RSS before exports':<60} {max_rss_mb():10.1f} MB", flush=True)

        Export = env["crm_plus.xlsx.export"].with_user(admin)
        small = Export.create({"export_type": "plans", "date_to": "2999-01-01"})
        # 10% export first: memory must not grow with the row count afterwards
        with timed("xlsx export, 10% of the rows (date filter)", results):
            cr.execute(
                "SELECT date_due FROM crm_plus_plan_step ORDER BY date_due, id OFFSET %s LIMIT 1", [args.rows // 10]
            )
            small.date_to = cr.fetchone()[0]
            data = small._build_xlsx()
        rss_small = max_rss_mb()
        print(f"{'peak RSS after 10% export':<60} {rss_small:10.1f} MB  ({len(data) / 1e6:.1f} MB file)", flush=True)
        wizard = Export.create({"export_type": "plans"})
        with timed(f"xlsx export of {args.rows} steps (as admin, record rules on)", results):
            data = wizard._build_xlsx()
        rss_big = max_rss_mb()
        print(f"{'peak RSS after full export':<60} {rss_big:10.1f} MB  ({len(data) / 1e6:.1f} MB file)", flush=True)
        # raw SQL baseline: the same rows and columns (after the exports: its fetchall would raise the peak RSS)
        with timed(f"raw SQL read of {args.rows} steps (joined names)", results):
            cr.execute(
                """
                SELECT so.name, p.name, s.name->>'en_US', t.name->>'en_US', u.login, s.date_due, s.state,
                       s.amount, s.amount_done, s.amount_residual, s.date_done
                  FROM crm_plus_plan_step s
                  JOIN sale_order so ON so.id = s.order_id
                  JOIN res_partner p ON p.id = s.partner_id
                  JOIN crm_plus_plan_action_type t ON t.id = s.action_type_id
                  LEFT JOIN res_users u ON u.id = s.user_id
                 ORDER BY s.date_due, s.id
                """
            )
            raw = cr.fetchall()
        del raw
        export = results[f"xlsx export of {args.rows} steps (as admin, record rules on)"]
        baseline = results[f"raw SQL read of {args.rows} steps (joined names)"]
        print(f"{'xlsx export / raw SQL read':<60} {export / baseline:10.1f} x", flush=True)

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        rows = wb["Steps"].max_row
        print(f"check: 'Steps' sheet has {rows} rows (filters + header + data)", flush=True)
        del data, wb

        # aging on a million steps
        extra = args.aging_rows - args.rows
        if extra > 0:
            t0 = time.perf_counter()
            generate_steps(env, extra, plan_rows, ptype.id, admin.id, offset=args.rows)
            print(
                f"generated {extra} more steps ({args.aging_rows} in all) in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        env.invalidate_all()
        amounts = ["amount_not_due", "amount_1_30", "amount_31_60", "amount_61_90", "amount_over_90", "amount_residual"]
        with timed(f"raw SQL aging by customer over {args.aging_rows} steps", results):
            cr.execute(
                """
                SELECT s.partner_id,
                       SUM(s.amount_residual) FILTER (WHERE s.date_due >= CURRENT_DATE),
                       SUM(s.amount_residual) FILTER (WHERE CURRENT_DATE - s.date_due BETWEEN 1 AND 30),
                       SUM(s.amount_residual) FILTER (WHERE CURRENT_DATE - s.date_due BETWEEN 31 AND 60),
                       SUM(s.amount_residual) FILTER (WHERE CURRENT_DATE - s.date_due BETWEEN 61 AND 90),
                       SUM(s.amount_residual) FILTER (WHERE CURRENT_DATE - s.date_due > 90),
                       SUM(s.amount_residual)
                  FROM crm_plus_plan_step s
                 WHERE s.kind = 'payment' AND s.state IN ('planned', 'due', 'overdue') AND s.amount_residual > 0
                 GROUP BY s.partner_id
                """
            )
            raw = cr.fetchall()
        Aging = env["crm_plus.report.aging"]
        with timed(
            "aging report read_group by customer (superuser)",
            results,
            baseline=f"raw SQL aging by customer over {args.aging_rows} steps",
        ):
            groups = Aging._read_group([], ["partner_id"], [f"{f}:sum" for f in amounts])
        assert len(groups) >= len(raw), (len(groups), len(raw))
        with timed(
            "aging report read_group by bucket as admin (record rules)",
            results,
            baseline=f"raw SQL aging by customer over {args.aging_rows} steps",
        ):
            Aging.with_user(admin)._read_group([], ["bucket"], ["amount_residual:sum"])
        with timed(
            "aging report: first page of the list (80 rows, order by due date)",
            results,
            baseline=f"raw SQL aging by customer over {args.aging_rows} steps",
        ):
            Aging.with_user(admin).search_fetch([], ["name", "partner_id", "days_overdue", "amount_residual"], limit=80)
        total = sum(g[-1] or 0 for g in groups)
        raw_total = sum(r[-1] or 0 for r in raw)
        print(f"check: report total {total:,.0f} vs raw total of steps {raw_total:,.0f}", flush=True)
        print(f"{'peak RSS at the end':<60} {max_rss_mb():10.1f} MB", flush=True)
        cr.rollback()


if __name__ == "__main__":
    main()
