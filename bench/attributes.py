"""Benchmark: custom attributes (x_attr_* fields) on a large customer base, and on orders.

    .venv/bin/python bench/attributes.py --db <name> [--partners 200000] [--attributes 50] [--orders 1000000]

Orders (``--orders``, 0 to skip): adding an order attribute on that many orders beside ALTER TABLE ADD COLUMN; an
order list page of 80 rows x 20 order attributes beside 10 rows (query counts); a new quotation round of 200 lines
with 20 order attributes beside the same round without order attributes (query counts).

The database must have crm_plus installed. The first run builds the data with SQL (partners, values) and
the attribute definitions through the ORM, then commits; later runs reuse it. Every figure is printed beside
the raw-SQL equivalent measured in the same run. Measurements that change data roll back.
"""

import argparse
import random
import time

from _common import registry as open_registry  # puts the Odoo sources on sys.path
from psycopg2.extras import execute_values

import odoo
from odoo import Command
from odoo import api
from odoo.tools import SQL

BENCH_PREFIX = "Bench customer"
# 50 attributes: (kind, how many)
LAYOUT = [
    ("selection", 10),
    ("integer", 10),
    ("float", 8),
    ("date", 5),
    ("boolean", 6),
    ("char", 6),
    ("tags", 3),
    ("text", 2),
]


def timed(fn, repeat=1):
    """Best wall time (seconds) of ``repeat`` calls, and the last result."""
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def row(label, orm, raw, extra=""):
    ratio = f"{orm / raw:6.1f}x" if raw else "   n/a"
    print(f"{label:<48} ORM {orm * 1000:10.1f} ms   raw SQL {raw * 1000:9.1f} ms  {ratio}  {extra}")


def build_attributes(env, count):
    Attribute = env["crm_plus.attribute"]
    existing = Attribute.with_context(active_test=False).search([("code", "=like", "b\\_%")])
    if len(existing) >= count:
        return existing
    category = env["crm_plus.customer.category"].search([("code", "=", "bench")]) or env[
        "crm_plus.customer.category"
    ].create({"name": "Bench", "code": "bench"})
    made = 0
    for kind, how_many in LAYOUT:
        for n in range(how_many):
            code = f"b_{kind}_{n}"
            if made >= count or Attribute.with_context(active_test=False).search_count([("code", "=", code)]):
                made += 1
                continue
            vals = {"name": f"Bench {kind} {n}", "code": code, "value_type": kind, "section": f"Bench {kind}"}
            if kind in ("selection", "tags"):
                vals["option_ids"] = [Command.create({"name": f"Option {o}", "code": f"o{o}"}) for o in range(5)]
            if kind == "integer" and n < 2:
                vals["indexed"] = True
            if kind == "selection" and n == 0:
                vals.update(indexed=True, required=True, category_ids=[Command.set(category.ids)])
            Attribute.create(vals)
            made += 1
    env.cr.commit()
    return Attribute.search([("code", "=like", "b\\_%")])


def build_partners(env, target):
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s", [BENCH_PREFIX + "%"])
    have = cr.fetchone()[0]
    if have < target:
        print(f"inserting {target - have} partners with SQL ...", flush=True)
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills,
                                        crm_plus_completeness, create_date, write_date, create_uid, write_uid)
               SELECT %s || ' ' || g, %s || ' ' || g, TRUE, TRUE, 'contact', 'ask', 100,
                      now(), now(), 1, 1
                 FROM generate_series(%s, %s) g""",
            [BENCH_PREFIX, BENCH_PREFIX, have + 1, target],
        )
        env.cr.commit()
    return target


def fill_values(env, attributes):
    cr = env.cr
    first = attributes[0]
    cr.execute(SQL("SELECT count(*) FROM res_partner WHERE %s IS NOT NULL", SQL.identifier(first.field_name)))
    if cr.fetchone()[0]:
        return
    print("filling values with SQL ...", flush=True)
    sets = []
    for attribute in attributes:
        col = SQL.identifier(attribute.field_name)
        kind = attribute.value_type
        if kind == "selection":
            expr = SQL("'o' || floor(random() * 5)::int")
        elif kind == "integer":
            # a fifth unset (NULL): unset must not count as a number
            expr = SQL("CASE WHEN random() < 0.2 THEN NULL ELSE floor(random() * 100)::int END")
        elif kind == "float":
            expr = SQL("round((random() * 10000)::numeric, 2)::float8")
        elif kind == "date":
            expr = SQL("DATE '2015-01-01' + floor(random() * 3650)::int")
        elif kind == "boolean":
            expr = SQL("random() < 0.5")
        elif kind in ("char", "text"):
            expr = SQL("'v' || floor(random() * 1000)::int")
        else:
            continue
        sets.append(SQL("%s = %s", col, expr))
    cr.execute(
        SQL(
            "UPDATE res_partner SET %s WHERE name LIKE %s",
            SQL(", ").join(sets),
            BENCH_PREFIX + "%",
        )
    )
    for attribute in attributes.filtered(lambda a: a.value_type == "tags"):
        cr.execute(
            SQL(
                """INSERT INTO %s (partner_id, option_id)
                   SELECT p.id, o.id FROM res_partner p JOIN crm_plus_attribute_option o ON o.attribute_id = %s
                    WHERE p.name LIKE %s AND random() < 0.3 ON CONFLICT DO NOTHING""",
                SQL.identifier(attribute._relation_table()),
                attribute.id,
                BENCH_PREFIX + "%",
            )
        )
    cr.execute("ANALYZE res_partner")
    env["res.partner"]._crm_plus_update_completeness()
    env.cr.commit()


def time_adding_attribute(registry, cr, env, vals, table, repeat=3):
    """Best of ``repeat``: creating the attribute (field, column, views), and the bare ALTER TABLE ADD COLUMN."""

    def add_attribute():
        sp = cr.savepoint()
        start = time.perf_counter()
        env["crm_plus.attribute"].create(vals)
        env.flush_all()
        elapsed = time.perf_counter() - start
        sp.close(rollback=True)
        registry.reset_changes()
        env.invalidate_all()
        return elapsed

    def add_column_raw():
        sp = cr.savepoint()
        start = time.perf_counter()
        cr.execute(f"ALTER TABLE {table} ADD COLUMN bench_raw_col int4")  # bench: our table names
        elapsed = time.perf_counter() - start
        sp.close(rollback=True)
        return elapsed

    return min(add_attribute() for _ in range(repeat)), min(add_column_raw() for _ in range(repeat))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--partners", type=int, default=200_000)
    parser.add_argument("--attributes", type=int, default=50)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args()

    registry = open_registry(args.db)  # configured like the Makefile (PG* env, addons path)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        build_partners(env, args.partners)
        attributes = build_attributes(env, args.attributes)
        fill_values(env, attributes)
        attributes = attributes.sorted("id")
        registry.signal_changes()  # scripts must signal: other workers then reload the new fields
        cr.execute("SELECT count(*) FROM res_partner")
        total = cr.fetchone()[0]
        print(f"\n{total} partners, {len(attributes)} attributes (x_attr_* fields)\n")

        admin = env.ref("base.user_admin")
        uenv = api.Environment(cr, admin.id, {"lang": "en_US"})
        Partner = uenv["res.partner"]

        # 1. add one attribute (idle table), beside ALTER TABLE ADD COLUMN
        orm, raw = time_adding_attribute(
            registry, cr, env, {"name": "Bench added", "code": "bench_added", "value_type": "integer"}, "res_partner"
        )
        row("add an integer attribute (field+views)", orm, raw, "raw = ALTER TABLE ADD COLUMN")

        def recompute():
            sp = cr.savepoint()
            env["crm_plus.attribute"].create({"name": "Bench added", "code": "bench_added", "value_type": "integer"})
            env.flush_all()
            start = time.perf_counter()
            env["res.partner"]._crm_plus_update_completeness()
            elapsed = time.perf_counter() - start
            sp.close(rollback=True)
            registry.reset_changes()
            env.invalidate_all()
            return elapsed

        def recompute_raw():
            sp = cr.savepoint()
            start = time.perf_counter()
            cr.execute("UPDATE res_partner SET crm_plus_completeness = crm_plus_completeness - 1")
            elapsed = time.perf_counter() - start
            sp.close(rollback=True)
            return elapsed

        row(
            "completeness of all customers (cron, async)",
            recompute(),
            recompute_raw(),
            "after a definition change; raw = UPDATE of the column",
        )

        # 2. search on two indexed attributes
        # ">" not "<": like every Odoo integer, "< 5" also matches unset (NULL) values
        domain = [("x_attr_b_integer_0", "=", 42), ("x_attr_b_integer_1", ">", 90)]
        t_orm, found = timed(lambda: Partner.search(domain, limit=80), repeat=20)
        t_raw, _ = timed(
            lambda: cr.execute(
                """SELECT id FROM res_partner WHERE x_attr_b_integer_0 = 42 AND x_attr_b_integer_1 > 90
                   AND active ORDER BY complete_name, id LIMIT 80"""
            ),
            repeat=20,
        )
        cr.execute("SELECT count(*) FROM res_partner WHERE x_attr_b_integer_0 = 42 AND x_attr_b_integer_1 > 90")
        matches = cr.fetchone()[0]
        row("search 2 indexed attributes (warm, limit 80)", t_orm, t_raw, f"{matches} matches, {len(found)} read")

        # correctness: unset numbers are not numbers
        t_orm, orm_count = timed(lambda: Partner.search_count([("x_attr_b_integer_2", ">", 50)]), repeat=3)
        t_raw, _ = timed(lambda: cr.execute("SELECT count(*) FROM res_partner WHERE x_attr_b_integer_2 > 50"), 3)
        raw_count = cr.fetchone()[0]
        row("count integer > 50", t_orm, t_raw, f"ORM {orm_count} / SQL {raw_count} (active only in ORM)")

        # 3. grouped count by a selection attribute
        t_orm, groups = timed(lambda: Partner._read_group([], ["x_attr_b_selection_0"], ["__count"]), repeat=5)
        t_raw, _ = timed(
            lambda: cr.execute("SELECT x_attr_b_selection_0, count(*) FROM res_partner WHERE active GROUP BY 1"),
            repeat=5,
        )
        row("grouped count by a selection attribute", t_orm, t_raw, f"{len(groups)} groups")

        # 4. a list page of 80 customers with 20 attribute columns
        cols = attributes[:20]
        spec = {"display_name": {}, "crm_plus_category_id": {"fields": {"display_name": {}}}}
        for attribute in cols:
            spec[attribute.field_name] = {"fields": {"display_name": {}}} if attribute.value_type == "tags" else {}
        list_domain = [("name", "like", BENCH_PREFIX + "%")]

        def list_page():
            uenv.invalidate_all()
            start = cr.sql_log_count
            Partner.web_search_read(list_domain, spec, limit=80, count_limit=10001)  # as the web client asks
            return cr.sql_log_count - start

        list_page()
        t_orm, queries = timed(list_page, repeat=5)
        col_sql = SQL(", ").join(SQL.identifier(a.field_name) for a in cols if a.value_type != "tags")
        t_raw, _ = timed(
            lambda: cr.execute(
                SQL(
                    "SELECT id, complete_name, %s FROM res_partner WHERE name LIKE %s AND active "
                    "ORDER BY complete_name, id LIMIT 80",
                    col_sql,
                    BENCH_PREFIX + "%",
                )
            ),
            repeat=5,
        )
        list_page_small = None
        uenv.invalidate_all()
        start = cr.sql_log_count
        Partner.web_search_read(list_domain, spec, limit=10, count_limit=10001)
        list_page_small = cr.sql_log_count - start
        row(
            "list page 80 x 20 attribute columns",
            t_orm,
            t_raw,
            f"{queries} queries for 80 rows, {list_page_small} for 10 rows",
        )

        # 5. import 10,000 customers with 20 attributes
        category = env["crm_plus.customer.category"].search([("code", "=", "bench")])
        category_xmlid = category._export_rows([["id"]])[0][0]
        import_cols = attributes.filtered(lambda a: a.value_type != "text")[:20]
        rnd = random.Random(42)

        def cell(attribute):
            kind = attribute.value_type
            if kind in ("selection", "tags"):
                return f"o{rnd.randrange(5)}"
            if kind == "integer":
                return str(rnd.randrange(100))
            if kind == "float":
                return f"{rnd.random() * 1000:.2f}"
            if kind == "date":
                return f"2020-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 28):02d}"
            if kind == "boolean":
                return rnd.choice(["1", "0"])
            return f"text {rnd.randrange(1000)}"

        header = ["name", "crm_plus_category_id/id"] + [a.field_name for a in import_cols]
        rows = [
            [f"Imported bench {i}", category_xmlid] + [cell(a) for a in import_cols] for i in range(args.import_rows)
        ]

        def do_import():
            sp = cr.savepoint()
            start = time.perf_counter()
            result = Partner.with_context(import_file=True, tracking_disable=True).load(header, rows)
            env.flush_all()
            elapsed = time.perf_counter() - start
            sp.close(rollback=True)
            registry.reset_changes()
            uenv.invalidate_all()
            return elapsed, result

        t_orm, result = do_import()
        errors = [m for m in result["messages"] if m["type"] == "error"]

        scalar = [a for a in import_cols if a.value_type != "tags"]
        sql_rows = []
        for data in rows:
            values = dict(zip(header, data, strict=True))
            sql_rows.append(
                [values["name"], category.id]
                + [(values[a.field_name] == "1") if a.value_type == "boolean" else values[a.field_name] for a in scalar]
            )

        def raw_import():
            sp = cr.savepoint()
            start = time.perf_counter()
            columns = ", ".join(f'"{a.field_name}"' for a in scalar)  # generated names: [a-z0-9_]
            execute_values(
                cr._obj,
                f"INSERT INTO res_partner (name, crm_plus_category_id, {columns}, active, type, autopost_bills) "
                "VALUES %s",
                [(*r, True, "contact", "ask") for r in sql_rows],
                page_size=1000,
            )
            elapsed = time.perf_counter() - start
            sp.close(rollback=True)
            return elapsed

        t_raw = raw_import()
        row(
            f"import {args.import_rows} customers x {len(import_cols)} attributes",
            t_orm,
            t_raw,
            f"load(): {len(result['ids'] or [])} created, {len(errors)} errors; raw = INSERT (tags excluded)",
        )
        for message in errors[:3]:
            print("   ", message["message"][:200])
        cr.rollback()
        if args.orders:
            bench_orders(registry, cr, env, args.orders)


ORDER_PREFIX = "BENCH-SO-"
ORDER_KINDS = ["char", "integer", "float", "date", "boolean", "selection", "tags", "text", "datetime", "char"]


def build_orders(env, target):
    """``target`` orders inserted with SQL (one customer each of the bench customers, no lines)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE %s", [ORDER_PREFIX + "%"])
    have = cr.fetchone()[0]
    if have < target:
        print(f"inserting {target - have} orders with SQL ...", flush=True)
        cr.execute("SELECT min(id), max(id) FROM res_partner WHERE name LIKE %s", [BENCH_PREFIX + "%"])
        low, high = cr.fetchone()
        company = env.ref("base.main_company")
        cr.execute(
            """INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                                       currency_id, date_order, state, picking_policy, approval_state, round_number,
                                       round_state, create_date, write_date, create_uid, write_uid)
               SELECT %s || g, p, p, p, %s, %s, now() - mod(g, 700) * interval '1 day', 'draft', 'direct', 'none', 1,
                      'current', now(), now(), 1, 1
                 FROM (SELECT g, %s + mod(g, %s - %s + 1) AS p FROM generate_series(%s, %s) g) s""",
            [ORDER_PREFIX, company.id, company.currency_id.id, low, high, low, have + 1, target],
        )
        cr.execute("ANALYZE sale_order")
        env.cr.commit()


def order_attributes(env, count=20):
    Attribute = env["crm_plus.attribute"]
    made = Attribute.browse()
    for index in range(count):
        kind = ORDER_KINDS[index % len(ORDER_KINDS)]
        vals = {"name": f"Order {kind} {index}", "code": f"bo_{index}", "value_type": kind, "applies_to": "sale.order"}
        if kind in ("selection", "tags"):
            vals["option_ids"] = [Command.create({"name": f"O{n}", "code": f"o{n}"}) for n in range(3)]
        made |= Attribute.create(vals)
    return made


def order_values(attributes, n):
    values = {"char": "abc", "text": "t", "integer": 7, "float": 1.5, "date": "2024-01-01"}
    values |= {"datetime": "2024-01-01 10:00:00", "boolean": True}
    vals = {}
    for attribute in attributes:
        if attribute.value_type == "selection":
            vals[attribute.field_name] = "o1"
        elif attribute.value_type == "tags":
            vals[attribute.field_name] = [Command.set(attribute.option_ids[: 1 + n % 3].ids)]
        else:
            vals[attribute.field_name] = values[attribute.value_type]
    return vals


def bench_orders(registry, cr, env, target):
    build_orders(env, target)
    cr.execute("SELECT count(*) FROM sale_order")
    print(f"\n{cr.fetchone()[0]} orders\n")

    # 6. add one attribute to sale.order (nullable column: no table rewrite)
    orm, raw = time_adding_attribute(
        registry,
        cr,
        env,
        {"name": "Bench order added", "code": "bench_o_added", "value_type": "integer", "applies_to": "sale.order"},
        "sale_order",
    )
    row(f"add an order attribute ({target} orders)", orm, raw, "raw = ALTER TABLE ADD COLUMN")

    # 7. and 8. with 20 order attributes (rolled back at the end)
    sp = cr.savepoint()
    attributes = order_attributes(env)
    Order = env["sale.order"]
    cr.execute("SELECT id FROM sale_order WHERE name LIKE %s ORDER BY id LIMIT 80", [ORDER_PREFIX + "%"])
    page = Order.browse([r[0] for r in cr.fetchall()])
    for n, order in enumerate(page):
        order.write(order_values(attributes, n))
    env.flush_all()
    spec = {"name": {}, "partner_id": {"fields": {"display_name": {}}}, "amount_total": {}, "state": {}}
    for attribute in attributes:
        spec[attribute.field_name] = {"fields": {"display_name": {}}} if attribute.value_type == "tags" else {}

    def list_orders(limit):
        env.invalidate_all()
        start = cr.sql_log_count
        Order.web_search_read([("id", "in", page.ids)], spec, limit=limit)
        return cr.sql_log_count - start

    list_orders(80)
    t_orm, queries_80 = timed(lambda: list_orders(80), repeat=3)
    queries_10 = list_orders(10)
    col_sql = SQL(", ").join(SQL.identifier(a.field_name) for a in attributes if a.value_type != "tags")
    t_raw, _ = timed(
        lambda: cr.execute(SQL("SELECT id, name, %s FROM sale_order WHERE id IN %s", col_sql, tuple(page.ids))), 3
    )
    row("order list 80 x 20 attribute columns", t_orm, t_raw, f"{queries_80} queries for 80 rows, {queries_10} for 10")
    sp.close(rollback=True)
    registry.reset_changes()
    env.invalidate_all()

    # 8. a new round of 200 lines: without order attributes, then with 20 (values set), same query count
    product = env["product.product"].create({"name": "Bench round product", "list_price": 10.0})
    partner = env["res.partner"].search([("name", "like", BENCH_PREFIX + "%")], limit=1)

    def round_queries(with_attributes):
        sp = cr.savepoint()
        vals = {}
        if with_attributes:
            vals = order_values(order_attributes(env), 1)
        lines = [Command.create({"product_id": product.id, "product_uom_qty": 1 + i % 5}) for i in range(200)]
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": lines, **vals})
        env.flush_all()
        env.invalidate_all()
        start, queries = time.perf_counter(), cr.sql_log_count
        order.action_new_round()
        env.flush_all()
        elapsed, queries = time.perf_counter() - start, cr.sql_log_count - queries
        sp.close(rollback=True)
        registry.reset_changes()
        env.invalidate_all()
        return elapsed, queries

    t_without, q_without = round_queries(False)
    t_with, q_with = round_queries(True)
    row(
        "new round, 200 lines, 20 order attributes",
        t_with,
        t_without,
        f"{q_with} queries with the attributes, {q_without} without (raw = the round without order attributes)",
    )
    cr.rollback()


if __name__ == "__main__":
    main()
