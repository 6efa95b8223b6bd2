"""The label sets of shared/labels.md, loaded once from `resources/labels.json`."""

import json
from dataclasses import dataclass
from functools import cache

from nlp.resources import resource


@dataclass(frozen=True)
class Label:
    code: str
    name: str
    definition: str
    handling: str | None = None
    aliases: tuple[str, ...] = ()


@cache
def _catalogue() -> dict[str, tuple[Label, ...]]:
    raw = json.loads(resource("labels.json").read_text(encoding="utf-8"))
    return {
        axis: tuple(Label(**(item | {"aliases": tuple(item.get("aliases", ()))})) for item in items)
        for axis, items in raw.items()
    }


def labels(axis: str) -> tuple[Label, ...]:
    """All labels of one axis (`type` or `urgency`) in the contract's order."""
    return _catalogue()[axis]


def codes(axis: str) -> tuple[str, ...]:
    return tuple(label.code for label in labels(axis))


def name_of(axis: str, code: str) -> str:
    return _names()[axis, code]


@cache
def _names() -> dict[tuple[str, str], str]:
    return {(axis, label.code): label.name for axis, items in _catalogue().items() for label in items}


TYPES: tuple[str, ...] = codes("type")
URGENCIES: tuple[str, ...] = codes("urgency")
AXES: tuple[str, ...] = ("type", "urgency")


def code_for(axis: str, spelling: str) -> str | None:
    """The code a spreadsheet's spelling of a label stands for (code, Chinese name or alias), or None."""
    wanted = spelling.strip().lower()
    for label in labels(axis):
        if wanted in {label.code, label.name.lower(), *(a.lower() for a in label.aliases)}:
            return label.code
    return None
