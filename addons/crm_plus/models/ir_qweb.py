# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An inline QWeb template (a mail template's body) compiled once for a batch of mails, not once per mail.

Odoo compiles a mail template's body again for every record it renders (the body is an inline template, not a
view, so its compiled code is not cached): at 15,000 dunning emails that was about a fifth of the rendering. The
dunning run renders its mails with an ``InlineQwebCache`` in the context: while it lasts, the same source
compiled in the same context (language, restricted rendering, every other key) is compiled once. Without one,
rendering is Odoo's, unchanged.
"""

from lxml import etree

from odoo import models

CONTEXT_KEY = "crm_plus_inline_qweb_cache"


class InlineQwebCache(dict):
    """Compiled inline templates of one rendering batch (a Python object: no client can send one)."""


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        cache = self.env.context.get(CONTEXT_KEY)
        if not isinstance(cache, InlineQwebCache) or not isinstance(template, etree._Element):
            return super()._compile(template)
        # every context value is part of the key (restricted rendering, language...), except the renderer's own
        # per-call bookkeeping (``__qweb_*``) and the cache itself
        context = tuple(
            sorted(
                (key, repr(value))
                for key, value in self.env.context.items()
                if key != CONTEXT_KEY and not key.startswith("__qweb")
            )
        )
        key = (etree.tostring(template), context)
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]
