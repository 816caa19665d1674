# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bridge's sentences for crm_plus's texts rendered in each reader's language (``crm_plus/messages.py``):
``_lt`` is a lazy translation looked up in the bridge's own catalogue."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
