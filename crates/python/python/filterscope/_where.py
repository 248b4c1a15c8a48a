"""Filters as the command line's ``--where`` takes them, from what a notebook would write."""

from __future__ import annotations

from typing import Iterable, Mapping, Union

#: ``"Task=Classification"``, a list of such strings, or ``{"Task": "Classification"}`` /
#: ``{"Task": ["Classification", "Segmentation"]}``: OR within a column, AND across columns.
Where = Union[None, str, Iterable[str], Mapping[str, Union[str, Iterable[str]]]]


def where_list(where: Where) -> list[str]:
    """The filters as ``COLUMN=VALUE`` strings."""
    if where is None:
        return []
    if isinstance(where, str):
        return [where]
    if isinstance(where, Mapping):
        out: list[str] = []
        for column, values in where.items():
            if isinstance(values, str):
                values = [values]
            out.extend(f"{column}={v}" for v in values)
        return out
    return [str(w) for w in where]
