# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..messages import render_html


class MailThread(models.AbstractModel):
    """Posting our notes so that each reader reads them in his language (``messages.chatter_note``,
    ``mail_message.py``)."""

    _inherit = "mail.thread"

    def _crm_plus_message_post(self, note, **kwargs):
        """``message_post`` of ``note`` (``messages.chatter_note``): the body in the poster's language, its data
        kept."""
        # the labels of its references are in the poster's language already: nothing to read again
        message = self.message_post(body=render_html(self.env, note, refs={}), **kwargs)
        # sudo: the data is system-only (nobody forges it); ours, of the message just posted
        message.sudo()._crm_plus_set_body_data([note])
        return message

    def _crm_plus_message_log_batch(self, notes, **kwargs):
        """``_message_log_batch`` of ``notes`` ``{record id: note}``: each distinct note rendered once, and its data
        kept in one UPDATE for the batch. Same rights as ``_message_log_batch``: the caller checked them."""
        rendered = {}
        bodies = {}
        for res_id, note in notes.items():
            key = repr(note)
            if key not in rendered:
                rendered[key] = render_html(self.env, note, refs={})
            bodies[res_id] = rendered[key]
        messages = self._message_log_batch(bodies=bodies, **kwargs)
        messages._crm_plus_set_body_data([notes[message.res_id] for message in messages])
        return messages
