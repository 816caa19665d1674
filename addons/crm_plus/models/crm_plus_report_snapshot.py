# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dashboard snapshots: the rows of a report, copied into a table, for the dashboards to read in a blink.

A report model is a query over the live tables: always right, and on a million plan steps, 200,000 customers and
100,000 orders a dashboard of seven such reads takes several seconds. A report model inheriting
``crm_plus.report.snapshot.mixin`` also keeps a *snapshot*: its rows as they were at the last refresh, in a table
``<report table>_snapshot`` of the same columns.

* Who reads it: a read whose context has ``crm_plus_dashboard_snapshot`` (the dashboards' pivots, charts and lists
  set it). Every other read (report menus, achievement of targets, exports, tests) reads the live query. The key
  chooses the copy, nothing else: access rights, record rules and the read's domain apply to the snapshot's rows as
  to the live ones (same model, same columns), so a salesperson sees of the snapshot what they see of the report.
* Grain: the report's own rows, so every filter, grouping, drill-down and rule works unchanged. What the reports
  compute against today (days overdue, late steps, rates of the day) is the value of the refresh's day.
* Refresh: by the cron *CRM Plus: refresh dashboard figures* (every 15 minutes), by a sales manager's *Refresh
  Dashboard Figures*, and at module install/update. One refresh at a time: it locks every snapshot (readers are not
  blocked), or gives up at once when another refresh holds them. Then, per report, two statements: ``DELETE`` its
  rows, ``INSERT ... SELECT`` the live rows (one statement: one consistent view of the live tables, whatever writers
  do meanwhile), and it records when (``crm_plus.report.snapshot``, the *as of* shown to users). Readers see the
  previous rows until the refresh commits, then the new ones, never a half.
* Uninstall: the snapshot tables belong to no model; ``drop_snapshot_tables`` (the uninstall hook) drops them.

Here, with the models (not under report/): the reports inherit the mixin, and their ``init`` stamps their first
snapshot in ``crm_plus.report.snapshot``'s table, so both must exist before any report.
"""

import logging
import time

from psycopg2.errors import LockNotAvailable

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools import mute_logger

from ..access import require_groups

_logger = logging.getLogger(__name__)

# context key of the dashboards' reads (declared in access.CLIENT_CONTEXT_KEYS: it only picks the as-of copy)
SNAPSHOT = "crm_plus_dashboard_snapshot"
MIXIN = "crm_plus.report.snapshot.mixin"


def snapshot_models(env):
    """The report models that keep a snapshot (the mixin's users, found in the registry)."""
    return [env[name] for name in sorted(env.registry[MIXIN]._inherit_children) if not env[name]._abstract]


def drop_snapshot_tables(env):
    """Drop every snapshot table (uninstall): they belong to no model, the ORM would leave them behind."""
    for report in snapshot_models(env):
        env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(report._snapshot_table)))


class CrmPlusReportSnapshotMixin(models.AbstractModel):
    """A report whose dashboard reads come from its snapshot (see the module docstring)."""

    _name = MIXIN
    _description = "Report with a Dashboard Snapshot"

    @property
    def _snapshot_table(self):
        return f"{self._table}_snapshot"

    def _snapshot_wanted(self):
        """Whether this read is served from the snapshot: asked for by the context. A report whose rows depend on
        the context (a chosen period) overrides it to say no when the context is not the snapshot's."""
        return bool(self.env.context.get(SNAPSHOT))

    @property
    def _table_sql(self):
        if self._snapshot_wanted():
            return SQL.identifier(self._snapshot_table)
        return super()._table_sql

    def _snapshot_live_sql(self):
        """SQL of the live rows, as the report reads them outside the dashboards."""
        live = self.with_context({key: value for key, value in self.env.context.items() if key != SNAPSHOT})
        return super(CrmPlusReportSnapshotMixin, live)._table_sql

    def _snapshot_create(self):
        """(Re)create the snapshot table from the live rows: at install/update, when the report's columns may have
        changed. Called at the end of the report's ``init``."""
        cr = self.env.cr
        table = SQL.identifier(self._snapshot_table)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        self.env.execute_query(SQL("CREATE TABLE %s AS SELECT * FROM %s AS live", table, self._snapshot_live_sql()))
        cr.execute(SQL("ALTER TABLE %s ADD PRIMARY KEY (id)", table))
        for name, definition in self._snapshot_indexes().items():
            index = SQL.identifier(f"{self._snapshot_table}_{name}_idx")
            cr.execute(SQL("CREATE INDEX %s ON %s %s", index, table, definition))
        cr.execute(SQL("ANALYZE %s", table))
        self.env["crm_plus.report.snapshot"]._stamp(self._name, 0.0)

    def _snapshot_indexes(self):
        """Indexes of the snapshot (name -> SQL ``(columns) [WHERE ...]``): what the dashboards filter on."""
        return {}

    def _snapshot_refresh(self):
        """Replace the snapshot's rows by the live ones: O(1) statements, one consistent view (module docstring).
        The caller holds the snapshot's lock (``crm_plus.report.snapshot._lock_all``)."""
        cr = self.env.cr
        table = SQL.identifier(self._snapshot_table)
        started = time.perf_counter()
        cr.execute(SQL("DELETE FROM %s", table))
        # execute_query: flushes the report's source fields (its _depends) first
        self.env.execute_query(SQL("INSERT INTO %s SELECT * FROM %s AS live", table, self._snapshot_live_sql()))
        self.env["crm_plus.report.snapshot"]._stamp(self._name, time.perf_counter() - started)

    @api.private  # the ORM calls it at install/update; never a client
    def init(self):
        super().init()
        if not self._abstract:  # the mixin itself has no rows
            self._snapshot_create()


class CrmPlusReportSnapshot(models.Model):
    """When each report's dashboard snapshot was taken (one row per report model)."""

    _name = "crm_plus.report.snapshot"
    _description = "Dashboard Figures Refresh"
    _order = "model"
    _rec_name = "model"

    model = fields.Char(string="Report", required=True, readonly=True)
    as_of = fields.Datetime(string="As Of", readonly=True, help="The dashboards show the figures of this moment.")
    duration = fields.Float(string="Refresh (s)", readonly=True, digits=(16, 1))

    _model_unique = models.UniqueIndex("(model)", "A report has one snapshot.")

    @api.model
    def _stamp(self, model, duration):
        """Record that the snapshot of ``model`` was taken now (the transaction's start: nothing committed later is
        in it). One upsert, in the refresh's transaction."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_plus_report_snapshot (model, as_of, duration, create_uid, write_uid,
                                                      create_date, write_date)
                VALUES (%(model)s, now() AT TIME ZONE 'UTC', %(duration)s, %(uid)s, %(uid)s,
                        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                ON CONFLICT (model) DO UPDATE SET as_of = EXCLUDED.as_of, duration = EXCLUDED.duration,
                                                  write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                model=model,
                duration=duration,
                uid=self.env.uid,
            )
        )
        self.invalidate_model(["as_of", "duration"])

    @api.model
    def _lock_all(self, reports):
        """Lock the snapshots of ``reports`` against another refresh, or say False when one is running.

        SHARE ROW EXCLUSIVE conflicts with itself, not with readers: the dashboards keep reading the previous rows.
        No waiting: the refresh under way shows the data of its start, the next one (15 minutes) what came since.
        A refresh that got the lock after another one committed, in a transaction whose view of the data is older
        (repeatable read), fails on its DELETE with a serialization error: a request is retried by Odoo, the cron
        runs again at its next time.
        """
        tables = SQL(", ").join(SQL.identifier(report._snapshot_table) for report in reports)
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(SQL("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE NOWAIT", tables))
        except LockNotAvailable:
            return False
        return True

    @api.model
    def _refresh_all(self):
        """Refresh every report's snapshot, in this transaction; False when another refresh is running."""
        reports = snapshot_models(self.env)
        self.env.flush_all()  # what this transaction wrote is in the snapshots
        if not self._lock_all(reports):
            _logger.info("dashboard snapshots: a refresh is already running")
            return False
        for report in reports:
            report._snapshot_refresh()
            _logger.info("dashboard snapshot of %s refreshed", report._name)
        return True

    @api.model
    def _cron_refresh(self):
        self._refresh_all()

    @api.model
    @require_groups("sales_team.group_sale_manager")
    def action_refresh(self):
        """A sales manager's *Refresh Dashboard Figures*: every snapshot, now."""
        # sudo: the snapshots hold every salesperson's rows (record rules apply when they are read); the caller is a
        # sales manager (checked above), and nothing but the refresh times is returned
        if not self.sudo()._refresh_all():
            raise UserError(self.env._("The dashboard figures are being refreshed: try again in a minute."))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Dashboard figures refreshed."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
