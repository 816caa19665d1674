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
data. Plain strings are accepted everywhere as texts that do not translate. ``Choice(record, field)`` is a figure
that is a selection's label (a state, a decision), rendered in the reader's language too.

Chatter notes: ``chatter_note(env, body, *parts)`` is the data of a note (one message, or a ``Markup`` template whose
``%s`` take messages, plain texts or ``Markup``); ``mail.thread._crm_plus_message_post`` /
``_crm_plus_message_log_batch`` post it (the body in the poster's language, for emails and search) and keep the
data on ``mail.message.crm_plus_body_data``, from which the web client's messages are rendered for each reader
(``render_html``: templates are ours, every figure is escaped). In the chatter, ``Ref`` figures are read in the
reader's own environment, two queries per model for the whole batch (``read_refs``), and show the label stored
at posting where the reader may not read the record or the field.
"""

from collections import defaultdict

from markupsafe import Markup
from markupsafe import escape

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


class Choice:
    """A figure that is the label of a selection value (``field`` of ``record``, or ``value`` given)."""

    __slots__ = ("field", "model", "value")

    def __init__(self, record, field, value=None):
        self.model = record._name
        self.field = field
        self.value = record[field] if value is None else value

    def to_json(self, env):
        labels = dict(env[self.model]._fields[self.field]._description_selection(env))
        return {"__choice__": [self.model, self.field, self.value], "label": labels.get(self.value, self.value or "")}


class Message(str):
    """A text in the language of the environment that built it, with the data to render it in any other."""

    data = None

    def __new__(cls, env, text):
        if isinstance(text, Message):
            return text
        data = _to_json(env, text) if isinstance(text, LazyGettext | Ref | Choice) else {"text": str(text)}
        # a reference reads in the language of its record's environment: no query to render it again
        obj = super().__new__(cls, data["label"] if isinstance(text, Ref | Choice) else render(env, data))
        obj.data = data
        return obj


def _to_json(env, value):
    """JSON of a message or of one of its figures (references, nested messages, markup, lists of them)."""
    if isinstance(value, LazyGettext):
        params = value._args if isinstance(value._args, dict) else {}
        return {
            "module": value._module,
            "source": value._source,
            "params": {k: _to_json(env, v) for k, v in params.items()},
        }
    if isinstance(value, Ref):
        return value.to_json()
    if isinstance(value, Choice):
        return value.to_json(env)
    if isinstance(value, Message):
        return value.data
    if isinstance(value, Markup):
        # HTML our code built (a link): kept as HTML, where any other figure is escaped
        return {"markup": str(value)}
    if isinstance(value, list | tuple):
        return [_to_json(env, item) for item in value]
    return value


def _param(env, value, lang, refs=None):
    if isinstance(value, list):
        return [_param(env, item, lang, refs) for item in value]
    if not isinstance(value, dict):
        return value
    if "markup" in value:
        return Markup(value["markup"])
    if "source" in value or "text" in value:
        return render(env, value, lang, refs)
    if "__choice__" in value:
        model, field, choice = value["__choice__"]
        if model in env and field in env[model]._fields:
            labels = dict(env[model]._fields[field]._description_selection(env(context=dict(env.context, lang=lang))))
            if choice in labels:
                return labels[choice]
        return value.get("label", "")
    if "__ref__" in value:
        model, res_id, field = value["__ref__"]
        if refs is not None:
            # read beforehand in the reader's environment (read_refs): the label as posted where he may not read
            return refs.get((model, res_id, field), value.get("label", ""))
        if model in env:
            # sudo: the name of a record a text the reader may see refers to (rule, product, level)
            record = env[model].sudo().with_context(lang=lang).browse(res_id).exists()
            if record:
                return record[field] or ""
        return value.get("label", "")
    return value


def render(env, data, lang=None, refs=None):
    """``data`` (one stored message) as text in ``lang`` (default: the environment's language).

    ``refs``: ``{(model, id, field): value}`` read beforehand (``read_refs``); without it a reference is read
    as superuser.
    """
    if not data:
        return ""
    if "text" in data:
        return data["text"]
    if "markup" in data:
        return Markup(data["markup"])
    lang = lang or env.lang or "en_US"
    if "__ref__" in data or "__choice__" in data:
        return _param(env, data, lang, refs)
    params = {key: _param(env, value, lang, refs) for key, value in (data.get("params") or {}).items()}
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


# ---------------------------------------------------------------------------------------------------- chatter notes


def chatter_note(env, body, *parts):
    """Data of a chatter note: ``body`` alone (a lazy translation, ``Ref``, ``Message``, plain text, ``Markup``),
    or a ``Markup`` template whose ``%s`` take ``parts`` (each one of those, a list of them shown one per line,
    or stored message data such as ``approval_reason_data``)."""
    if parts:
        assert isinstance(body, Markup), "a note with parts needs a Markup template"
        return {"html": str(body), "parts": [_note_part(env, part) for part in parts]}
    return _note_part(env, body)


def _note_part(env, part):
    if part is None or part is False:
        return {"text": ""}
    if isinstance(part, dict):
        return part
    if isinstance(part, list | tuple):
        return {"html": "<br/>".join(["%s"] * len(part)), "parts": [_note_part(env, item) for item in part]}
    if isinstance(part, Markup):
        return {"markup": str(part)}
    return Message(env, part).data


def text(env, value):
    """``value`` as plain text in the environment's language (what a note's part reads as when posted)."""
    if isinstance(value, list | tuple):
        return "\n".join(text(env, item) for item in value)
    return str(render(env, _note_part(env, value)))


def render_html(env, data, lang=None, refs=None):
    """A note's ``data`` (see ``chatter_note``) as HTML in ``lang``: the templates are our code's, every figure and
    every translated sentence is escaped (a customer named ``<img onerror=…>`` shows as text)."""
    if not data:
        return Markup()
    if "html" in data:
        return Markup(data["html"]) % tuple(render_html(env, part, lang, refs) for part in data.get("parts") or ())
    # a sentence with a Markup figure comes back as Markup (translation and other figures escaped), else escaped
    return escape(render(env, data, lang, refs))


def _collect_refs(value, found):
    if isinstance(value, list):
        for item in value:
            _collect_refs(item, found)
    elif isinstance(value, dict):
        if "__ref__" in value:
            model, res_id, field = value["__ref__"]
            found[model, field].add(res_id)
        for key in ("params", "parts"):
            if key in value:
                _collect_refs(list(value[key].values()) if key == "params" else value[key], found)


def read_refs(env, datas, lang):
    """``{(model, id, field): value}`` of the references in ``datas``, read in ``lang`` as the environment's user:
    two queries per model and field (the records he may read, then the model's own checks), and only the records
    and fields he may read (others keep their label)."""
    found = defaultdict(set)
    for data in datas:
        _collect_refs(data, found)
    values = {}
    for (model, field), ids in found.items():
        if model not in env or field not in env[model]._fields:
            continue
        Model = env[model].with_context(lang=lang, active_test=False)
        if not Model.has_access("read") or not Model._has_field_access(Model._fields[field], "read"):
            continue
        # the record rules and the model's own checks apply: a record the reader may not read keeps its label
        for record in Model.search_fetch([("id", "in", list(ids))], [field])._filtered_access("read"):
            values[model, record.id, field] = record[field] or ""
    return values
