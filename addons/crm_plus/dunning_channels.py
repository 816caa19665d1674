# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dunning channels, declared in one place.

A channel says what it needs, what it produces and how it falls back:

* ``code`` and ``label``: its key in the exactly-once guarantee (item, level, channel) and its name;
* ``level_field``: the boolean of the dunning level that switches it on (``enabled_sql`` says it in SQL);
* ``needs``: customer fields it cannot work without (the email needs an address); a customer without
  one gets the ``fallback`` channel instead, flagged *No Email* (the email falls back to a letter and
  a call);
* ``produces``: ``mail`` (an email queued with its statement), ``document`` (a letter finance prints),
  ``activity`` (a to-do scheduled by the run: ``activity()`` says for whom and what) or ``hold`` (a state
  of the customer, no communication: the credit hold);
* ``done_when_dispatched``: the communication is sent once its activity is scheduled.

The level (its switches and checks), the run (selection, fallback, dispatch), the communications and
the Run Dunning wizard read this registry. Adding a channel is one file: a class decorated with
``@register`` (and the level field that switches it on, or its own ``enabled_sql``) plus its data.
"""

from odoo.tools import SQL
from odoo.tools.translate import LazyGettext
from odoo.tools.translate import LazyTranslate
from odoo.tools.translate import get_translation

_lt = LazyTranslate(__name__)

REGISTRY = {}


def register(cls):
    """Class decorator: declare a channel."""
    REGISTRY[cls.code] = cls()
    return cls


def channels(produces=None):
    """The declared channels in order (those producing ``produces`` when given)."""
    found = sorted(REGISTRY.values(), key=lambda channel: (channel.sequence, channel.code))
    return [channel for channel in found if produces is None or channel.produces in produces]


def communicating():
    """The channels that make communications (everything but holds)."""
    return [channel for channel in channels() if channel.produces != "hold"]


def selection(model=None):
    """Selection values of the channel fields: every channel that makes communications (labels in the
    language of ``model``'s environment)."""
    lang = model.env.lang if model is not None else None
    return [(channel.code, label(channel, lang)) for channel in communicating()]


def label(channel, lang=None):
    """The channel's label in ``lang`` (labels are ``_lt`` terms of the module that declares the channel)."""
    text = channel.label
    if isinstance(text, LazyGettext):
        return get_translation(text._module, lang or "en_US", text._source, ())
    return str(text)


class Channel:
    code = None
    label = None
    sequence = 10
    needs = ()  # res.partner fields that must be set
    fallback = None  # channel code used when a need is missing
    produces = "activity"
    done_when_dispatched = False

    @property
    def level_field(self):
        return f"channel_{self.code}"

    def enabled_sql(self, level):
        """SQL: the channel is on at dunning level ``level`` (an alias of crm_plus_dunning_level)."""
        return SQL("%s.%s", SQL.identifier(level), SQL.identifier(self.level_field))

    def enabled(self, level):
        return bool(level[self.level_field])

    def needs_sql(self, partner):
        """SQL: the customer ``partner`` (an alias of res_partner) has what the channel needs."""
        if not self.needs:
            return SQL("TRUE")
        return SQL(" AND ").join(
            SQL("COALESCE(%s.%s::text, '') <> ''", SQL.identifier(partner), SQL.identifier(field))
            for field in self.needs
        )

    def dispatched_by_run(self, replaces_another=False):
        """Whether the run's dispatch phase acts on a new communication of this channel (a document waits
        for printing, unless it replaces a channel the customer lacks the means for: then a call follows)."""
        return self.produces in ("mail", "activity") or replaces_another

    def activity(self, run, communication):
        """(user, activity type xmlid, summary) to schedule for ``communication``, or None."""
        return None


@register
class EmailChannel(Channel):
    code = "email"
    label = _lt("Email with statement")
    sequence = 10
    needs = ("email",)
    fallback = "letter"
    produces = "mail"


@register
class LetterChannel(Channel):
    code = "letter"
    label = _lt("Printed letter")
    sequence = 20
    produces = "document"

    def activity(self, run, communication):
        # the letter replacing an email: the salesperson calls too
        if not communication.missing_email:
            return None
        user = communication.user_id
        return (
            user,
            "mail.mail_activity_data_call",
            run._in_lang(user)._("No email on file: send the letter and call the customer"),
        )


@register
class PhoneChannel(Channel):
    code = "phone"
    label = _lt("Phone call (salesperson)")
    sequence = 30
    done_when_dispatched = True

    def activity(self, run, communication):
        user = communication.user_id
        return user, "mail.mail_activity_data_call", run._in_lang(user)._("Call the customer about overdue payments")


@register
class EscalationChannel(Channel):
    code = "escalation"
    label = _lt("Escalation to the manager")
    sequence = 40
    done_when_dispatched = True

    def activity(self, run, communication):
        user = communication.escalation_user_id
        return user, "mail.mail_activity_data_todo", run._in_lang(user)._("Dunning escalation")


@register
class CreditHoldChannel(Channel):
    code = "credit_hold"
    label = _lt("Credit hold")
    sequence = 50
    produces = "hold"

    @property
    def level_field(self):
        return "credit_hold"
