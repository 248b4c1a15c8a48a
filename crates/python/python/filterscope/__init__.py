"""Filterscope in a notebook: the CNN Filter DB's site data (or any site data-prep built), the
comparisons the website draws, and your own models held against them, as pandas DataFrames.

The numbers are computed by the same Rust code as ``data-prep`` and the website, and are
identical to ``data-prep ... --json``::

    import filterscope as fs
    site = fs.open("target/site/data")          # or a published site's URL
    by_task = site.compare("Task")
    by_task.D                                   # D between the tasks, clustered
    mine = site.yours({"conv1.weight": w1, "conv2.weight": w2})
    mine.nearest.head()                         # the site models nearest to it

docs/python.md has a worked example.
"""

from ._native import Error, ModelError, QueryError, SiteDataError, FORMAT_VERSION, MAX_MODELS
from ._frames import Comparison, Stats
from ._models import Yours, YoursMany
from ._site import Site, open

__all__ = [
    "open",
    "Site",
    "Stats",
    "Comparison",
    "Yours",
    "YoursMany",
    "Error",
    "SiteDataError",
    "QueryError",
    "ModelError",
    "FORMAT_VERSION",
    "MAX_MODELS",
]
