"""Bench: execution plan tracking after 10,000 reconciliations across 100,000 plan steps.

    python bench/plan_tracking.py --db crm_plus_bench [--plans 25000] [--reconciliations 10000] [--single 1000]

Builds (inside one transaction, rolled back at the end) one real confirmed order with a 30/60/10 + delivery plan
(4 steps) and its posted invoice through the ORM, then clones them with SQL into --plans orders/plans/invoices
(4 steps each: 100,000 steps by default). A "reconciliation" is simulated by lowering the residual of an invoice as
a partial payment would; the figures are the tracking update only (Odoo's own reconciliation cost is not ours):

- tracked in one batch (what a bank statement reconciling many invoices at once triggers);
- tracked one reconciliation at a time (what each single payment triggers), on --single of them;
- the raw-SQL floor: one UPDATE distributing the paid amounts over the same payment steps with window functions
  (for all the batch at once, and once per reconciliation for the one-at-a-time figure).

The ORM result is checked against the SQL floor, step by step.
"""

import random

from _common import max_rss_mb
from _common import parse_args
from _common import registry
from _common import timed


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, template_ids, n, overrides):
    """n copies of each template row; copy g (1..n) of template k gets id base + (g - 1) * K + k.

    ``overrides`` maps a column to an SQL expression of g (and k).
    """
    cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    base = cr.fetchone()[0] + 1000
    cols = [col for col in columns(cr, table) if col not in overrides]
    size = len(template_ids)
    for k, template_id in enumerate(template_ids, start=1):
        names = ", ".join(['"id"'] + [f'"{col}"' for col in cols] + [f'"{col}"' for col in overrides])
        exprs = ", ".join(
            [f"{base} + (g - 1) * {size} + {k}"]
            + [f't."{col}"' for col in cols]
            + [expr.replace("{k}", str(k)) for expr in overrides.values()]
        )
        cr.execute(
            f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table} t, generate_series(1, %s) g WHERE t.id = %s",
            [n, template_id],
        )
    cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, base + n * size + 1])
    return base, size


def build(env, plans):
    from odoo import Command

    if not env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", env.company.id)]):
        env["account.chart.template"].try_loading("generic_coa", company=env.company, install_demo=False)
    ref = env.ref
    payment = ref("crm_plus.crm_plus_plan_action_type_payment")
    template = env["crm_plus.plan.template"].create(
        {
            "name": "Bench 30/60/10",
            "line_ids": [
                Command.create({"sequence": 1, "action_type_id": payment.id, "percent": 30}),
                Command.create(
                    {"sequence": 2, "action_type_id": ref("crm_plus.crm_plus_plan_action_type_delivery").id}
                ),
                Command.create({"sequence": 3, "action_type_id": payment.id, "percent": 60, "offset_days": 20}),
                Command.create({"sequence": 4, "action_type_id": payment.id, "percent": 10, "offset_days": 60}),
            ],
        }
    )
    partner = env["res.partner"].create({"name": "Bench customer", "crm_plus_plan_template_id": template.id})
    product = env["product.product"].create(
        {"name": "Bench machine", "type": "consu", "list_price": 1000.0, "taxes_id": [Command.clear()]}
    )
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 10, "price_unit": 1000.0})],
        }
    )
    order.action_confirm()
    invoice = order._create_invoices()
    invoice.action_post()
    env.flush_all()
    plan = order.plan_id
    assert len(plan.step_ids) == 4, plan.step_ids
    cr = env.cr
    line = order.order_line
    n = plans
    order_base, _ = clone(cr, "sale_order", order.ids, n, {"name": "'BENCH/' || g"})
    line_base, _ = clone(cr, "sale_order_line", line.ids, n, {"order_id": f"{order_base} + g"})
    plan_base, _ = clone(cr, "crm_plus_plan", plan.ids, n, {"order_id": f"{order_base} + g", "name": "'BENCH/' || g"})
    clone(
        cr,
        "crm_plus_plan_step",
        plan.step_ids.ids,
        n,
        {"plan_id": f"{plan_base} + g", "order_id": f"{order_base} + g"},
    )
    move_base, _ = clone(cr, "account_move", invoice.ids, n, {"name": "'BENCH/INV/' || g"})
    product_aml = invoice.invoice_line_ids
    aml_ids = invoice.line_ids.ids
    aml_base, aml_size = clone(cr, "account_move_line", aml_ids, n, {"move_id": f"{move_base} + g"})
    k_product = aml_ids.index(product_aml.id) + 1
    cr.execute(
        "INSERT INTO sale_order_line_invoice_rel (order_line_id, invoice_line_id) "
        "SELECT %s + g, %s + (g - 1) * %s + %s FROM generate_series(1, %s) g",
        [line_base, aml_base, aml_size, k_product, n],
    )
    cr.execute(
        "ANALYZE sale_order_line_invoice_rel, account_move_line, account_move, crm_plus_plan, crm_plus_plan_step"
    )
    return [move_base + g for g in range(1, n + 1)]


FLOOR_SQL = """
    WITH paid AS (
        SELECT DISTINCT sol.order_id, am.amount_total - am.amount_residual AS paid
          FROM account_move am
          JOIN account_move_line aml ON aml.move_id = am.id
          JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
          JOIN sale_order_line sol ON sol.id = rel.order_line_id
         WHERE am.id = ANY({moves})
    ), ranked AS (
        SELECT step.id, step.amount, paid.paid,
               SUM(step.amount) OVER (PARTITION BY step.plan_id ORDER BY step.date_due, step.sequence, step.id)
               - step.amount AS before
          FROM crm_plus_plan_step step
          JOIN crm_plus_plan plan ON plan.id = step.plan_id
          JOIN paid ON paid.order_id = plan.order_id
         WHERE step.kind = 'payment'
    )
    UPDATE crm_plus_plan_step step
       SET amount_done = LEAST(ranked.amount, GREATEST(ranked.paid - ranked.before, 0)),
           amount_residual = ranked.amount - LEAST(ranked.amount, GREATEST(ranked.paid - ranked.before, 0))
      FROM ranked
     WHERE ranked.id = step.id
"""


def floor(cr, move_ids):
    """The same update in one SQL statement (single-order invoices, payment steps in date order)."""
    cr.execute(FLOOR_SQL.format(moves="%s"), [move_ids])


def floor_prepared(cr, move_ids):
    """The floor for one reconciliation at a time: a prepared statement (planned once, as a tight loop would)."""
    cr.execute("EXECUTE crm_plus_plan_floor(%s)", [move_ids])


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        plans=(25000, "orders/plans/invoices (4 steps each)"),
        reconciliations=(10000, "invoices partially paid, tracked in one batch"),
        single=(1000, "further invoices partially paid and tracked one call each"),
        seed=(42, "random seed"),
    )
    from odoo import SUPERUSER_ID
    from odoo import api

    reg = registry(args.db)
    results = {}
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        with timed(f"build {args.plans} plans / {args.plans * 4} steps / invoices (SQL clones)", results):
            moves = build(env, args.plans)
        rng = random.Random(args.seed)
        picked = rng.sample(moves, args.reconciliations + args.single)
        batch, singles = picked[: args.reconciliations], picked[args.reconciliations :]
        # a partial payment of 1,000 to 10,000 on each picked invoice (total 10,000)
        cr.execute(
            "UPDATE account_move SET amount_residual = amount_total - (1 + floor(random() * 10)) * 1000, "
            "payment_state = 'partial' WHERE id = ANY(%s)",
            [picked],
        )
        cr.execute("SELECT count(*) FROM crm_plus_plan_step")
        print(f"plan steps in the database: {cr.fetchone()[0]}")

        def reset():
            cr.execute(
                "UPDATE crm_plus_plan_step step SET amount_done = 0, amount_residual = amount, state = 'planned' "
                "FROM crm_plus_plan plan WHERE plan.id = step.plan_id AND plan.name LIKE 'BENCH/%%'"
            )
            env.invalidate_all()

        reset()
        with timed(f"raw-SQL floor: {len(batch)} reconciliations, one UPDATE", results):
            floor(cr, batch)
        cr.execute("CREATE TEMP TABLE expected AS SELECT id, amount_done FROM crm_plus_plan_step WHERE amount_done > 0")
        reset()
        plan_model = env["crm_plus.plan"]
        with timed(
            f"ORM tracking: {len(batch)} reconciliations in one batch",
            results,
            baseline=f"raw-SQL floor: {len(batch)} reconciliations, one UPDATE",
        ):
            plan_model._crm_plus_track_moves(batch)
            env.flush_all()
        cr.execute(
            """
            SELECT count(*) FROM crm_plus_plan_step step
              FULL JOIN expected ON expected.id = step.id
             WHERE (step.amount_done > 0 OR expected.id IS NOT NULL)
               AND round(COALESCE(step.amount_done, 0)::numeric, 2)
                   != round(COALESCE(expected.amount_done, 0)::numeric, 2)
            """
        )
        mismatches = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM expected")
        print(f"steps updated: {cr.fetchone()[0]}, mismatches ORM vs SQL floor: {mismatches}")

        reset()
        cr.execute(f"PREPARE crm_plus_plan_floor(int[]) AS {FLOOR_SQL.format(moves='$1')}")
        single_floor = f"raw-SQL floor: {len(singles)} reconciliations one prepared UPDATE each"
        with timed(single_floor, results):
            for move_id in singles:
                floor_prepared(cr, [move_id])
        reset()
        queries0 = cr.sql_log_count
        with timed(f"ORM tracking: {len(singles)} reconciliations one call each", results, baseline=single_floor):
            for move_id in singles:
                plan_model._crm_plus_track_moves([move_id])
            env.flush_all()
        per_call = results[f"ORM tracking: {len(singles)} reconciliations one call each"] / max(len(singles), 1)
        queries = (cr.sql_log_count - queries0) / max(len(singles), 1)
        print(
            f"  per reconciliation: {per_call * 1000:.2f} ms, {queries:.1f}"
            f" queries; {args.reconciliations} one at a time would take ~{per_call * args.reconciliations:.1f} s"
        )
        print(f"max RSS: {max_rss_mb():.0f} MB")
        cr.rollback()
    if mismatches:
        raise SystemExit(f"{mismatches} steps differ between the ORM tracking and the SQL floor")


if __name__ == "__main__":
    main()
