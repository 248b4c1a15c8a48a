"""Your models against the site: a file path, or a mapping of names to arrays (a PyTorch
state_dict, a dict of numpy arrays, anything with ``__array__``), measured by the same code as
``data-prep yours`` and the page, and the answers as DataFrames.

Arrays are handed to Rust in place: a C-ordered little-endian float16/32/64 array is not copied;
any other is converted once (bfloat16 tensors, which numpy has no type for, go through float32).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

#: A model: the path of a model file (ONNX, safetensors, PyTorch), or its tensors by name.
Model = Union[str, "os.PathLike[str]", Mapping[str, Any]]

_DTYPES = {np.dtype("<f2"): "F16", np.dtype("<f4"): "F32", np.dtype("<f8"): "F64"}
#: Other types are listed and skipped, named as safetensors names them (as a file's would be).
_OTHER = {"bool": "BOOL", "complex64": "C64", "complex128": "C128"} | {
    f"{kind}{bits}": f"{kind[0].upper()}{bits}" for kind in ("int", "uint") for bits in (8, 16, 32, 64)
}


def _as_array(value: Any) -> np.ndarray:
    """A C-contiguous little-endian float array of ``value``, copied only when it must be."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        # A torch tensor: numpy() shares its memory (bfloat16 has no numpy type: via float32).
        t = value.detach().cpu()
        if str(getattr(t, "dtype", "")) == "torch.bfloat16":
            t = t.float()
        value = t.numpy()
    a = np.asarray(value)
    if a.dtype.kind != "f":
        # Integer and boolean tensors are listed and skipped, as in a file; keep them small.
        return a
    if a.dtype in _DTYPES and a.flags.c_contiguous:
        return a
    little = a.dtype.newbyteorder("<")
    return np.ascontiguousarray(a, dtype=little if little in _DTYPES else "<f4")


def native_model(model: Model, name: Optional[str], keep: list) -> Any:
    """What ``_native.Site.yours_json`` takes for ``model``; arrays whose memory it reads are
    appended to ``keep``, which the caller holds until the call returns."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if not isinstance(model, Mapping):
        raise TypeError(
            f"a model is a file path or a mapping of names to arrays, not {type(model).__name__}"
        )
    arrays = []
    for key, value in model.items():
        a = _as_array(value)
        keep.append(a)
        dtype = _DTYPES.get(a.dtype) or _OTHER.get(a.dtype.name, a.dtype.name)
        address = a.ctypes.data if a.size else 0
        arrays.append((str(key), dtype, [int(d) for d in a.shape], address, int(a.nbytes)))
    return (name or "model", arrays)


def _ranked(rows: list, name: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {name: [r["name"] for r in rows], "D": [np.nan if r["d"] is None else r["d"] for r in rows]}
    )
    return frame.set_index(name)


@dataclass(frozen=True)
class Yours:
    """One model against the site (``data-prep yours MODEL --json``)."""

    model: str
    n_filters: int
    n_layers: int
    #: Share of its coefficients outside the site's range.
    outside_range: float
    #: Each 3x3 layer's quality and normalised depth (index: the layer's rank in the model).
    layers: pd.DataFrame
    #: Every site model, nearest first, with D to it.
    nearest: pd.DataFrame
    #: Per model-level column, its groups nearest first, with D.
    by: dict
    #: Per depth bucket, D from the model's filters there to the site's there.
    depth_buckets: pd.DataFrame
    #: What the file held: every kernel taken (name, shape, layout, filters) ...
    taken: pd.DataFrame
    #: ... and every tensor skipped, with the reason.
    skipped: pd.DataFrame
    json: dict = field(repr=False, compare=False)
    #: With ``page``: the link that opens the same view on the site's page ...
    link: Optional[str] = None
    #: ... and what of the model it leaves out to stay within 8 KB.
    link_leaves_out: list = field(default_factory=list)

    @classmethod
    def from_json(cls, j: dict) -> "Yours":
        layers = pd.DataFrame(j["layers"]).set_index("layer_id")
        layers.insert(1, "conv_depth_norm", j["depth"])
        file = j.get("file") or {"taken": [], "skipped": []}
        return cls(
            model=j["model"],
            n_filters=j["n_filters"],
            n_layers=j["n_layers"],
            outside_range=j["outside_range"],
            layers=layers,
            nearest=_ranked(j["nearest"], "model"),
            by={column: _ranked(rows, column) for column, rows in j["by"].items()},
            depth_buckets=_ranked(j["depth_buckets"], "depth"),
            taken=pd.DataFrame(file["taken"], columns=["name", "shape", "layout", "filters"]),
            skipped=pd.DataFrame(file["skipped"], columns=["name", "shape", "why"]),
            json=j,
        )


@dataclass(frozen=True)
class YoursMany:
    """Several models against the site and each other (``data-prep yours A B ... --json``)."""

    #: Each model measured, in the order given.
    models: list
    #: D between every two of them (models in the order given).
    D: Optional[pd.DataFrame]
    #: The models as a series in the order given: D to the first and to the previous.
    series: Optional[pd.DataFrame]
    #: The models refused, and why (empty when none was).
    errors: pd.DataFrame
    json: dict = field(repr=False, compare=False)
    #: With ``page``: the link that opens the same view on the site's page ...
    link: Optional[str] = None
    #: ... and the models (or parts of them) it leaves out to stay within 8 KB.
    link_leaves_out: list = field(default_factory=list)

    @classmethod
    def from_json(cls, j: dict) -> "YoursMany":
        between = j.get("between")
        d = series = None
        if between is not None:
            names = between["models"]
            d = pd.DataFrame(between["D"], index=names, columns=names)
            d.index.name = d.columns.name = "model"
            series = pd.DataFrame(
                {
                    "to_first": [s["to_first"] for s in between["series"]],
                    "to_previous": [
                        np.nan if s["to_previous"] is None else s["to_previous"]
                        for s in between["series"]
                    ],
                },
                index=pd.Index([s["model"] for s in between["series"]], name="model"),
            )
        return cls(
            models=[Yours.from_json(m) for m in j["models"]],
            D=d,
            series=series,
            errors=pd.DataFrame(j.get("errors", []), columns=["file", "error"]),
            json=j,
        )
