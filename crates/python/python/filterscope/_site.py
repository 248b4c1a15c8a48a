""":func:`open` and :class:`Site`: site data and the queries over it."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any, Optional, Sequence, Union, cast

import pandas as pd

from . import _native
from ._frames import Comparison, Stats
from ._models import Model, Yours, YoursMany, native_model
from ._where import Where, where_list


def open(src: Union[str, "os.PathLike[str]"], sha256: Optional[str] = None) -> "Site":
    """Opens site data, checked against its manifest as the website checks it.

    ``src`` is a site's data folder (``data/`` of a built site), an archive from
    ``data-prep pack`` (a path, or an http(s) URL ending in ``.tar``), or the http(s) URL of a
    deployed site (its page, its ``data/`` folder or its ``manifest.json``). Every file read is
    checked against the manifest's size and sha256; ``sha256`` is the manifest's own expected
    hash (what ``data-prep pack`` prints), to pin one build of the data.

    Raises :class:`SiteDataError` for anything missing, truncated, corrupt or of another format
    version, naming the file and the problem.
    """
    return Site(_native.open(os.fspath(src), sha256))


class Site:
    """Site data, opened by :func:`open`. Every method answers what the ``data-prep`` command of
    the same name prints with ``--json``, as pandas objects; ``.json`` on each answer holds that
    JSON itself."""

    def __init__(self, native: Any):
        self._native = native
        self.model_columns, self.layer_columns = native.columns()

    def __repr__(self) -> str:
        s = self.stats()
        return f"<filterscope.Site: {s.n_models} models, {s.n_layers} layers, {s.n_filters} filters>"

    @property
    def manifest(self) -> dict:
        """The manifest: counts, basis, columns, provenance, every file with its sha256."""
        return json.loads(self._native.manifest_json())

    def stats(self) -> Stats:
        """Global counts and the PCA basis (``data-prep stats --json``)."""
        return Stats.from_json(json.loads(self._native.stats_json()))

    def models(self) -> pd.DataFrame:
        """Every model (``data-prep models --json``): index ``model``, its meta columns in the
        manifest's order, then ``n_layers`` and ``n_filters``."""
        rows = json.loads(self._native.models_json())
        frame = pd.DataFrame(
            [[r["name"], *(r["columns"][c] for c in self.model_columns), r["n_layers"], r["n_filters"]] for r in rows],
            columns=["model", *self.model_columns, "n_layers", "n_filters"],
        )
        return frame.set_index("model")

    def layers(self, where: Where = None) -> pd.DataFrame:
        """Every layer, or those ``where`` keeps (``data-prep layers --json --where ...``):
        index ``layer_id``; its model, filters (``n``), depth, channels, layer-level columns,
        and its quality (sparsity, variance entropy, degeneration, orthogonality).

        ``where`` is ``"Task=Classification"``, a list of such, or a dict
        ``{"Task": ["Classification", "Segmentation"]}``: OR within a column, AND across."""
        rows = json.loads(self._native.layers_json(where_list(where)))
        head = ["layer_id", "model", "n", "conv_depth", "conv_depth_norm", "depth", "in_channels", "out_channels"]
        quality = ["sparsity", "variance_entropy", "variance_entropy_ratio", "degenerated", "orthogonality"]
        frame = pd.DataFrame(
            [[r[c] for c in head] + [r["columns"][c] for c in self.layer_columns] + [r[c] for c in quality] for r in rows],
            columns=[*head, *self.layer_columns, *quality],
        )
        frame["orthogonality"] = frame["orthogonality"].astype(float)
        return frame.set_index("layer_id")

    def compare(
        self,
        by: str,
        where: Where = None,
        weight: str = "filters",
        order: Optional[str] = None,
        min_models: int = 0,
        ci: Optional[int] = None,
        seed: int = 0,
    ) -> Comparison:
        """D between the groups of ``by`` (a model or layer column, ``model`` or ``depth``)
        among the layers ``where`` keeps (``data-prep compare --json``).

        ``weight``: ``"filters"`` (every filter once, the paper's method) or ``"models"`` (every
        model of a group the same). ``order``: ``"cluster"``, ``"mean"`` or ``"name"`` (default:
        name for depth, cluster otherwise). ``min_models`` leaves out smaller groups. ``ci=B``
        adds bootstrap intervals over B replicates and each group's noise floor; ``seed`` makes
        them reproducible to the bit. Raises :class:`QueryError` for an unknown column, filter,
        weight or order."""
        j = self._native.compare_json(by, where_list(where), weight, order, min_models, ci, seed)
        return Comparison.from_json(json.loads(j))

    def yours(
        self,
        model: Union[Model, Sequence[Model]],
        name: Optional[Union[str, Sequence[str]]] = None,
        page: Optional[str] = None,
        skip_bad: bool = False,
    ) -> Union[Yours, YoursMany]:
        """Your model against the site (``data-prep yours MODEL --json``), or several (a list,
        up to 16) against the site and each other.

        A model is the path of a file (ONNX, safetensors, PyTorch ``.pt``/``.pth``/``.bin``;
        told apart by content) or a mapping of tensor names to arrays (a state_dict, numpy
        arrays, anything with ``__array__``), in the model's order: 4-D ``...weight`` tensors
        are ``[out, in, kh, kw]`` kernels, ``...kernel`` ones ``[kh, kw, in, out]``. ``name``
        names mapping models (default ``"model"``, or ``"model k"`` in a list).

        ``page``, the site's page URL, adds ``.link``: the link that opens the same view there.

        Raises :class:`ModelError` naming the file and the problem; for several, if any is
        refused, unless ``skip_bad`` (then the others are measured and ``.errors`` lists it)."""
        many = isinstance(model, (list, tuple))
        models = list(cast(Sequence[Model], model)) if many else [cast(Model, model)]
        names: list[Optional[str]]
        if name is not None and not isinstance(name, str):
            names = list(name)
            if len(names) != len(models):
                raise ValueError(f"{len(names)} names for {len(models)} models")
        elif many:
            # In a list, one name (or the default) is numbered.
            names = [f"{name or 'model'} {k + 1}" for k in range(len(models))]
        else:
            names = [name]
        # The arrays whose memory Rust reads stay referenced here until the call returns.
        keep: list = []
        items = [native_model(m, n, keep) for m, n in zip(models, names)]
        text, link, left_out = self._native.yours_json(items, page)
        del keep
        j = json.loads(text)
        if not many:
            return replace(Yours.from_json(j), link=link, link_leaves_out=left_out)
        result = replace(YoursMany.from_json(j), link=link, link_leaves_out=left_out)
        if len(result.errors) and not skip_bad:
            raise _native.ModelError("; ".join(result.errors["error"]))
        return result
