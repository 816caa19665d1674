# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dunning run: reminders before due dates, then dunning after, exactly once.

What is dunned is what customers really owe (``receivables``): the receivable lines of posted customer
invoices, from any source, and the part of prepayment steps (*collect before invoicing*) that no invoice
covers yet; the same money is never dunned twice, and the receivables aging reads the same items.

Exactly once rests on the database, not on the code path:

* every item a communication carries has the key (invoice line or step, level, channel) under a
  unique index, inserted with ``ON CONFLICT DO NOTHING``; a communication left
  without items is removed in the same transaction;
* work goes in batches of customers (about ``batch_size`` items each); a batch
  locks its customers and their items with ``try_lock_for_update`` (rows another
  worker holds are skipped and picked up by that worker or the next run), reads
  the open residuals *after* locking (a customer who paid meanwhile gets
  nothing), writes, queues its mails and commits through the cron progress API;
* a crash loses at most the batch in flight, whose keys are not committed, so
  the next run sends exactly those;
* mails are only queued (``mail.mail``, outgoing); the mail queue sends them
  after the batch committed.

One bad record never stalls the others (``_isolated``): a dispatch chunk, a batch of
reminders or the statements of a mail batch that fails is split in halves, in savepoints,
down to the records that fail; those are marked failed with their error and attempt count
(``crm_plus.dunning.attention.mixin``), retried by the next runs (``_retry_failed``) and
notified to the workflow administrator, while every other record of the batch is done
in batches as before.
"""

import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from psycopg2 import errors as pg_errors

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from .. import dunning_channels
from .. import receivables
from ..locking import try_lock
from .crm_plus_dunning_attention_mixin import MAX_ATTEMPTS
from .ir_qweb import CONTEXT_KEY
from .ir_qweb import InlineQwebCache

_logger = logging.getLogger(__name__)

# Serialization failures and lock timeouts between concurrent workers: the batch
# is dropped (nothing of it committed) and retried by the next run.
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable, pg_errors.DeadlockDetected)
GLOBAL_LOCK_KEY = 0x0C4D_0D11  # advisory lock of the run-wide phase
RUN_ACTIVE_KEY = 0x0C4D_0D12  # held (shared) by every committing run while it lasts: the dispatch worker waits for it
DISPATCH_CHUNK = 2000  # communications whose mails and activities are made together
DISPATCH_POLL_S = 1.0  # the dispatch worker looks for a full chunk this often while a run makes communications
DISPATCH_IDLE_S = 120  # ... and gives up when none came for this long (a run that hangs, or holds the lock forever)


class CrmPlusDunningRun(models.AbstractModel):
    _name = "crm_plus.dunning.run"
    _description = "Dunning Run"

    # ------------------------------------------------------------------ entry

    @api.model
    def _cron_dunning(self):
        self._run(commit=True)

    @api.model
    def _cron_dispatch(self):
        """The second worker of a run: queues mails and schedules activities while the run goes on.

        A committing run triggers this job (``ir_cron_dunning_dispatch``) when it starts its batches, so that a
        second cron worker (Odoo runs two by default; in multi-process mode, on the other core) makes the emails
        of the batches already committed while the run writes the next ones, then drains the rest beside it.
        Work is shared as in any dispatch pass (chunks locked with SKIP LOCKED): nothing is made twice, and with
        no second worker the run dispatches everything itself, as before. While a run is still writing, it takes
        full chunks only (few, large chunks keep the queries per item flat)."""
        stats = defaultdict(int)
        idle_since = time.monotonic()
        while True:
            running = self._run_active()
            dispatched = self._dispatch_pass(True, stats, min_chunk=DISPATCH_CHUNK if running else 1)
            if dispatched:
                idle_since = time.monotonic()
            elif not running or time.monotonic() - idle_since > DISPATCH_IDLE_S:
                break
            else:
                time.sleep(DISPATCH_POLL_S)
            if self.env["ir.cron"]._commit_progress(0) <= 0:
                break
        _logger.info("dunning dispatch worker: %s", dict(stats))
        return stats

    def _run_active(self):
        """Whether a committing run is going on (it holds the run lock, shared)."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_ACTIVE_KEY))
        free = self.env.cr.fetchone()[0]
        if free:
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_ACTIVE_KEY))
        return not free

    @api.model
    def _run(self, today=None, batch_size=2000, commit=False, partner_ids=None, company_ids=None):
        """Run reminders and dunning; returns counters.

        :param commit: commit after every batch (cron and background runs); without it each
            batch runs in a savepoint of the caller's transaction (manual run, tests).
        :param partner_ids: restrict to these customers (commercial partners).
        :param company_ids: restrict to the steps of these companies (a manual run: the user's companies).
        """
        today = today or fields.Date.context_today(self)
        stats = defaultdict(int)
        started = time.monotonic()
        with self._active(commit):
            self._run_phases(today, batch_size, commit, partner_ids, company_ids, stats)
        stats["seconds"] = time.monotonic() - started
        _logger.info("dunning run %s: %s", today, dict(stats))
        return stats

    def _run_phases(self, today, batch_size, commit, partner_ids, company_ids, stats):
        with self._exclusive(commit):
            self._in_batch(commit, self._update_states, today, partner_ids)
            self._commit(commit, 0)
            # what failed in earlier runs gets another attempt (communications in the dispatch below)
            stats["retried"] += self._in_batch(commit, self._retry_failed, partner_ids, company_ids) or 0
            self._commit(commit, 0)
            # reminders before the due date
            while True:
                done = self._in_batch(commit, self._remind_batch, today, batch_size, partner_ids, company_ids)
                self._commit(commit, done or 0)
                if not done:
                    break
                stats["reminders"] += done
        # dunning after it; customers another worker held (or a conflict dropped) get one more pass
        retry_ids = self._dunning_pass(today, batch_size, partner_ids, commit, stats, company_ids)
        if retry_ids:
            self._dunning_pass(today, batch_size, retry_ids, commit, stats, company_ids)
        # then mails and activities, also for what an interrupted run left pending (with the dispatch worker)
        self._dispatch_pass(commit, stats)

    def _dunning_pass(self, today, batch_size, partner_ids, commit, stats, company_ids=None):
        """Plan the batches, then run them one transaction each; return the customers to retry."""
        batches = self._plan_batches(today, batch_size, partner_ids, company_ids)
        if commit and batches:
            # a second cron worker makes the emails of the committed batches meanwhile (see _cron_dispatch)
            # sudo: the run (cron) wakes the dispatch job, whoever's job it is
            self.env.ref("crm_plus.ir_cron_dunning_dispatch").sudo()._trigger()
        # each batch starts a fresh transaction (snapshot) right at its lock
        self._commit(commit, 0)
        remaining = sum(count for _chunk, count in batches)
        stats["batches"] += len(batches)
        retry_ids = []
        for chunk, count in batches:
            t0 = time.monotonic()
            result = self._in_batch(commit, self._dunning_batch, today, chunk, company_ids)
            remaining -= count
            stats["batch_max_s"] = max(stats["batch_max_s"], time.monotonic() - t0)
            if result is None:
                stats["skipped_batches"] += 1
                retry_ids += chunk
            else:
                retry_ids += result.pop("locked_out_ids", [])
                for key, value in result.items():
                    stats[key] += value
            if self._commit(commit, count, remaining) <= 0:
                break
        return retry_ids

    # ----------------------------------------------------------- transactions

    def _in_batch(self, commit, method, *args):
        """Run one unit of work: in a savepoint, or in its own transaction when committing."""
        if not commit:
            with self.env.cr.savepoint():
                return method(*args)
        try:
            return method(*args)
        except CONCURRENCY_ERRORS as error:
            # another worker holds or just changed these rows: drop this batch, it is retried later
            _logger.info("dunning batch %s skipped: %s", method.__name__, error)
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            return None

    def _isolated(self, records, work):
        """``work(records)`` in a savepoint; when it raises, each half again, down to the records that fail.

        Returns ``{record: exception}`` of the records that failed alone. The good records are still done
        in batches (a failure costs a few more batches, not one per record). Conflicts between workers
        are not a record's failure: they propagate and drop the whole batch, retried later.
        """
        try:
            with self.env.cr.savepoint():
                work(records)
            return {}
        except CONCURRENCY_ERRORS:
            raise
        except Exception as error:  # any failure of one record: it must not stop the others
            if len(records) == 1:
                return {records: error}
            _logger.info("dunning: %s of %s records failed, isolating: %s", work, len(records), error)
        half = len(records) // 2
        failures = self._isolated(records[:half], work)
        failures.update(self._isolated(records[half:], work))
        return failures

    def _retry_failed(self, partner_ids=None, company_ids=None):
        """Another attempt for what earlier runs failed on (up to MAX_ATTEMPTS failed attempts each).

        Communications go back to the dispatch phase (email with its statement, call, escalation route);
        reminders notify again.
        """
        domain = [("needs_attention", "=", True), ("retry_count", "<", MAX_ATTEMPTS)]
        if partner_ids:
            domain.append(("partner_id", "in", list(partner_ids)))
        if company_ids:
            domain.append(("company_id", "in", list(company_ids)))
        communications = self.env["crm_plus.dunning.communication"].search(
            [*domain, ("state", "=", "failed"), ("failure_stage", "in", ("dispatch", "statement"))]
        )
        communications._crm_plus_requeue()
        Reminder = self.env["crm_plus.dunning.reminder"]
        reminders = Reminder.search(domain)
        if reminders:
            failures = self._isolated(reminders, lambda batch: batch._notify())
            reminders.filtered(lambda reminder: reminder not in failures)._crm_plus_clear_failure()
            Reminder._crm_plus_mark_failed(failures)
        return len(communications) + len(reminders)

    def _commit(self, commit, processed, remaining=None):
        """Commit the batch (cron progress when run by the cron); return the time left."""
        if not commit:
            self.env.flush_all()
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    @contextmanager
    def _active(self, commit):
        """A committing run holds the run lock (shared: runs on several workers may overlap) while it lasts."""
        with self._session_lock(commit, RUN_ACTIVE_KEY, shared=True):
            yield

    @contextmanager
    def _exclusive(self, commit):
        """Workers take turns for the set-based phase (states, reminders), each in fresh transactions.

        A session advisory lock, taken and followed by a commit, so that the work after it reads a
        snapshot that includes what the previous worker committed (repeatable read).
        """
        with self._session_lock(commit, GLOBAL_LOCK_KEY):
            yield

    @contextmanager
    def _session_lock(self, commit, key, shared=False):
        """A session advisory lock on ``key`` while the block runs (committing runs only), then a fresh transaction."""
        if not commit:
            yield
            return
        suffix = SQL("_shared") if shared else SQL()
        self.env.cr.execute(SQL("SELECT pg_advisory_lock%s(%s)", suffix, key))
        self.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            yield
        finally:
            # the connection goes back to a pool: never leave the session lock behind
            self.env.cr.rollback()  # pylint: disable=invalid-commit
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock%s(%s)", suffix, key))
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _global_lock(self):
        """One worker updates states at a time; the next one waits, then finds little left to change."""
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", GLOBAL_LOCK_KEY))

    # ---------------------------------------------------------------- states

    def _update_states(self, today, partner_ids=None):
        """Step states (due/overdue as days pass) and customers' dunning levels, set-based.

        :param partner_ids: a run on some customers updates their levels only (the scheduled run: everyone's)."""
        self._global_lock()
        self.env["crm_plus.plan.step"]._cron_update_state()
        # promises kept or broken: a broken one releases its items now
        self.env["crm_plus.dunning.promise"]._settle(today)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH current AS (%s)
                UPDATE res_partner p
                   SET crm_plus_dunning_level_id = c.level_id
                  FROM (SELECT p2.id, c2.level_id
                          FROM res_partner p2
                          LEFT JOIN current c2 ON c2.partner_id = p2.id
                         WHERE (c2.partner_id IS NOT NULL OR p2.crm_plus_dunning_level_id IS NOT NULL) %s) c
                 WHERE p.id = c.id AND p.crm_plus_dunning_level_id IS DISTINCT FROM c.level_id
                """,
                self._partner_level_query(today, partner_ids),
                SQL("AND p2.id IN %s", tuple(partner_ids)) if partner_ids else SQL(),
            ),
            # two runs at the same moment (two workers or nodes): the second one's snapshot predates the first
            # one's update and PostgreSQL refuses it; that propagates (the cron drops the batch, a manual run's
            # request is retried by Odoo) and is expected, not a "bad query" for the error log
            log_exceptions=False,
        )
        # levels were written in SQL: drop every cached value derived from them (partners, orders, plans)
        self.env.invalidate_all()
        return True

    # ------------------------------------------------------------- selection

    def _scope_filter(self, partner_ids=None, company_ids=None, alias="s"):
        """SQL restricting rows of ``alias`` (steps, items) to some customers and companies (TRUE when not given)."""
        table = SQL.identifier(alias)
        return SQL(
            "%s %s",
            SQL("%s.partner_id IN %s", table, tuple(partner_ids)) if partner_ids else SQL("TRUE"),
            SQL("AND %s.company_id IN %s", table, tuple(company_ids)) if company_ids else SQL(),
        )

    def _items_query(self, today, partner_ids=None, company_ids=None, credits=False):
        """Open overdue dunning items (see ``receivables``): invoices' receivable lines and the uninvoiced part
        of prepayment steps, due before ``today``, not waiting for a delivery, with a positive residual.

        :param credits: the open credits too (credit notes not reconciled yet, negative): what the customer owes
            in total, as the aging counts it; the run duns the positive items only."""
        invoice_where = SQL(
            "aml.amount_residual_currency %s 0"
            " AND COALESCE(aml.date_maturity, am.invoice_date_due, am.date) < %s %s %s",
            SQL("<>") if credits else SQL(">"),
            today,
            # the customers' invoices first (an array, so that their lines are read by move): filtered after the
            # join, PostgreSQL scans every receivable line for a batch of 200 customers (0.55 s instead of 0.03 s)
            SQL(
                """AND am.commercial_partner_id IN %(partners)s
                   AND aml.move_id = ANY(ARRAY(SELECT id FROM account_move
                                                WHERE commercial_partner_id IN %(partners)s
                                                  AND move_type IN ('out_invoice', 'out_refund')))""",
                partners=tuple(partner_ids),
            )
            if partner_ids
            else SQL(),
            SQL("AND aml.company_id IN %s", tuple(company_ids)) if company_ids else SQL(),
        )
        step_where = SQL("s.date_due < %s AND %s", today, self._scope_filter(partner_ids, company_ids))
        return SQL(
            "SELECT * FROM (%s) items WHERE NOT items.waiting AND items.amount_residual %s 0",
            receivables.open_items_sql(invoice_where, step_where),
            SQL("<>") if credits else SQL(">"),
        )

    def _leveled_items_query(self, today, partner_ids=None, company_ids=None):
        """Open overdue items with the level each one reached on its own.

        Items due before their policy's start date (``start_date``: history taken over at install) are left
        out: they reach no level, so they are neither dunned nor raise the customer's level. So are the items
        finance holds (``crm_plus.dunning.promise``): disputed ones, and promised ones until the promise date."""
        return SQL(
            """
            SELECT it.move_line_id, it.step_id, it.move_id, it.order_id, it.partner_id, it.company_id,
                   it.currency_id, it.user_id, it.team_id, it.date_due,
                   (%(today)s::date - it.date_due) AS days, it.amount, it.amount_residual,
                   lv.id AS level_id, lv.days_overdue AS level_days
              FROM (%(items)s) it
              JOIN res_partner p ON p.id = it.partner_id
              LEFT JOIN crm_plus_customer_category cat ON cat.id = p.crm_plus_category_id
              LEFT JOIN crm_plus_dunning_policy dp
                     ON dp.company_id = it.company_id AND dp.company_default AND dp.active
              JOIN crm_plus_dunning_policy pol
                ON pol.id = COALESCE(p.crm_plus_dunning_policy_id, cat.crm_plus_dunning_policy_id, dp.id)
              JOIN LATERAL (
                    SELECT l.id, l.days_overdue
                      FROM crm_plus_dunning_level l
                     WHERE l.policy_id = pol.id
                       AND l.days_overdue <= %(today)s::date - it.date_due
                  ORDER BY l.days_overdue DESC
                     LIMIT 1) lv ON TRUE
               -- history older than the policy's start (taken over at install) is not dunned
             WHERE (pol.start_date IS NULL OR it.date_due >= pol.start_date)
               -- held by finance: a dispute until resolved, a promise to pay until its date
               AND NOT EXISTS (
                    SELECT 1 FROM crm_plus_dunning_promise h
                     WHERE h.partner_id = it.partner_id AND h.state = 'open'
                       AND (h.kind = 'dispute' OR h.date_promised >= %(today)s::date)
                       AND ((h.move_line_id IS NULL AND h.step_id IS NULL)
                            OR h.move_line_id = it.move_line_id OR h.step_id = it.step_id))
            """,
            today=today,
            items=self._items_query(today, partner_ids, company_ids),
        )

    def _partner_level_query(self, today, partner_ids=None):
        """The level of each customer: the highest level any of its open items reached."""
        return SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, level_id
              FROM (%s) leveled
          ORDER BY partner_id, level_days DESC, level_id DESC
            """,
            self._leveled_items_query(today, partner_ids),
        )

    def _pending_query(self, today, partner_ids=None, company_ids=None):
        """Keys (item, customer level, channel) not communicated yet, with what a communication needs."""
        return SQL(
            """
            WITH leveled AS (
                    -- each item with its customer's level (the highest any of its items reached) in one pass:
                    -- a join of the items with their customers' levels would be planned as a nested loop
                    SELECT it.*, first_value(it.level_id) OVER (
                               PARTITION BY it.partner_id ORDER BY it.level_days DESC, it.level_id DESC
                           ) AS partner_level_id
                      FROM (%(leveled)s) it)
            SELECT st.move_line_id, st.step_id, st.order_id, st.partner_id, st.partner_level_id AS level_id, ch.channel,
                   st.company_id, st.date_due, st.days, st.amount, st.amount_residual, st.currency_id,
                   COALESCE(p.user_id, st.user_id) AS salesman_id,
                   COALESCE(l.escalation_user_id, team.user_id, p.user_id, st.user_id) AS manager_id,
                   COALESCE(p.email, '') <> '' AS has_email,
                   CASE ch.channel %(needs)s ELSE TRUE END AS has_needs,
                   EXISTS (SELECT 1 FROM crm_plus_dunning_promise h
                            WHERE h.partner_id = st.partner_id AND h.state = 'broken'
                              AND h.broken_notified IS NOT TRUE) AS broken_promise
              FROM leveled st
              JOIN crm_plus_dunning_level l ON l.id = st.partner_level_id
              JOIN res_partner p ON p.id = st.partner_id
              LEFT JOIN crm_team team ON team.id = st.team_id
             CROSS JOIN LATERAL unnest(array_remove(ARRAY[%(channels)s], NULL)) AS ch(channel)
             WHERE NOT EXISTS (
                    -- the expression of the unique key, so that its index answers
                    SELECT 1 FROM crm_plus_dunning_communication_line k
                     WHERE COALESCE(k.move_line_id, 0) = COALESCE(st.move_line_id, 0)
                       AND COALESCE(k.step_id, 0) = COALESCE(st.step_id, 0)
                       AND k.level_id = st.partner_level_id AND k.channel = ch.channel)
          ORDER BY st.partner_id, st.date_due, st.move_line_id, st.step_id
            """,
            leveled=self._leveled_items_query(today, partner_ids, company_ids),
            # the channels each level switches on, and whether the customer has what each one needs
            channels=SQL(", ").join(
                SQL("CASE WHEN %s THEN %s END", channel.enabled_sql("l"), channel.code)
                for channel in dunning_channels.communicating()
            ),
            needs=SQL(" ").join(
                SQL("WHEN %s THEN %s", channel.code, channel.needs_sql("p"))
                for channel in dunning_channels.communicating()
                if channel.needs
            ),
        )

    def _crm_plus_open_items_of(self, partner):
        """The open items of one customer (due or not) for its portal: documents, due dates, open amounts; its
        open credit notes too (negative)."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT it.move_line_id, it.step_id, it.date_due, it.amount_residual, it.currency_id,
                       CASE WHEN it.amount_residual > 0 THEN GREATEST(%(today)s::date - it.date_due, 0) ELSE 0 END
                           AS days_overdue,
                       COALESCE(am.name, so.name || ' / ' || COALESCE(s.name->>%(lang)s, s.name->>'en_US', ''))
                           AS name
                  FROM (%(items)s) it
                  LEFT JOIN account_move am ON am.id = it.move_id
                  LEFT JOIN sale_order so ON so.id = it.order_id
                  LEFT JOIN crm_plus_plan_step s ON s.id = it.step_id
              ORDER BY it.date_due, it.move_line_id, it.step_id
                """,
                today=today,
                lang=partner.lang or "en_US",
                items=self._items_query(date.max, partner.ids, credits=True),
            )
        )
        rows = self.env.cr.dictfetchall()
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in rows})
        for row in rows:
            row["currency"] = currencies.browse(row["currency_id"])
        return rows

    @api.model
    def _overdue_totals(self, today=None, partner_ids=None, company_ids=None):
        """{customer: open overdue amount}: the items the run works from (before levels and start dates), less
        the customer's overdue open credits; it equals the overdue total of the receivables aging
        (``crm_plus.report.aging``, days overdue > 0)."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, sum(amount_residual) FROM (%s) items GROUP BY partner_id",
                self._items_query(today, partner_ids, company_ids, credits=True),
            )
        )
        return dict(self.env.cr.fetchall())

    def _plan_batches(self, today, batch_size, partner_ids=None, company_ids=None):
        """Customers with pending keys, chunked so that a batch holds about ``batch_size`` items."""
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, count(DISTINCT (move_line_id, step_id))
                     FROM (%s) pending GROUP BY partner_id ORDER BY partner_id""",
                self._pending_query(today, partner_ids, company_ids),
            )
        )
        batches, chunk, size = [], [], 0
        for partner_id, count in self.env.cr.fetchall():
            if chunk and size + count > batch_size:
                batches.append((chunk, size))
                chunk, size = [], 0
            chunk.append(partner_id)
            size += count
        if chunk:
            batches.append((chunk, size))
        return batches

    @api.model
    def _preview(self, today=None, partner_ids=None, company_ids=None):
        """What a run would send now, per customer: [{partner_id, level_id, channels, steps, amount, has_email}]."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, level_id, array_agg(DISTINCT channel ORDER BY channel),
                       count(DISTINCT (move_line_id, step_id)), bool_and(has_email)
                  FROM (%s) pending GROUP BY partner_id, level_id ORDER BY partner_id
                """,
                self._pending_query(today, partner_ids, company_ids),
            )
        )
        rows = self.env.cr.fetchall()
        amounts = self._amounts_by_partner(today, [row[0] for row in rows], company_ids)
        return [
            {
                "partner_id": partner_id,
                "level_id": level_id,
                "channels": channels,
                "step_count": count,
                "amount_residual": amounts.get(partner_id, 0.0),
                "has_email": has_email,
            }
            for partner_id, level_id, channels, count, has_email in rows
        ]

    def _amounts_by_partner(self, today, partner_ids, company_ids=None):
        if not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, sum(amount_residual) FROM (%s) leveled GROUP BY partner_id",
                self._leveled_items_query(today, partner_ids, company_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    # ----------------------------------------------------------------- batch

    def _dunning_batch(self, today, partner_ids, company_ids=None):
        """Lock, re-read, insert keys, queue: one batch of customers."""
        partners = try_lock(self.env["res.partner"].browse(partner_ids), allow_referencing=True)
        locked_out_ids = sorted(set(partner_ids) - set(partners.ids))
        if not partners:
            return {"locked_out": len(locked_out_ids), "locked_out_ids": locked_out_ids}
        self.env.cr.execute(self._pending_query(today, partners.ids, company_ids))
        rows = self.env.cr.dictfetchall()
        if not rows:
            return {"locked_out": len(locked_out_ids), "locked_out_ids": locked_out_ids}
        # items being paid right now are locked by the reconciliation: leave them for the next run
        steps = self.env["crm_plus.plan.step"].browse({row["step_id"] for row in rows if row["step_id"]})
        lines = self.env["account.move.line"].browse({row["move_line_id"] for row in rows if row["move_line_id"]})
        locked = {("step", id_) for id_ in try_lock(steps, allow_referencing=True).ids}
        locked |= {("line", id_) for id_ in try_lock(lines, allow_referencing=True).ids}
        rows = [
            row
            for row in rows
            if (("line", row["move_line_id"]) if row["move_line_id"] else ("step", row["step_id"])) in locked
        ]
        result = {
            "communications": 0,
            "items": 0,
            "customers": 0,
            "locked_out": len(locked_out_ids),
            "locked_out_ids": locked_out_ids,
        }
        if not rows:
            return result

        def write(customers):
            ids = set(customers.ids)
            counts = self._dunning_write(today, [row for row in rows if row["partner_id"] in ids])
            self.env.flush_all()
            for key, value in counts.items():
                result[key] += value

        # a customer whose communications cannot be written is left out (retried by the next run), not the batch
        failures = self._isolated(partners.browse(sorted({row["partner_id"] for row in rows})), write)
        if failures:
            self._customers_failed(failures, rows)
            result["failed_customers"] = len(failures)
        return result

    def _dunning_write(self, today, rows):
        """Communications and their items (the exactly-once keys) for ``rows`` of pending keys."""
        # one communication per customer, level, channel and company (a customer may buy from several companies);
        # a customer without what a channel needs gets its fallback (no email: a letter with a phone call);
        # the item's key keeps the channel it was due for
        groups = defaultdict(list)
        for row in rows:
            channel = row["channel"]
            if not row["has_needs"]:
                channel = dunning_channels.REGISTRY[channel].fallback
                if not channel:
                    continue  # nothing to fall back to: the key stays pending
            groups[row["partner_id"], row["level_id"], channel, row["company_id"]].append(row)
        fallbacks = {channel.fallback for channel in dunning_channels.communicating() if "email" in channel.needs}
        Communication = self.env["crm_plus.dunning.communication"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        keys = list(groups)
        broken = {row["partner_id"] for row in rows if row["broken_promise"]}
        vals_list = []
        for partner_id, level_id, channel, company_id in keys:
            items = groups[partner_id, level_id, channel, company_id]
            first = items[0]
            amounts = {(row["move_line_id"], row["step_id"]): row["amount_residual"] for row in items}
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "level_id": level_id,
                    "channel": channel,
                    "company_id": company_id,
                    "currency_id": first["currency_id"],
                    "user_id": first["salesman_id"],
                    "date": today,
                    "amount_residual": sum(amounts.values()),
                    "missing_email": channel in fallbacks and not first["has_email"],
                    "broken_promise": partner_id in broken,
                    "escalation_user_id": first["manager_id"] if channel == "escalation" else False,
                    # mails and activities are made by the dispatch phase; a document waits for printing
                    "dispatch_pending": dunning_channels.REGISTRY[channel].dispatched_by_run(
                        channel in fallbacks and not first["has_email"]
                    ),
                }
            )
        communications = Communication.create(vals_list)
        by_key = dict(zip(keys, communications.ids, strict=True))
        line_values = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', "
                "now() at time zone 'UTC')",
                by_key[key],
                row["company_id"],
                row["move_line_id"],
                row["step_id"],
                row["order_id"],
                row["level_id"],
                row["channel"],
                row["date_due"],
                row["days"],
                row["amount"],
                row["amount_residual"],
                self.env.uid,
                self.env.uid,
            )
            for key, items in groups.items()
            for row in items
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_plus_dunning_communication_line
                       (communication_id, company_id, move_line_id, step_id, order_id, level_id, channel, date_due,
                        days_overdue, amount, amount_residual, create_uid, write_uid, create_date, write_date)
                VALUES %s
                ON CONFLICT (COALESCE(move_line_id, 0), COALESCE(step_id, 0), level_id, channel) DO NOTHING
                RETURNING communication_id
                """,
                SQL(", ").join(line_values),
            )
        )
        kept_ids = {communication_id for (communication_id,) in self.env.cr.fetchall()}
        communications.invalidate_recordset(["line_ids"])
        empty = communications.filtered(lambda c: c.id not in kept_ids)
        if empty:
            # another worker sent these keys meanwhile
            empty.unlink()
        communications -= empty
        if broken:
            # the communications say so once: the next ones are ordinary dunning
            self.env.cr.execute(
                SQL(
                    """UPDATE crm_plus_dunning_promise SET broken_notified = TRUE
                        WHERE state = 'broken' AND broken_notified IS NOT TRUE AND partner_id = ANY(%s)""",
                    list(broken & {c.partner_id.id for c in communications}),
                )
            )
            self.env["crm_plus.dunning.promise"].invalidate_model(["broken_notified"])
        # mails and activities follow in the dispatch phase, for many batches at once (see _dispatch_pass)
        return {
            "communications": len(communications),
            "items": len(line_values),
            "customers": len({c.partner_id.id for c in communications}),
        }

    def _customers_failed(self, failures, rows):
        """Customers whose dunning could not be written: nothing of theirs is kept, the next run tries again.

        There is no communication to mark: the workflow administrator gets a to-do on the customer (once,
        while it is open) with the error.
        """
        company_by_partner = {row["partner_id"]: row["company_id"] for row in rows}
        summary = self.env._("Dunning failed: needs attention")
        # sudo: the run notifies the administrator on the customer, whoever runs it (cron, finance)
        Activity = self.env["mail.activity"].sudo()
        open_ids = set(
            Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [p.id for p in failures]),
                    ("summary", "=", summary),
                ]
            ).mapped("res_id")
        )
        Communication = self.env["crm_plus.dunning.communication"]
        todo = self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_todo", raise_if_not_found=False)
        vals_list = []
        for partner, error in failures.items():
            _logger.info("dunning: customer %s left out of this run: %s", partner.id, error)
            admin = Communication._crm_plus_failure_admin(
                self.env["res.company"].browse(company_by_partner[partner.id])
            )
            if partner.id in open_ids or not admin:
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": todo or False,
                    "summary": summary,
                    "note": str(error) or type(error).__name__,
                    "user_id": admin.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    # fields a dunning template renders for the queue; reports are attached by the mail queue (mail.mail)
    MAIL_RENDER_FIELDS = (
        "attachment_ids",
        "auto_delete",
        "body_html",
        "email_cc",
        "email_from",
        "email_to",
        "mail_server_id",
        "model",
        "partner_to",
        "reply_to",
        "res_id",
        "scheduled_date",
        "subject",
    )

    def _queue_mails(self, communications):
        """Queue the emails (mail.mail outgoing) in bulk: the mail queue sends them after commit.

        Each template renders subject, sender and body for all its communications at once (per
        language), and all mails are created by one ``create`` (batched INSERTs), instead of the
        per-mail path of ``send_mail_batch``. The PDF statements of templates that carry reports are
        not rendered here (wkhtmltopdf costs seconds): the communication is flagged and the mail
        queue renders the statements of the mails it sends, in one call per batch (see mail.mail).
        """
        Mail = self.env["mail.mail"]
        if not communications:
            return Mail
        # prefetch what the bodies read: items (their invoices, orders and steps), customers, levels, companies
        # (fetch, not mapped: on more than PREFETCH_MAX records mapped() reads that one column only, and the
        # bodies would then read the other columns one communication at a time)
        lines = communications.line_ids
        lines.fetch(["move_line_id", "step_id", "order_id", "date_due", "days_overdue", "amount_residual"])
        lines.order_id.fetch(["name"])
        lines.step_id.fetch(["name"])
        lines.move_line_id.fetch(["move_id"])
        lines.move_line_id.move_id.fetch(["name", "invoice_date"])
        # what the statements show of each item, computed for all items at once (not per communication)
        lines.mapped("name")
        lines.mapped("invoice_date")
        communications.partner_id.mapped("lang")
        by_template = defaultdict(list)
        for communication in communications:
            by_template[communication.level_id.mail_template_id].append(communication.id)
        vals_list, pending_ids = [], []
        for template, res_ids in by_template.items():
            template._send_check_access(res_ids)
            vals_list += self._render_mail_values(template, res_ids)
            if template.report_template_ids:
                pending_ids += res_ids
        # sudo: mail.mail is the queue's, created for the run like send_mail_batch does
        mails = Mail.sudo().create(vals_list)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_plus_dunning_communication c
                   SET mail_id = v.mail_id, statement_pending = v.id = ANY(%s)
                  FROM (VALUES %s) AS v(id, mail_id) WHERE c.id = v.id
                """,
                pending_ids,
                SQL(", ").join(SQL("(%s, %s)", mail.res_id, mail.id) for mail in mails),
            )
        )
        communications.invalidate_recordset(["mail_id", "statement_pending"])
        return mails

    @api.model
    def _render_mail_values(self, template, res_ids):
        """mail.mail values of ``template`` for ``res_ids``, rendered together (per language), in order.

        The body is compiled once for all of them (``ir_qweb.InlineQwebCache``), not once per mail."""
        template = template.with_context({CONTEXT_KEY: InlineQwebCache()})
        rendered = template._generate_template(res_ids, self.MAIL_RENDER_FIELDS)
        vals_list = []
        for res_id in res_ids:
            values = rendered[res_id]
            vals = {key: values[key] for key in self.MAIL_RENDER_FIELDS if key in values and key != "partner_to"}
            vals["body"] = vals.get("body_html", "")
            vals["recipient_ids"] = [(4, pid) for pid in values.get("partner_ids") or []]
            vals["attachment_ids"] = [(4, aid) for aid in values.get("attachment_ids") or []]
            if not vals.get("email_from"):
                vals.pop("email_from", None)
            vals_list.append(vals)
        return vals_list

    def _in_lang(self, user):
        """The environment in ``user``'s language (the job's when he has none)."""
        return self.with_context(lang=user.lang or self.env.lang).env

    def _schedule_activities(self, communications):
        """The activities the channels of ``communications`` ask for (calls, escalations, the call replacing a
        missing email: see ``dunning_channels``), in their recipients' languages; sent once scheduled where the
        channel says so."""
        # ids from the cached xmlid lookup: no existence check query per chunk
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id
        model_id = self.env["ir.model"]._get_id("crm_plus.dunning.communication")
        today = fields.Date.context_today(self)
        vals_list, done = [], []
        for communication in communications:
            channel = dunning_channels.REGISTRY.get(communication.channel)
            planned = channel and channel.activity(self, communication)
            if not planned:
                continue
            user, activity_type, summary = planned
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": communication.id,
                    "activity_type_id": xmlid_to_id(activity_type, raise_if_not_found=False) or False,
                    "summary": summary,
                    "user_id": user.id or self.env.uid,
                    "date_deadline": today,
                }
            )
            if channel.done_when_dispatched:
                done.append(communication.id)
        if vals_list:
            # sudo: the run creates phone-call/escalation activities for salespeople and managers, not for itself
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        if done:
            self.env["crm_plus.dunning.communication"].browse(done).with_context(tracking_disable=True).write(
                {"state": "sent"}
            )

    # --------------------------------------------------------------- dispatch

    def _dispatch_pass(self, commit, stats, chunk_size=DISPATCH_CHUNK, min_chunk=1):
        """Queue the mails and schedule the activities of communications the batches created; return how many.

        Driven by ``dispatch_pending`` alone, so it is resumable: a crash after a batch committed leaves
        its communications pending, and the next pass (this run's or the next one's) dispatches them.
        Chunks of many batches' communications share the reads of templates, users and companies.

        :param min_chunk: stop when fewer communications than this are free to take (the dispatch worker)
        """
        total = 0
        while True:
            t0 = time.monotonic()
            dispatched = self._in_batch(commit, self._dispatch_chunk, chunk_size, min_chunk)
            stats["dispatch_max_s"] = max(stats["dispatch_max_s"], time.monotonic() - t0)
            if dispatched is None:  # another worker holds these: it dispatches them
                break
            self._commit(commit, 0)
            if not dispatched:
                break
            stats["dispatched"] += dispatched
            total += dispatched
        return total

    def _dispatch(self, communications):
        """Queue the emails and schedule the calls and escalations of ``communications``."""
        mails = dunning_channels.channels(produces=("mail",))
        self._queue_mails(communications.filtered(lambda c: dunning_channels.REGISTRY[c.channel] in mails))
        self._schedule_activities(communications)

    def _dispatch_chunk(self, chunk_size, min_chunk=1):
        """One chunk: lock pending communications, queue their mails, schedule their activities.

        Fewer than ``min_chunk`` free to take: nothing is done (0)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM crm_plus_dunning_communication
                 WHERE dispatch_pending ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED
                """,
                chunk_size,
            )
        )
        ids = [id_ for (id_,) in self.env.cr.fetchall()]
        if not ids or len(ids) < min_chunk:
            return 0
        communications = self.env["crm_plus.dunning.communication"].browse(ids)
        failures = self._isolated(communications, self._dispatch)
        if failures:
            communications._crm_plus_mark_failed(failures, {"state": "failed", "failure_stage": "dispatch"})
        self.env.cr.execute(
            SQL("UPDATE crm_plus_dunning_communication SET dispatch_pending = FALSE WHERE id = ANY(%s)", ids)
        )
        communications.invalidate_recordset(["dispatch_pending"])
        return len(ids)

    # -------------------------------------------------------------- reminders

    def _remind_batch(self, today, batch_size, partner_ids=None, company_ids=None):
        """Remind responsibles of money coming due: an activity and an internal email, once per payment step and
        once per invoice that no plan follows."""
        ids = self._insert_step_reminders(today, batch_size, partner_ids, company_ids)
        if len(ids) < batch_size:
            ids += self._insert_invoice_reminders(today, batch_size - len(ids), partner_ids, company_ids)
        Reminder = self.env["crm_plus.dunning.reminder"]
        reminders = Reminder.browse(ids)
        if not reminders:
            return 0
        Reminder._crm_plus_mark_failed(self._isolated(reminders, lambda batch: batch._notify()))
        return len(reminders)

    def _insert_invoice_reminders(self, today, limit, partner_ids=None, company_ids=None):
        """Reminders of customer invoices coming due (the policy's *Remind Before*), for their salespeople.

        Invoices of an order with an execution plan are left out: the plan's payment steps are reminded."""
        self.env.cr.execute(
            SQL("SELECT max(reminder_days) FROM crm_plus_dunning_policy WHERE active AND reminder_days > 0")
        )
        horizon = self.env.cr.fetchone()[0]
        if not horizon:
            return []
        where = SQL(
            "aml.date_maturity BETWEEN %(today)s AND %(today)s::date + %(horizon)s %(partners)s %(companies)s",
            today=today,
            horizon=horizon,
            partners=SQL("AND am.commercial_partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL(),
            companies=SQL("AND aml.company_id IN %s", tuple(company_ids)) if company_ids else SQL(),
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_plus_dunning_reminder
                       (move_line_id, company_id, partner_id, user_id, date, create_uid, write_uid, create_date,
                        write_date)
                SELECT it.move_line_id, it.company_id, it.partner_id, it.user_id, %(today)s, %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM (%(items)s) it
                  JOIN res_partner p ON p.id = it.partner_id
                  LEFT JOIN crm_plus_customer_category cat ON cat.id = p.crm_plus_category_id
                  LEFT JOIN crm_plus_dunning_policy dp
                         ON dp.company_id = it.company_id AND dp.company_default AND dp.active
                  JOIN crm_plus_dunning_policy pol
                    ON pol.id = COALESCE(p.crm_plus_dunning_policy_id, cat.crm_plus_dunning_policy_id, dp.id)
                 WHERE it.amount_residual > 0
                   AND it.user_id IS NOT NULL
                   AND pol.reminder_days > 0
                   AND it.date_due - pol.reminder_days <= %(today)s::date
                   AND NOT EXISTS (SELECT 1 FROM crm_plus_dunning_reminder r WHERE r.move_line_id = it.move_line_id)
                   -- an invoice of an order with a plan: the plan's payment steps are reminded instead
                   AND NOT EXISTS (
                        SELECT 1 FROM account_move_line il
                          JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = il.id
                          JOIN sale_order_line sol ON sol.id = rel.order_line_id
                          JOIN crm_plus_plan_step ps ON ps.order_id = sol.order_id AND ps.kind = 'payment'
                         WHERE il.move_id = it.move_id)
              ORDER BY it.move_line_id
                 LIMIT %(limit)s
                ON CONFLICT (move_line_id) WHERE move_line_id IS NOT NULL DO NOTHING
                RETURNING id
                """,
                today=today,
                uid=self.env.uid,
                limit=limit,
                items=receivables.invoice_items_sql(where),
            )
        )
        return [id_ for (id_,) in self.env.cr.fetchall()]

    def _insert_step_reminders(self, today, limit, partner_ids=None, company_ids=None):
        """Reminders of payment steps coming due (the policy's lead time, else the step's remind date)."""
        partner_filter = SQL("AND %s", self._scope_filter(partner_ids, company_ids))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_plus_dunning_reminder
                       (step_id, company_id, partner_id, user_id, date, create_uid, write_uid, create_date, write_date)
                SELECT s.id, s.company_id, s.partner_id, s.user_id, %(today)s, %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM crm_plus_plan_step s
                  JOIN res_partner p ON p.id = s.partner_id
                  LEFT JOIN crm_plus_customer_category cat ON cat.id = p.crm_plus_category_id
                  LEFT JOIN crm_plus_dunning_policy dp
                         ON dp.company_id = s.company_id AND dp.company_default AND dp.active
                  LEFT JOIN crm_plus_dunning_policy pol
                         ON pol.id = COALESCE(p.crm_plus_dunning_policy_id, cat.crm_plus_dunning_policy_id, dp.id)
                 WHERE s.kind = 'payment'
                   AND s.state NOT IN ('done', 'cancelled')
                   AND s.amount_residual > 0
                   AND s.user_id IS NOT NULL
                   AND s.date_due >= %(today)s::date
                   AND CASE WHEN COALESCE(pol.reminder_days, 0) > 0
                            THEN s.date_due - pol.reminder_days
                            ELSE COALESCE(s.date_remind, s.date_due) END <= %(today)s::date
                   AND NOT EXISTS (SELECT 1 FROM crm_plus_dunning_reminder r WHERE r.step_id = s.id)
                   %(partner_filter)s
              ORDER BY s.id
                 LIMIT %(limit)s
                ON CONFLICT (step_id) DO NOTHING
                RETURNING id
                """,
                today=today,
                uid=self.env.uid,
                limit=limit,
                partner_filter=partner_filter,
            )
        )
        return [id_ for (id_,) in self.env.cr.fetchall()]
