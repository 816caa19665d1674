# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL pieces shared by the dashboard report models (products, staff performance, targets).

Days are the company's days: a timestamp (an order's date, an approval) becomes the date it was in the time zone
of the company (its partner's time zone, UTC when unset), so that every reader, wherever they sit, sees the same
figures for the same month, and a target of January counts what the company did in its own January.
"""

from odoo.tools import SQL


def company_timezones(env):
    """SQL: a relation ``(company_id, tz)`` of every company, with a time zone PostgreSQL knows (else UTC)."""
    known = _pg_timezones(env.cr)
    # sudo: the time zone of each company's partner, a setting, not business data; nothing is returned to the caller
    companies = env["res.company"].sudo().with_context(active_test=False).search_fetch([], ["partner_id"])
    rows = [
        SQL("(%s, %s)", company.id, tz if (tz := company.partner_id.tz) in known else "UTC") for company in companies
    ]
    if not rows:
        return SQL("(SELECT NULL::integer AS company_id, 'UTC'::varchar AS tz LIMIT 0)")
    return SQL("(VALUES %s) AS ctz(company_id, tz)", SQL(", ").join(rows))


def ensure_expression_statistics(cr, name, table, expression):
    """Statistics ``name`` on an SQL ``expression`` of ``table``, created once and filled by one ANALYZE.

    A report filtering or grouping by a computed column (an order's day, a target's type) gets the planner's
    estimate from them instead of a guess (1 row: nested loops over thousands). Needs PostgreSQL 14.
    """
    if cr.connection.server_version < 140000:
        return
    cr.execute(SQL("SELECT 1 FROM pg_statistic_ext WHERE stxname = %s", name))
    if cr.fetchone():
        return
    cr.execute(SQL("CREATE STATISTICS %s ON ((%s)) FROM %s", SQL.identifier(name), expression, SQL.identifier(table)))
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def company_date(timestamp, tz):
    """SQL: the date of a UTC ``timestamp`` in the time zone ``tz`` (an SQL expression)."""
    return SQL("((%s) AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", timestamp, tz)


def in_company_currency(amount, rate):
    """SQL: an amount of a document in company currency, by the document's own rate (as Odoo's sale reports)."""
    return SQL("(%s) / COALESCE(NULLIF(%s, 0), 1)", amount, rate)


_TIMEZONES = {}


def _pg_timezones(cr):
    """Time zone names this PostgreSQL server knows (read once per server version)."""
    version = cr.connection.server_version
    if version not in _TIMEZONES:
        cr.execute("SELECT name FROM pg_timezone_names")
        _TIMEZONES[version] = frozenset(name for (name,) in cr.fetchall())
    return _TIMEZONES[version]


# context key of a dashboard pivot that shows only its first groups (``PIVOT(id, 10)`` over thousands of customers):
# {"groupby": "partner_id", "measure": "revenue:sum", "limit": 10}, set by tools/gen_dashboards.py
TOP_GROUPS = "crm_plus_top_groups"


def read_top_groups(records, read_grouping_sets, domain, grouping_sets, aggregates, order):
    """``_read_grouping_sets`` (``read_grouping_sets``, the model's parent method) where the grouping set named by
    the context's ``TOP_GROUPS`` is read by SQL as its ``limit`` groups of largest ``measure``.

    The spreadsheet pivot reads every group and sorts them in the browser: 30,000 customers of a year cost 30,000
    display names (20 s) for the 10 rows the dashboard shows. The rows shown and their figures are the same (the
    groups come in the order the pivot sorts them by), only the rows no formula reaches are left out; the other
    grouping sets (the total) are read as asked. Anything but a well-formed request (a grouping set of exactly that
    field, a measure that is read, a positive limit) changes nothing: the key only narrows what a user may read.
    """
    spec = records.env.context.get(TOP_GROUPS)
    if not isinstance(spec, dict):
        return read_grouping_sets(domain, grouping_sets, aggregates, order=order)
    groupby, measure, limit = spec.get("groupby"), spec.get("measure"), spec.get("limit")
    top = [list(grouping_set) == [groupby] for grouping_set in grouping_sets]
    if not any(top) or measure not in aggregates or not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        return read_grouping_sets(domain, grouping_sets, aggregates, order=order)
    others = [grouping_set for grouping_set, is_top in zip(grouping_sets, top, strict=True) if not is_top]
    # the order names the cut field too (the pivot orders by its rows): kept only if the others group by it all
    grouped = {spec for grouping_set in others for spec in grouping_set}
    if order and any(part.split()[0] not in grouped for part in order.split(",") if part.strip()):
        order = None
    other_results = iter(read_grouping_sets(domain, others, aggregates, order=order) if others else ())
    groups = records._read_group(domain, [groupby], aggregates, order=f"{measure} desc", limit=limit)
    return [groups if is_top else next(other_results) for is_top in top]
