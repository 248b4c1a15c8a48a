"""The site-wide answers as pandas objects: :class:`Stats` and :class:`Comparison`.

Each keeps the command line's JSON it was made from in ``.json``; the frames hold the same
numbers (never recomputed here), labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

#: The nine weights of a 3x3 filter, row-major (``w00`` top left).
WEIGHTS = [f"w{r}{c}" for r in range(3) for c in range(3)]
#: The nine principal components, by explained variance.
COMPONENTS = [f"pc{k}" for k in range(1, 10)]


@dataclass(frozen=True)
class Stats:
    """Global counts and the PCA basis of the site (``data-prep stats --json``)."""

    n_filters: int
    n_layers: int
    n_models: int
    #: Mean of the scaled filters, by weight.
    pca_mean: pd.Series
    #: One row per principal component, one column per filter weight.
    components: pd.DataFrame
    #: Explained variance ratio per component.
    explained_variance_ratio: pd.Series
    #: The coefficient range the histograms span, (low, high).
    coef_range: tuple
    json: dict = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, j: dict) -> "Stats":
        return cls(
            n_filters=j["n_filters"],
            n_layers=j["n_layers"],
            n_models=j["n_models"],
            pca_mean=pd.Series(j["pca_mean"], index=WEIGHTS, name="pca_mean"),
            components=pd.DataFrame(j["components"], index=COMPONENTS, columns=WEIGHTS),
            explained_variance_ratio=pd.Series(
                j["explained_variance_ratio"], index=COMPONENTS, name="explained_variance_ratio"
            ),
            coef_range=tuple(j["coef_range"]),
            json=j,
        )


def _square(rows: list, labels: list, order: list, name: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=labels, columns=labels)
    frame.index.name = name
    frame.columns.name = name
    return frame.loc[order, order]


@dataclass(frozen=True)
class Comparison:
    """D between the groups of a column (``data-prep compare --json``), in the order asked for.

    ``D`` is symmetric with a zero diagonal. With ``ci=B``, ``low`` and ``high`` are the
    bootstrap interval's bounds, ``floor`` each group's noise floor (``NaN`` under 4 models) and
    ``within_noise`` marks the cells whose lower bound is not above the larger floor of the two
    groups (``None`` where no floor says).
    """

    by: str
    #: The groups, in ``order``: filters, models, layers (and the noise floor with intervals).
    groups: pd.DataFrame
    D: pd.DataFrame
    low: Optional[pd.DataFrame]
    high: Optional[pd.DataFrame]
    within_noise: Optional[pd.DataFrame]
    #: What each filter weighed: "filters" or "models".
    weight: str
    #: SciPy's linkage matrix of the groups (average linkage on D), rows as the groups come
    #: in ``json["groups"]``: usable with ``scipy.cluster.hierarchy.dendrogram``.
    tree: np.ndarray
    order: list
    json: dict = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, j: dict) -> "Comparison":
        labels, order = j["groups"], j["order"]
        groups = pd.DataFrame(
            {"n_filters": j["n_filters"], "n_models": j["n_models"], "n_layers": j["n_layers"]},
            index=pd.Index(labels, name=j["by"]),
        )
        ci = j.get("ci")
        low = high = noise = None
        if ci is not None:
            low = _square(ci["low"], labels, order, j["by"])
            high = _square(ci["high"], labels, order, j["by"])
            groups["floor"] = [np.nan if f is None else f for f in j["floor"]]
            noise = _square(j["within_noise"], labels, order, j["by"])
        tree = np.array([[m["a"], m["b"], m["height"], m["size"]] for m in j["tree"]], dtype=float)
        return cls(
            by=j["by"],
            groups=groups.loc[order],
            D=_square(j["D"], labels, order, j["by"]),
            low=low,
            high=high,
            within_noise=noise,
            weight=j["weight"],
            tree=tree.reshape(-1, 4),
            order=list(order),
            json=j,
        )

    def style(self, cmap: str = "viridis", digits: int = 3):
        """``D`` as a pandas Styler: a colour scale, and the cells within noise greyed out and
        italic (as the site greys them) when there are intervals."""
        styler = self.D.style.background_gradient(cmap=cmap, axis=None).format(f"{{:.{digits}f}}")
        if self.within_noise is not None:
            mask = np.array([[v is True for v in row] for row in self.within_noise.to_numpy()])
            styler = styler.apply(
                lambda _: np.where(mask, "color: #888; font-style: italic", ""), axis=None
            )
        return styler

