"""The baseline for the browser's heatmaps: the same D matrix computed by numpy from the same
per-model counts (the site's rollups), vectorised as a matrix product, timed as median of --runs.
It also checks the result against `data-prep compare --json` so the two compute the same thing.

    target/reference-venv/bin/python tests/bench/heatmap_numpy.py SITE_DIR --by model \
        --data-prep target/release/data-prep
"""

import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc

EPS = np.float32(np.finfo(np.float32).eps).astype(np.float64)


def table(site, entry):
    with pa.OSFile(str(site / entry["file"]), "rb") as f:
        return pa.ipc.open_stream(f).read_all()


def drift_matrix(counts, evr, widths):
    """counts: (G, 9, 70) -> D (G, G), as docs/method.md defines it: per group and component,
    densities count / width / n (numpy.histogram's density=True), empty bins set to float32 eps in
    those units, normalised to sum 1."""
    n = counts.sum(axis=2, keepdims=True).astype(np.float64)
    p = counts.astype(np.float64) / widths[None, None, :] / n
    p[p == 0] = EPS
    p /= p.sum(axis=2, keepdims=True)
    lp = np.log(p)
    a = (p * evr[None, :, None]).reshape(len(p), -1)
    b = lp.reshape(len(p), -1)
    e = (a * b).sum(axis=1)
    m = a @ b.T
    d = e[:, None] + e[None, :] - m - m.T
    np.fill_diagonal(d, 0.0)
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("--by", default="model", help="model or a model-level meta column")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-prep", type=Path)
    a = ap.parse_args()
    manifest = json.loads((a.site / "manifest.json").read_text())
    evr = np.array(manifest["basis"]["explained_variance_ratio"])
    lo, hi = manifest["coef_range"]
    widths = np.diff(np.linspace(lo, hi, manifest["bins"] + 1))
    rollups = table(a.site, manifest["rollups"])
    models = table(a.site, manifest["models"])
    model_of = rollups.column("model").to_numpy()
    # Counts are stored as byte planes counts_0, counts_1, ... (docs/site-format.md).
    counts = np.zeros(rollups.num_rows * 9 * 70, dtype=np.uint64)
    for b in range(8):
        if f"counts_{b}" not in rollups.column_names:
            break
        plane = np.array(rollups.column(f"counts_{b}").combine_chunks().flatten(), dtype=np.uint64)
        counts |= plane << np.uint64(8 * b)
    counts = counts.reshape(-1, 9, 70)
    if a.by == "model":
        labels = [str(v) for v in models.column("model").to_pylist()]
    else:
        labels = [str(v) for v in models.column(a.by).to_pylist()]

    def compute():
        names = sorted(set(labels), key=lambda s: s.encode())
        index = {n: k for k, n in enumerate(names)}
        group = np.array([index[labels[m]] for m in model_of])
        sums = np.zeros((len(names), 9, 70), dtype=np.uint64)
        np.add.at(sums, group, counts)
        return names, drift_matrix(sums, evr, widths)

    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        names, d = compute()
        times.append(time.perf_counter() - t0)
    out = {"by": a.by, "groups": len(names), "numpy_ms": statistics.median(times) * 1e3}
    if a.data_prep:
        r = json.loads(subprocess.run(
            [a.data_prep, "compare", str(a.site), "--by", a.by, "--json"],
            check=True, capture_output=True).stdout)
        assert r["groups"] == names, "same groups in the same order"
        ours = np.array(r["D"])
        out["max_abs_diff_vs_data_prep"] = float(np.abs(ours - d).max())
        out["max_d"] = float(ours.max())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
