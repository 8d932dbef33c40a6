"""Form helpers: Bootstrap classes on widgets; fields render with core/forms/field.html; a
service's errors put on a form's fields."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"


class StyledFormMixin:
    """Give every widget the design library's class, keeping invalid fields marked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input me-2"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def erreurs_sur(form, erreurs: Mapping[str, Any], alias: Mapping[str, str] | None = None) -> None:
    """A service's errors (``{champ: message or messages}``: ``DonneesInvalides.erreurs``, a
    ``ValidationError``'s ``message_dict``) on ``form``: on the field of that name (or of its
    ``alias``), on the whole form otherwise."""
    for name, text in erreurs.items():
        name = (alias or {}).get(name, name)
        form.add_error(name if name in form.fields else None, text)
