"""Typer's coercion of parameter values, with pydantic only where a value needs it.

Typer 0.29 coerces every parameter's value, given or not, through a pydantic `TypeAdapter`
built on first use. A command with fifteen options (`msgu recommend`) built fifteen, and
importing pydantic to build them cost more than the whole command's own work on a small
directory (30-50 ms). The values of msgu's commands are mostly already what they should be:
an option not given is None (Typer's `RuntimeParam.coerce` returns it without its adapter),
text for a text parameter is that text, a default integer or plain decimal digits within the
bounds are that integer. Those are coerced here, exactly as the adapter would; any other value
(a path, a number out of bounds or written otherwise) goes through Typer's own coercion,
pydantic included, so its errors and conversions stay Typer's.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, get_args, get_origin

from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import TyperArgument, TyperOption

_NOT_PLAIN = object()  # a value that Typer's own coercion must see


class _PlainValues(RuntimeParam):
    """A parameter's coercion: plain values as they are, the others through Typer's. (No
    @dataclass of its own: making one costs more at start-up than this module's other work.)"""

    descriptor: TypeDescriptor

    def __init__(self, descriptor: TypeDescriptor) -> None:
        super().__init__(descriptor.parameter_info, descriptor.annotation)
        object.__setattr__(self, "descriptor", descriptor)  # RuntimeParam is frozen

    @cached_property
    def _typer(self) -> RuntimeParam:
        return build_runtime_param(self.descriptor)

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        plain = self._plain(self.annotation, value)
        if plain is not _NOT_PLAIN:
            return plain
        if get_origin(self.annotation) is list and isinstance(value, list | tuple):
            [item_type] = get_args(self.annotation) or (Any,)
            items = [self._plain(item_type, item) for item in value]
            if _NOT_PLAIN not in items:
                return items
        return self._typer._coerce_value(value, param=param, ctx=ctx)

    def _plain(self, annotation: Any, value: Any) -> Any:
        """What Typer's adapter would make of `value` when it is plain: text for text, for a
        whole number (not clamped) an integer or its decimal digits within the bounds;
        `_NOT_PLAIN` for anything else."""
        if annotation is str:
            return value if type(value) is str else _NOT_PLAIN
        info = self.parameter_info
        if annotation is not int or info.clamp:
            return _NOT_PLAIN
        if type(value) is str and value.isascii() and value.isdigit() and (
                value == "0" or not value.startswith("0")):
            value = int(value)
        if type(value) is not int:
            return _NOT_PLAIN
        within = (info.min is None or value >= info.min) and (info.max is None
                                                              or value <= info.max)
        return value if within else _NOT_PLAIN


def plain_values_first(param: TyperOption | TyperArgument) -> None:
    """Give `param` the coercion above, unless Typer has already made its own (files, whose
    coercion opens them, keep Typer's)."""
    descriptor = param.type_descriptor
    if param._runtime_param is None and descriptor.file_annotation is None:
        param._runtime_param = _PlainValues(descriptor)
