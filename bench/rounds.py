"""Quotation rounds and approval rules: figures beside a raw-SQL baseline.

    python bench/rounds.py --db <database> [--lines 200]

Builds a quotation with N lines (not timed), then times:
- action_new_round() on it (target: <= 2 s for 200 lines), beside a raw-SQL copy
  of the same order and lines (INSERT ... SELECT) as the floor;
- approval-rule evaluation (all rule types) on 2 and on N lines: SQL queries and time.
Everything is rolled back at the end.
"""

from _common import parse_args
from _common import registry
from _common import timed


def main():
    args = parse_args(__doc__.splitlines()[0], lines=(200, "lines of the quotation"))
    reg = registry(args.db)
    from odoo import SUPERUSER_ID
    from odoo import Command
    from odoo import api
    from odoo.tools import SQL

    results = {}
    with reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        partner = env["res.partner"].create({"name": "Bench rounds customer"})
        products = env["product.product"].create(
            [
                {"name": f"Bench product {i}", "type": "consu", "list_price": 10 + i, "standard_price": 5}
                for i in range(50)
            ]
        )

        def make_order(n):
            return env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": products[i % 50].id, "product_uom_qty": 1 + i % 7, "discount": i % 20}
                        )
                        for i in range(n)
                    ],
                }
            )

        order = make_order(args.lines)
        small = make_order(2)
        env.flush_all()
        print(f"quotation with {len(order.order_line)} lines")

        # baseline: the same copy in raw SQL (order row + its lines), no ORM at all
        with timed(f"raw SQL copy of the order + {args.lines} lines", results):
            order_cols = [f.name for f in order._fields.values() if f.store and f.column_type and f.name != "id"]
            line_cols = [
                f.name
                for f in order.order_line._fields.values()
                if f.store and f.column_type and f.name not in ("id", "order_id")
            ]
            cr.execute(
                SQL(
                    "INSERT INTO sale_order (%s) SELECT %s FROM sale_order WHERE id = %s RETURNING id",
                    SQL(", ").join(SQL.identifier(c) for c in order_cols),
                    SQL(", ").join(SQL.identifier(c) for c in order_cols),
                    order.id,
                )
            )
            new_id = cr.fetchone()[0]
            cr.execute(
                SQL(
                    "INSERT INTO sale_order_line (order_id, %s) SELECT %s, %s FROM sale_order_line WHERE order_id = %s",
                    SQL(", ").join(SQL.identifier(c) for c in line_cols),
                    new_id,
                    SQL(", ").join(SQL.identifier(c) for c in line_cols),
                    order.id,
                )
            )

        env.invalidate_all()
        count0 = cr.sql_log_count
        with timed(
            f"action_new_round() on {args.lines} lines",
            results,
            baseline=f"raw SQL copy of the order + {args.lines} lines",
        ):
            action = order.action_new_round()
            env.flush_all()
        new = env["sale.order"].browse(action["res_id"])
        assert len(new.order_line) == args.lines and new.round_number == 2
        seconds = results[f"action_new_round() on {args.lines} lines"]
        print(f"  queries: {cr.sql_log_count - count0}; target <= 2 s: {'OK' if seconds <= 2 else 'MISSED'}")

        Rule = env["crm_plus.approval.rule"]
        for vals in (
            {"name": "A", "rule_type": "amount", "amount_threshold": 1.0},
            {"name": "D", "rule_type": "discount"},
            {"name": "M", "rule_type": "margin", "margin_floor": 90.0},
            {"name": "C", "rule_type": "credit"},
            {"name": "P", "rule_type": "payment_term"},
        ):
            Rule.create(vals)
        env.flush_all()
        # baseline: one SQL query reading what the rules need
        with timed("raw SQL: max discount + totals of one order", results):
            cr.execute(
                SQL(
                    "SELECT max(discount), sum(price_subtotal), sum(margin) FROM sale_order_line WHERE order_id = %s",
                    new.id,
                )
            )
            cr.fetchall()
        for label, target in (("2 lines", small), (f"{args.lines} lines", new)):
            env.invalidate_all()
            count0 = cr.sql_log_count
            with timed(
                f"rule evaluation, 5 rules, {label}", results, baseline="raw SQL: max discount + totals of one order"
            ):
                Rule._crm_plus_evaluate(target)
            print(f"  queries: {cr.sql_log_count - count0}")
        cr.rollback()


if __name__ == "__main__":
    main()
