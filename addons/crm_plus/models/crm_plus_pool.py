# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer pool job: owned customers nobody follows up return to the shared pool.

Invariants:

* a customer's rule is its owner's sales team's, else its company's (the customer's
  company, else its owner's); customers of companies without a rule are never looked at;
* the return date is the earliest of *last follow-up by the owner + N days* and *last confirmed order + M days*;
  both clocks start no earlier than the day the owner got the customer (``crm_plus_owner_date``, else its
  creation) and a follow-up counts from the day it was logged (``LEAST(date, create_date)``);
* nobody loses a customer unannounced: the owner is told (a To-Do on the customer) ``notice_days`` before,
  and the customer returns on the announced day (``crm_plus_pool_return_date``), never earlier; a follow-up
  or a won deal that moves the return date past the announced one cancels the announcement;
* the job is idempotent (a second run the same day changes nothing) and works in batches of owned customers
  (keyset on the id), each with a constant number of queries: one read of the batch with its last follow-up and
  last won deal, one UPDATE per kind of change, the batch's To-Dos (announced) and notes (returned) each written
  as one (``_copy_row``); the cron commits after each batch, so an interrupted run resumes where it stopped;
* a To-Do of the job tells the owner; it does not make him follow a customer that is leaving him.
"""

import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..messages import _lt
from ..messages import chatter_note
from ..messages import render_html


class CrmPlusPool(models.AbstractModel):
    _name = "crm_plus.pool"
    _description = "Customer Pool Job"

    @api.model
    def _cron_pool_return(self):
        self._run(commit=True)

    @api.model
    def _run(self, today=None, batch_size=5000, commit=False):
        """Announce and carry out the returns to the pool of every company with a rule; returns the counts."""
        today = today or fields.Date.context_today(self)
        stats = {"announced": 0, "cancelled": 0, "returned": 0}
        # sudo: the job runs for every company with an active rule
        companies = self.env["crm_plus.pool.rule"].sudo()._read_group([], ["company_id"])
        if not companies:
            return stats
        company_ids = tuple(company.id for (company,) in companies)
        last_id = 0
        while True:
            rows, last_id = self._read_batch(company_ids, last_id, batch_size)
            if last_id is None:
                break
            self._apply(rows, today, stats)
            if commit:
                self.env["ir.cron"]._commit_progress(len(rows))
            else:
                self.env.flush_all()
        return stats

    def _read_batch(self, company_ids, after_id, limit):
        """(rows, last id) of the next ``limit`` owned customers: (id, owner, announced date, notice, due date)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH bound AS (
                    -- the batch is an id range, found on the primary key alone: the same range with the owner's
                    -- company in the scan (or joined to a list of its ids) made the planner expect a few rows and
                    -- read the whole table for every batch
                    SELECT max(id) AS id FROM (
                        SELECT p.id
                          FROM res_partner p
                         WHERE p.id > %(after)s AND p.user_id IS NOT NULL AND p.parent_id IS NULL AND p.active
                         ORDER BY p.id
                         LIMIT %(limit)s
                    ) k
                ), ruled AS (
                    SELECT DISTINCT ON (p.id) p.id, p.user_id, p.crm_plus_pool_return_date AS announced,
                           COALESCE(p.crm_plus_owner_date, p.create_date::date) AS since,
                           r.days_without_followup, r.days_without_won, r.notice_days
                      FROM res_partner p
                      JOIN res_users u ON u.id = p.user_id
                      JOIN crm_plus_pool_rule r
                        ON r.active AND r.company_id = COALESCE(p.company_id, u.company_id)
                       AND (r.team_id = u.sale_team_id OR r.team_id IS NULL)
                     WHERE p.id > %(after)s AND p.id <= (SELECT id FROM bound)
                       AND p.user_id IS NOT NULL AND p.parent_id IS NULL AND p.active
                       AND COALESCE(p.company_id, u.company_id) IN %(companies)s
                     ORDER BY p.id, r.team_id IS NULL, r.id
                )
                -- last follow-up and last won deal per customer through their indexes (LATERAL): joined to
                -- aggregates of the batch, they were planned for the one row the planner expected from above
                SELECT ruled.id, ruled.user_id, ruled.announced, ruled.notice_days,
                       LEAST(
                           CASE WHEN ruled.days_without_followup > 0
                                THEN GREATEST(ruled.since, lf.day) + ruled.days_without_followup END,
                           CASE WHEN ruled.days_without_won > 0
                                THEN GREATEST(ruled.since, lw.day) + ruled.days_without_won END
                       ) AS due,
                       NULL AS last_id
                  FROM ruled
                  LEFT JOIN LATERAL (
                       SELECT max(LEAST(f.date, f.create_date::date)) AS day
                         FROM crm_plus_followup f
                        WHERE f.partner_id = ruled.id AND f.user_id = ruled.user_id
                  ) lf ON TRUE
                  LEFT JOIN LATERAL (
                       SELECT max(so.date_order)::date AS day
                         FROM res_partner c
                         JOIN sale_order so ON so.partner_id = c.id
                        WHERE c.commercial_partner_id = ruled.id AND so.state = 'sale'
                  ) lw ON TRUE
                 UNION ALL
                SELECT NULL, NULL, NULL, NULL, NULL, (SELECT id FROM bound)
                """,
                after=after_id,
                companies=company_ids,
                limit=limit,
            )
        )
        rows = self.env.cr.fetchall()
        # the row without id only carries the batch's last id (also when no customer of the batch has a rule)
        last_id = next(row[5] for row in rows if row[0] is None)
        return [row[:5] for row in rows if row[0] is not None], last_id

    def _apply(self, rows, today, stats):
        announce, cancel, returns = {}, [], {}
        for partner_id, owner_id, announced, notice_days, due in rows:
            if announced and (not due or due > announced):
                cancel.append(partner_id)  # followed up (or the rule changed): no longer announced
                announced = None
            if not due:
                continue
            if not announced and due - timedelta(days=notice_days) <= today:
                announced = max(due, today + timedelta(days=notice_days))
                announce[partner_id] = (owner_id, announced)
            if announced and announced <= today:
                returns[partner_id] = owner_id
        # sudo: the job (cron) drops the cache of the pool fields it wrote in SQL, on every company's customers
        Partner = self.env["res.partner"].sudo()
        if cancel:
            self.env.cr.execute(
                SQL("UPDATE res_partner SET crm_plus_pool_return_date = NULL WHERE id IN %s", tuple(cancel))
            )
            self._notice_activities(cancel).unlink()
            stats["cancelled"] += len(cancel)
        if announce:
            self._announce(announce)
            stats["announced"] += len(announce)
        if returns:
            self._return(returns)
            stats["returned"] += len(returns)
        Partner.invalidate_model(
            [
                "user_id",
                "crm_plus_in_pool",
                "crm_plus_pool_date",
                "crm_plus_pool_return_date",
                "crm_plus_shared_user_ids",
            ]
        )

    def _notice_activities(self, partner_ids):
        notice = self.env.ref("crm_plus.mail_activity_type_pool_notice")
        # sudo: the job's own notices (its activity type) on any owner's customers, whoever runs it (cron)
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", list(partner_ids)),
                    ("activity_type_id", "=", notice.id),
                ]
            )
        )

    def _announce(self, announce):
        """Store each announced date and tell each owner with a To-Do on the customer (shown in its chatter)."""
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET crm_plus_pool_return_date = v.day
                     FROM (VALUES %s) AS v(id, day) WHERE p.id = v.id""",
                SQL(", ").join(SQL("(%s, %s::date)", pid, day) for pid, (_owner, day) in announce.items()),
            )
        )
        # One To-Do per customer, written as one: the ORM writes the first without its owner (mail.activity's
        # defaults, computes and overrides run; no mail, no following), the others are copies of its row
        # (``_copy_row``), then the first gets its owner. Through the ORM each To-Do costs about a millisecond,
        # and makes its owner follow the customer: a customer that is leaving him.
        notice = self.env.ref("crm_plus.mail_activity_type_pool_notice")
        # sudo: the names of the announced customers, for their owners' To-Dos, whoever runs the job (cron)
        partners = self.env["res.partner"].sudo().browse(list(announce))
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        # sudo: the owners' time zones only, for the dates of their To-Dos (cron)
        timezones = {
            owner.id: owner.tz for owner in self.env["res.users"].sudo().browse({o for o, _d in announce.values()})
        }
        summaries = {
            day: self.env._("Returns to the pool on %(date)s", date=fields.Date.to_string(day))
            for _owner, day in announce.values()
        }
        (first, (first_owner, first_day)), *others = announce.items()
        # sudo: the job gives To-Dos to the owners, whoever runs it (the cron, a manager's manual run)
        template = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": first,
                    "activity_type_id": notice.id,
                    "summary": summaries[first_day],
                    "user_id": False,
                    "date_deadline": first_day,
                }
            )
        )
        if others:
            self._copy_row(
                template,
                {
                    "res_model": ["res.partner"] * len(others),
                    "res_id": [pid for pid, _value in others],
                    "res_name": [names[pid] for pid, _value in others],
                    "user_id": [owner for _pid, (owner, _day) in others],
                    "user_tz": [timezones[owner] for _pid, (owner, _day) in others],
                    "summary": [summaries[day] for _pid, (_owner, day) in others],
                    "date_deadline": [day for _pid, (_owner, day) in others],
                },
            )
        self.env.cr.execute(
            SQL(
                "UPDATE mail_activity SET user_id = %s, user_tz = %s WHERE id = %s",
                first_owner,
                timezones[first_owner],
                template.id,
            )
        )
        self.env["mail.activity"].invalidate_model()
        partners.invalidate_recordset()

    def _return(self, returns):
        """Release the customers (and their contacts with the same owner) into the pool, noted on each."""
        ids = tuple(returns)
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner c SET user_id = NULL
                     FROM (VALUES %s) AS v(id, owner)
                    WHERE c.commercial_partner_id = v.id AND c.id != v.id AND c.user_id = v.owner""",
                SQL(", ").join(SQL("(%s, %s)", pid, owner) for pid, owner in returns.items()),
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner
                      SET user_id = NULL, crm_plus_in_pool = TRUE, crm_plus_pool_date = now() at time zone 'UTC',
                          crm_plus_pool_return_date = NULL, crm_plus_owner_date = NULL
                    WHERE id IN %s""",
                ids,
            )
        )
        # the owner's shares go with him: nothing of a pool customer is granted through ownership
        self.env.cr.execute(SQL("DELETE FROM crm_plus_res_partner_shared_user_rel WHERE partner_id IN %s", ids))
        self._notice_activities(ids).unlink()
        # sudo: the former owners' names only, for the note on each returned customer (cron)
        owners = self.env["res.users"].sudo().browse(set(returns.values()))
        names = {owner.id: owner.name for owner in owners}
        notes = {
            owner: chatter_note(
                self.env,
                Markup("<p>%s</p>"),
                _lt("Returned to the customer pool (owner: %(owner)s).", owner=names.get(owner, "")),
            )
            for owner in set(returns.values())
        }
        self._log_notes({pid: notes[owner] for pid, owner in returns.items()})

    def _log_notes(self, notes):
        """A note on each customer ``{id: note}`` (``messages.chatter_note``: read in each reader's language), as
        ``_crm_plus_message_log_batch`` logs it, in a constant number of queries.

        The ORM logs the first note (mail.message's defaults and overrides run as for any note); the others are
        copies of its row (``_copy_row``). Through the ORM, each of thousands of notes costs about a millisecond
        (sanitising, and the cache of every inverse field updated per message).
        """
        # sudo: the job notes the customers it moved, whoever runs it (a pool customer is no longer his)
        Partner = self.env["res.partner"].sudo()
        ids = list(notes)
        template = Partner.browse(ids[0])._crm_plus_message_log_batch({ids[0]: notes[ids[0]]})
        if len(ids) > 1:
            Message = self.env["mail.message"]
            rendered = {}  # one body per distinct note (per owner): rendered and sanitised once each
            for note in notes.values():
                key = repr(note)
                if key not in rendered:
                    body = render_html(self.env, note, refs={})
                    rendered[key] = str(Message._fields["body"].convert_to_column(body, Message))
            self._copy_row(
                template,
                {
                    "res_id": ids[1:],
                    "body": [rendered[repr(notes[pid])] for pid in ids[1:]],
                    "crm_plus_body_data": [json.dumps(notes[pid]) for pid in ids[1:]],
                    # one Message-Id for the batch, as _message_log_batch gives
                    "message_id": [template.message_id] * (len(ids) - 1),
                },
            )
        Partner.browse(ids).invalidate_recordset(["message_ids"])

    def _copy_row(self, record, values):
        """Copies of ``record``'s row in one INSERT: ``values`` maps columns to their list of values (one per copy),
        every other stored column is the record's, except those Odoo does not copy (``copy=False``: data of that
        record only, e.g. a note's rendering data), left empty unless given. For the job's notes and To-Dos,
        written alike by thousands; a stored compute depending on a given column is given too."""
        Model = record.browse()
        copied = [
            name
            for name, field in Model._fields.items()
            if field.store and field.column_type and field.copy and name != "id" and name not in values
        ]
        varying = list(values)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (%(columns)s)
                   SELECT %(values)s FROM %(table)s t, unnest(%(arrays)s) AS v(%(varying)s) WHERE t.id = %(id)s""",
                table=SQL.identifier(Model._table),
                columns=SQL(", ").join(SQL.identifier(name) for name in [*varying, *copied]),
                values=SQL(", ").join(
                    [*(SQL.identifier("v", name) for name in varying), *(SQL.identifier("t", name) for name in copied)]
                ),
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", list(values[name]), SQL(Model._fields[name].column_type[0])) for name in varying
                ),
                varying=SQL(", ").join(SQL.identifier(name) for name in varying),
                id=record.id,
            )
        )
