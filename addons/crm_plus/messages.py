# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Texts kept as a source sentence and its figures, rendered in the reader's language.

An approval reason written when an English salesperson asked must read in Chinese for a Chinese approver.
So the code that writes such a text builds it from a lazy translation (``_lt`` of the module, so that the
sentence is exported for translators) and figures, and the record stores both as JSON; each reader gets the
sentence translated into their language and the figures filled in. Figures that are themselves translatable
(a rule's name, a product's name) are kept as references ``Ref(record, field)`` and read in the reader's
language too.

``Message`` is a ``str`` (the text in the language of whoever built it, so existing code that joins or shows
reasons keeps working) that also carries ``data``, the JSON to store; ``render(env, data, lang)`` renders stored
data. Plain strings are accepted everywhere as texts that do not translate.
"""

from odoo.tools.translate import LazyGettext
from odoo.tools.translate import LazyTranslate
from odoo.tools.translate import get_translation

_lt = LazyTranslate(__name__)


class Ref:
    """A translatable figure of a message: ``field`` of ``record``, read in the reader's language."""

    __slots__ = ("field", "record")

    def __init__(self, record, field="display_name"):
        self.record = record
        self.field = field

    def to_json(self):
        return {"__ref__": [self.record._name, self.record.id, self.field], "label": self.record[self.field] or ""}


class Message(str):
    """A text in the language of the environment that built it, with the data to render it in any other."""

    data = None

    def __new__(cls, env, text):
        if isinstance(text, Message):
            return text
        data = _to_json(text) if isinstance(text, LazyGettext | Ref) else {"text": str(text)}
        # a reference reads in the language of its record's environment: no query to render it again
        obj = super().__new__(cls, data["label"] if isinstance(text, Ref) else render(env, data))
        obj.data = data
        return obj


def _to_json(value):
    """JSON of a message or of one of its figures (references, nested messages, lists of them)."""
    if isinstance(value, LazyGettext):
        params = value._args if isinstance(value._args, dict) else {}
        return {"module": value._module, "source": value._source, "params": {k: _to_json(v) for k, v in params.items()}}
    if isinstance(value, Ref):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value


def _param(env, value, lang):
    if isinstance(value, list):
        return [_param(env, item, lang) for item in value]
    if isinstance(value, dict) and "source" in value:
        return render(env, value, lang)
    if isinstance(value, dict) and "__ref__" in value:
        model, res_id, field = value["__ref__"]
        if model in env:
            # sudo: the name of a record a text the reader may see refers to (rule, product, level)
            record = env[model].sudo().with_context(lang=lang).browse(res_id).exists()
            if record:
                return record[field] or ""
        return value.get("label", "")
    return value


def render(env, data, lang=None):
    """``data`` (one stored message) as text in ``lang`` (default: the environment's language)."""
    if not data:
        return ""
    if "text" in data:
        return data["text"]
    if "__ref__" in data:
        return _param(env, data, lang or env.lang or "en_US")
    lang = lang or env.lang or "en_US"
    params = {key: _param(env, value, lang) for key, value in (data.get("params") or {}).items()}
    return get_translation(data["module"], lang, data["source"], params)


def render_all(env, datas, lang=None, separator="\n"):
    """Several stored messages (a list of data) joined in ``lang``."""
    return separator.join(render(env, data, lang) for data in datas or ())


def translations(env, datas):
    """``[{lang: text}]`` of ``datas`` in every installed language, for a translatable field.

    Each distinct message is rendered once per language (references read once), whatever the number of
    records sharing it: plan generation stores its step names this way for thousands of steps at a time.
    """
    langs = [code for code, _name in env["res.lang"].get_installed()]
    cache = {}
    result = []
    for data in datas:
        key = repr(data)
        if key not in cache:
            cache[key] = {lang: render(env, data, lang) for lang in langs}
        result.append(cache[key])
    return result


def to_data(env, messages):
    """JSON data of ``messages`` (``Message``, lazy translations or plain strings) to store."""
    return [Message(env, message).data for message in messages]
