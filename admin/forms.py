"""Console forms declared with pydantic: `parse_form(handler, Model)` reads the form arguments a
model names into it, and a shape error is the same 422 VALIDATION_FAILED (message + `fields` keyed
by input name) the console templates already show beside each input.

    class DepartmentForm(Form):
        unit_id: Id
        name: text(100)

    body = parse_form(self, DepartmentForm)            # or parse_form(self, DepartmentForm, form)
"""
import typing
from typing import Annotated

import pydantic
from pydantic import BaseModel, ConfigDict

from handlers.contract import validation_error


class Form(BaseModel):
    """A console form: values arrive as text and are coerced (lax), stripped; unknown inputs
    (the XSRF token, buttons) are ignored."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


def _is_list(info):
    ann = info.annotation
    while typing.get_origin(ann) is Annotated:
        ann = typing.get_args(ann)[0]
    if typing.get_origin(ann) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        ann = next((a for a in typing.get_args(ann) if a is not type(None)), ann)
    return typing.get_origin(ann) in (list, tuple, set, frozenset)


def parse_form(handler, model, values=None):
    """Validate `values` (a dict, e.g. from `handler.form_args(...)`) or, when None, the request's
    form arguments named by `model`: text stripped, empty inputs left out so defaults apply, list
    fields take every non-empty value. Raises Invalid (422 VALIDATION_FAILED, fields by name)."""
    if values is None:
        values = {}
        for name, info in model.model_fields.items():
            key = info.alias or name
            raw = [v.strip() for v in handler.get_body_arguments(key)]
            if _is_list(info):
                if any(raw):
                    values[key] = [v for v in raw if v]
            elif raw and raw[-1]:
                values[key] = raw[-1]
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, where="form") from None
