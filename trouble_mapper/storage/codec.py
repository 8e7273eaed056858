"""Turns domain entities into table rows and back, driven by the dataclasses' type hints."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

from trouble_mapper.domain.model import (
    Action,
    Background,
    Card,
    Link,
    Meeting,
    Person,
    Scores,
    Vote,
    Workshop,
    Zone,
)
from trouble_mapper.domain.session import Session

TABLES: dict[type, str] = {
    Workshop: "workshop", Person: "people", Zone: "zones", Card: "cards", Link: "links",
    Action: "actions", Meeting: "meetings", Vote: "votes", Background: "background", Session: "session",
}
ENTITY_OF_TABLE = {table: entity_type for entity_type, table in TABLES.items()}

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _converters(hint: Any) -> tuple[type, Convert, Convert]:
    """(column type, encode, decode) for one field type."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        column, enc, dec = _converters(inner)
        return (column, lambda v: None if v is None else enc(v),
                lambda v: None if v is None else dec(v))
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        _, enc_item, dec_item = _converters(item)
        return (str, lambda v: json.dumps([enc_item(x) for x in v]),
                lambda v: tuple(dec_item(x) for x in json.loads(v)))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return str, lambda v: v.value, hint
    if hint is date:
        return str, date.isoformat, date.fromisoformat
    if hint is bool:
        return int, int, bool
    if hint is float:
        return float, float, float
    if hint in (str, int, bytes):
        return hint, _identity, _identity
    if hint is Scores:
        return (str, lambda v: json.dumps(dataclasses.asdict(v)),
                lambda v: Scores(**json.loads(v)))
    raise TypeError(f"no column mapping for {hint!r}")


class EntityCodec:
    """Row <-> entity for one entity type."""

    def __init__(self, entity_type: type) -> None:
        self.entity_type = entity_type
        self.table = TABLES[entity_type]
        hints = typing.get_type_hints(entity_type)
        self.fields = [f.name for f in dataclasses.fields(entity_type)]
        converters = {name: _converters(hints[name]) for name in self.fields}
        self.columns: dict[str, type] = {n: c[0] for n, c in converters.items()}
        self._encode = [(n, converters[n][1]) for n in self.fields]
        self._decode = [converters[n][2] for n in self.fields]

    def to_row(self, entity: Any) -> dict[str, Any]:
        return {name: enc(getattr(entity, name)) for name, enc in self._encode}

    def to_values(self, entity: Any) -> tuple[Any, ...]:
        """Column values in ``self.fields`` order (for prepared statements)."""
        return tuple(enc(getattr(entity, name)) for name, enc in self._encode)

    def from_values(self, values: typing.Sequence[Any]) -> Any:
        """Build the entity from column values in ``self.fields`` order."""
        return self.entity_type(*(v if v is None else dec(v)
                                  for dec, v in zip(self._decode, values, strict=True)))

    def to_history_json(self, entity: Any) -> str:
        """The row as JSON for the history table; image bytes are summarised, not copied."""
        row = self.to_row(entity)
        for name, value in row.items():
            if isinstance(value, bytes):
                row[name] = {"bytes": len(value)}
        return json.dumps(row, ensure_ascii=False)


CODECS: dict[type, EntityCodec] = {t: EntityCodec(t) for t in TABLES}
