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
