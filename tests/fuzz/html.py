"""What a page offers, read from its HTML: the links (href, hx-get) and the forms with their
fields, as a browser would submit them. The standard library's parser is enough: our pages
are well-formed and we need only tags and attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    """One name a form submits: a text input, a select (its option values), a group of
    checkboxes or radios of the same name (their values), a textarea or a file input."""

    name: str
    kind: str  # "text", "hidden", "date", "datetime-local", "number", "select", "checkbox"...
    value: list[str] = field(default_factory=list)  # what the form would send untouched
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str  # GET or POST
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    # Named submit buttons (add a party, remove the last...): each is one more way to submit.
    buttons: list[tuple[str, str]] = field(default_factory=list)
    multipart: bool = False

    def add(self, name: str, kind: str, value: str | None, *, options=(), multiple=False):
        known = self.fields.get(name)
        if known is None:
            known = self.fields[name] = Field(name, kind, multiple=multiple)
        if value is not None:
            known.value.append(value)
        known.options.extend(o for o in options if o not in known.options)


@dataclass
class Page:
    links: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)  # hx-post outside any form
    forms: list[Form] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.page = Page()
        self.form: Form | None = None
        self.select: tuple[str, bool, list[str], list[str]] | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):  # noqa: C901 - one branch per tag
        a = {k: (v if v is not None else "") for k, v in attrs}
        for key in ("href", "hx-get"):
            if a.get(key) and (tag != "link" or key != "href"):
                self.page.links.append(a[key])
        if tag == "form":
            method = (a.get("method") or "get").upper()
            action = a.get("action") or a.get("hx-post") or a.get("hx-get") or self.base
            self.form = Form(method, action, multipart="multipart" in a.get("enctype", ""))
            self.page.forms.append(self.form)
            return
        if a.get("hx-post") and tag != "form":
            # htmx posts the enclosing form's fields (a lookup while typing), or none.
            if self.form is None:
                self.page.posts.append(a["hx-post"])
            else:
                self.page.forms.append(Form("POST", a["hx-post"], self.form.fields))
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                self.form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                self.form.add(name, kind, value if "checked" in a else None, options=[value])
            else:
                self.form.add(name, kind, a.get("value", ""))
        elif tag == "button" and name:
            self.form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, "multiple" in a, [], [])
        elif tag == "option" and self.select is not None:
            value = a.get("value")
            self._option = value
            if value is not None:
                self.select[2].append(value)
                if "selected" in a:
                    self.select[3].append(value)
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.select is not None and getattr(self, "_option", "") is None:
            # <option>text</option> without a value submits its text.
            self.select[2].append(data.strip())
            self._option = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, multiple, options, chosen = self.select
            if not chosen and options and not multiple:
                chosen = [options[0]]
            self.form.add(name, "select", None, options=options, multiple=multiple)
            self.form.fields[name].value.extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            name, text = self.textarea
            self.form.add(name, "textarea", "".join(text).removeprefix("\n"))
            self.textarea = None


def read(html: str, base: str) -> Page:
    """The links and forms of `html`, served at the path `base`."""
    reader = _Reader(base)
    reader.feed(html)
    reader.close()
    return reader.page
