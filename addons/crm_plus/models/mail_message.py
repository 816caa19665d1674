# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Our chatter notes in each reader's language (see ``messages.py``).

A note our code posts keeps, beside its body (in the poster's language: emails, search and other clients read it),
the data it was built from (``crm_plus_body_data``). When messages go to a web client (``_to_store``: a thread's
messages, the inbox, bus notifications), those with data get their body rendered in the reader's language: one
query for the batch to read the data, plus two per model of the ``Ref`` figures they name (none for most notes);
messages without data are left as Odoo sends them.
"""

from odoo import fields
from odoo import models

from odoo.addons.mail.tools.discuss import Store

from ..messages import read_refs
from ..messages import render_html


class MailMessage(models.Model):
    _inherit = "mail.message"

    # system only: written by our code right after posting (mail.thread._crm_plus_message_post), so that no user
    # (the author of a note may write his messages) makes a note read as another text of ours
    crm_plus_body_data = fields.Json(string="CRM Plus Note Data", groups="base.group_system", copy=False)

    def write(self, vals):
        res = super().write(vals)
        if "body" in vals:
            # sudo: a body written since (an edit, a deletion) replaces our text for every reader
            self.sudo().filtered("crm_plus_body_data").crm_plus_body_data = False
        return res

    def _to_store(self, store: Store, fields, **kwargs):
        # the call that adds the fields themselves (with "message_format", mail calls itself again without it)
        bodies = "body" in fields and "message_format" not in fields
        super()._to_store(store, fields, **kwargs)
        if bodies:
            self._crm_plus_bodies_to_store(store)

    def _crm_plus_bodies_to_store(self, store):
        """Bodies of our notes among these messages, in the language of whom ``store`` goes to."""
        # sudo: the field is system-only so that nobody forges it; these messages are the reader's (_to_store)
        datas = {message.id: message.crm_plus_body_data for message in self.sudo() if message.crm_plus_body_data}
        if not datas:
            return
        lang = self._crm_plus_reader_lang(store)
        refs = read_refs(self.env, datas.values(), lang)
        bodies = {message_id: render_html(self.env, data, lang, refs) for message_id, data in datas.items()}
        store.add_records_fields(self.browse(list(bodies)), [Store.Attr("body", lambda message: bodies[message.id])])

    def _crm_plus_reader_lang(self, store):
        """The language of the user (or guest) the bus sends ``store`` to, else the request's."""
        target = store.target
        if target.channel is not None or target.subchannel is not None:
            reader = target.get_user(self.env) or target.get_guest(self.env)
            # sudo: only the language of the store's recipient, to render what he receives
            if reader and reader.sudo().lang:
                return reader.sudo().lang
        return self.env.lang or "en_US"

    def _crm_plus_set_body_data(self, datas):
        """Keep ``datas`` (one note's data per message of ``self``, superuser): one write per distinct note."""
        groups = {}
        for message, data in zip(self, datas, strict=True):
            groups.setdefault(repr(data), (data, []))[1].append(message.id)
        for data, ids in groups.values():
            self.browse(ids).write({"crm_plus_body_data": data})
