#!/usr/bin/env python3
"""Reference statistics for Filterscope's fidelity tests, computed the way the CNN Filter DB's
main.ipynb and torchconvquality compute them (numpy, scipy, scikit-learn, pandas), independently of
the Rust code.

    reference.py h5 DB.h5 META.csv [--cast f16] [--raw-labels] -> JSON on stdout
    reference.py onnx DIR MODELS.csv -> JSON on stdout (filters extracted with the onnx package)
    reference.py bench DB.h5 META.csv -> timings of the notebook's pipeline on the whole file
    reference.py yours MODEL.onnx DIR MODELS.csv -> that model held against the DB of DIR
    reference.py between DIR MODELS.csv MODEL... -> those models (ONNX or safetensors) held
                                            against each other on the DB of DIR's terms
    reference.py cluster < [D, ...] -> SciPy's average linkage and leaf order of each matrix
    reference.py dist LO HI < COUNTS.json -> the notebook's distributions of data with those
                                            histogram counts (repr floats, for bit equality)
    reference.py replay LO HI WEIGHT EVR < TRACE.json -> a resampled comparison replayed from the
                                            members and draws `data-prep compare --trace` wrote

h5 follows the notebook on the official DB: Task labels containing "Segmentation" become
"Segmentation" (unless --raw-labels), and --cast f16 loads the filters with astype(np.float16)
and scales them in float16, as main.ipynb does.

The JSON holds: stats (mean, components, evr, coefficient range), compare results for several
groupings (groups in byte order, depth buckets in order, empty groups left out) and per-layer
quality in layer_id order.
"""
import json
import re
import sys
import time
from collections import defaultdict

import numpy as np
import pandas as pd
import scipy.stats
from sklearn.decomposition import PCA

BINS = 70
DEPTH_EDGES = np.linspace(0, 1, 11)
DEPTH_LABELS = ["[0.0, 0.1]"] + [f"({a:.1f}, {b:.1f}]" for a, b in zip(DEPTH_EDGES[1:-1], DEPTH_EDGES[2:])]


def scale(X):
    # main.ipynb: divide each filter by its L-inf norm; zero filters stay zero.
    den = np.abs(X).max(axis=1)
    den = np.where(den == 0, 1, den)[:, None]
    return X / den


def fit_basis(Xs):
    pca = PCA(n_components=9).fit(Xs)
    comps = pca.components_.copy()
    # The design's convention (scikit-learn >= 1.5's svd_flip on Vt): each component's entry of
    # largest |value| is positive. Applied explicitly so the reference does not depend on the
    # installed scikit-learn's default.
    for i in range(comps.shape[0]):
        if comps[i, np.argmax(np.abs(comps[i]))] < 0:
            comps[i] = -comps[i]
    return pca.mean_, comps, pca.explained_variance_ratio_


def get_discrete_probability_distribution(X, _range, bins):
    # main.ipynb's function, line for line: DENSITY values, eps in density units, then normalised.
    v, _ = np.histogram(X, range=_range, bins=bins, density=True)  # density will not sum to 1 but help to not underflow eps during normalization
    v = v.astype(np.double)
    v[v == 0] = np.finfo(np.float32).eps
    v = v / np.sum(v)
    return v


def distributions(C, idx, lo, hi):
    return [get_discrete_probability_distribution(C[idx, i], (lo, hi), BINS) for i in range(9)]


def count_distributions(C, idx, lo, hi):
    """The earlier, wrong reading of the method (eps on raw counts), kept to show the difference."""
    out = []
    for i in range(9):
        counts = np.histogram(C[idx, i], bins=BINS, range=(lo, hi))[0].astype(np.float64)
        counts[counts == 0] = np.finfo(np.float32).eps
        out.append(counts / counts.sum())
    return out


def drift(P, Q, evr):
    return float(sum(evr[i] * (scipy.stats.entropy(P[i], Q[i]) + scipy.stats.entropy(Q[i], P[i])) for i in range(9)))


def compare(C, evr, lo, hi, labels, owners, order=None):
    """labels: per filter group label (None = left out); owners: per filter (model, layer_id)."""
    groups = defaultdict(list)
    for k, lab in enumerate(labels):
        if lab is not None and lab != "":
            groups[lab].append(k)
    names = order if order is not None else sorted(groups, key=lambda s: s.encode())
    names = [n for n in names if n in groups]
    dists = {n: distributions(C, np.array(groups[n]), lo, hi) for n in names}
    D = [[drift(dists[a], dists[b], evr) for b in names] for a in names]
    cdists = {n: count_distributions(C, np.array(groups[n]), lo, hi) for n in names}
    D_counts = [[drift(cdists[a], cdists[b], evr) for b in names] for a in names]
    # weight=models: each filter weighs 1 / (its model's filters in the group), so every model of
    # a group adds the same mass; numpy's weighted density, then the notebook's eps and sum.
    def model_weighted(idx):
        models = np.array([owners[k][0] for k in idx], dtype=object)
        _, inverse, counts = np.unique(models.astype(str), return_inverse=True, return_counts=True)
        w = 1.0 / counts[inverse]
        out = []
        for i in range(9):
            v, _ = np.histogram(C[idx, i], range=(lo, hi), bins=BINS, weights=w, density=True)
            v[v == 0] = np.finfo(np.float32).eps
            out.append(v / np.sum(v))
        return out
    mdists = {n: model_weighted(np.array(groups[n])) for n in names}
    D_models = [[drift(mdists[a], mdists[b], evr) for b in names] for a in names]
    n_models = [len({owners[k][0] for k in groups[n]}) for n in names]
    n_layers = [len({owners[k][1] for k in groups[n]}) for n in names]
    return {"groups": names, "n_filters": [len(groups[n]) for n in names], "n_models": n_models, "n_layers": n_layers, "D": D,
            "D_counts": D_counts, "D_models": D_models}


def threshold(n):
    l, x0, k, b = (1.2618047, 2.30436435, 0.88767525, -0.31050834)
    return l / (1 + np.exp(-k * (np.log2(n) - x0))) + b


def quality(W, out_channels, n_filters):
    """torchconvquality's measures, in numpy. W: (n, 9) raw filters of one layer."""
    n = W.shape[0]
    t = np.abs(W).max() * 0.01
    if t == 0:
        t = 1
    sparsity = float((np.abs(W) < t).all(axis=1).sum() / n)
    s = np.linalg.svd(W - W.mean(axis=0), compute_uv=False)
    var = s ** 2 / (n - 1)
    den = var.sum()
    if den == 0:
        den = 1
    ratio = var / den
    p = ratio[ratio > 0]
    h = float(-(p * np.log10(p)).sum()) if ratio.sum() != 0 else 0.0
    th = threshold(n)
    degenerated = bool(h >= th - 0.02 or (h < 0.5 and sparsity >= 0.14))
    orth = None
    if out_channels >= 2 and out_channels * (n_filters // out_channels) == n_filters:
        w = W.reshape(out_channels, -1)
        norms = np.linalg.norm(w, axis=1, ord=2)[:, None]
        norms[norms == 0] = 1
        wn = w / norms
        c = np.abs(wn @ wn.T - np.eye(out_channels)).sum() / (out_channels * (out_channels - 1))
        orth = float(1 - c)
    return {"n": n, "sparsity": sparsity, "variance_entropy": h, "variance_entropy_ratio": float(h / th),
            "degenerated": degenerated, "orthogonality": orth}


def analyse(X, layers, model_meta, half=False):
    """X: (N, 9) raw filters. layers: list of dicts with layer_id, model, start, n, norm, out.
    model_meta: model -> {column: value}. half: the notebook's float16 path (astype(np.float16),
    then scale in float16; scikit-learn fits in float64)."""
    t0 = time.perf_counter()
    if half:
        Xh = X.astype(np.float16)
        Xs = scale(Xh).astype(np.float64)
        X = Xh.astype(np.float64)
    else:
        Xs = scale(X)
    mean, comps, evr = fit_basis(Xs)
    C = (Xs - mean) @ comps.T
    lo, hi = float(C.min()), float(C.max())
    per_filter_model = np.empty(len(X), dtype=object)
    per_filter_bucket = np.empty(len(X), dtype=object)
    owners = [None] * len(X)
    for l in layers:
        sl = slice(l["start"], l["start"] + l["n"])
        per_filter_model[sl] = l["model"]
        owners[sl] = [(l["model"], l["layer_id"])] * l["n"]
        bucket = pd.cut([l["norm"]], DEPTH_EDGES, include_lowest=True, labels=DEPTH_LABELS)[0]
        per_filter_bucket[sl] = bucket
    result = {
        "stats": {"n_filters": len(X), "n_layers": len(layers), "n_models": len(model_meta),
                  "pca_mean": mean.tolist(), "components": comps.tolist(),
                  "explained_variance_ratio": evr.tolist(), "coef_range": [lo, hi]},
        "compare": {},
    }
    cmp = result["compare"]
    cmp["model"] = compare(C, evr, lo, hi, per_filter_model, owners)
    cmp["depth"] = compare(C, evr, lo, hi, per_filter_bucket, owners, order=DEPTH_LABELS)
    columns = sorted({c for m in model_meta.values() for c in m})
    for col in columns:
        labels = [model_meta[m][col] for m in per_filter_model]
        cmp[col] = compare(C, evr, lo, hi, labels, owners)
    # Layer-level columns (labels as text, groups in byte order), and a model-level grouping
    # among one conv_depth's layers.
    per_filter_layer = np.empty(len(X), dtype=object)
    for l in layers:
        per_filter_layer[l["start"]:l["start"] + l["n"]] = [l] * l["n"]
    for col, key in (("conv_depth", "conv_depth"), ("out_channels", "out")):
        cmp[col] = compare(C, evr, lo, hi, [str(l[key]) for l in per_filter_layer], owners)
    if "Task" in columns:
        labels = [model_meta[m]["Task"] if l["conv_depth"] == 0 else None
                  for m, l in zip(per_filter_model, per_filter_layer)]
        cmp["Task|conv_depth=0"] = compare(C, evr, lo, hi, labels, owners)
    # A layer-level grouping among one Task's models (the site's sums among them).
    labels = [str(l["conv_depth"]) if model_meta[m].get("Task") == "Classification" else None
              for m, l in zip(per_filter_model, per_filter_layer)]
    cmp["conv_depth|Task=Classification"] = compare(C, evr, lo, hi, labels, owners)
    # A layer-level grouping among one depth bucket's layers (the site's per-(value, bucket)
    # sums of the column).
    labels = [str(l["out"]) if b == DEPTH_LABELS[0] else None
              for l, b in zip(per_filter_layer, per_filter_bucket)]
    cmp[f"out_channels|depth={DEPTH_LABELS[0]}"] = compare(C, evr, lo, hi, labels, owners)
    # A filtered comparison: depth within Task=Classification.
    labels = [b if model_meta[m].get("Task") == "Classification" else None for m, b in zip(per_filter_model, per_filter_bucket)]
    cmp["depth|Task=Classification"] = compare(C, evr, lo, hi, labels, owners, order=DEPTH_LABELS)
    # A model-level grouping among two depth buckets, the first and the last, where every model
    # has layers: a model in both counts once.
    if "Task" in columns:
        two = (DEPTH_LABELS[0], DEPTH_LABELS[-1])
        labels = [model_meta[m]["Task"] if b in two else None for m, b in zip(per_filter_model, per_filter_bucket)]
        cmp[f"Task|depth={two[0]}&depth={two[1]}"] = compare(C, evr, lo, hi, labels, owners)
    result["layers"] = []
    for l in sorted(layers, key=lambda l: l["layer_id"]):
        q = quality(X[l["start"]:l["start"] + l["n"]], l["out"], l["n"])
        result["layers"].append({"layer_id": l["layer_id"], "model": l["model"], **q})
    result["seconds"] = time.perf_counter() - t0
    return result


def from_h5(h5_path, meta_path, *flags):
    import h5py
    t0 = time.perf_counter()
    with h5py.File(h5_path, "r") as f:
        X = f["filters"][...].reshape(-1, 9).astype(np.float64)
    meta = pd.read_csv(meta_path, keep_default_na=False)
    if "--raw-labels" not in flags and "Task" in meta.columns:
        # main.ipynb: v1.0.0 had unreliable labeling of Segmentation models, so it cleans them.
        meta["Task"] = meta["Task"].apply(lambda s: "Segmentation" if "Segmentation" in s else s)
    layers, model_meta = [], {}
    skip = {"", "index", "model", "layer_id", "filter_ids", "conv_depth", "conv_depth_norm", "in_channels", "out_channels"}
    cols = [c for c in meta.columns if c not in skip and not c.startswith("Unnamed")]
    for _, r in meta.iterrows():
        a, b = (int(v) for v in str(r["filter_ids"]).split(":"))
        layers.append({"layer_id": int(r["layer_id"]), "model": str(r["model"]), "start": a, "n": b - a + 1,
                       "norm": float(r["conv_depth_norm"]), "out": int(r["out_channels"]),
                       "conv_depth": int(r["conv_depth"])})
        model_meta.setdefault(str(r["model"]), {c: str(r[c]) for c in cols})
    read_s = time.perf_counter() - t0
    half = "--cast" in flags and flags[flags.index("--cast") + 1] == "f16"
    out = analyse(X, layers, model_meta, half=half)
    out["read_seconds"] = read_s
    return out


def onnx_layers(path):
    """Conv layers with depths, as docs/method.md defines them, with the onnx package."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    consts = {n.output[0]: n for n in g.node if n.op_type == "Constant"}
    real_inputs = {i.name for i in g.input if i.name not in inits}
    producer = {o: i for i, n in enumerate(g.node) for o in n.output}
    depth = [None] * len(g.node)
    # Nodes are topologically sorted in a valid ONNX graph.
    for i, n in enumerate(g.node):
        d = 0 if any(x in real_inputs for x in n.input) else None
        for x in n.input:
            p = producer.get(x)
            if p is not None and depth[p] is not None:
                d = depth[p] + 1 if d is None else max(d, depth[p] + 1)
        depth[i] = d
    convs = []
    for i, n in enumerate(g.node):
        if n.op_type != "Conv":
            continue
        w = n.input[1]
        t = inits[w] if w in inits else [a.t for a in consts[w].attribute if a.name == "value"][0]
        arr = numpy_helper.to_array(t).astype(np.float64)
        if arr.ndim == 4 and depth[i] is not None:
            convs.append((n.name, depth[i], arr))
    distinct = sorted({d for _, d, _ in convs})
    rank = {d: k for k, d in enumerate(distinct)}
    out = []
    for name, d, arr in convs:
        cd = rank[d]
        norm = cd / (len(distinct) - 1) if len(distinct) > 1 else 0.0
        if arr.shape[2:] == (3, 3):
            out.append((name, cd, norm, arr))
    return out


def from_onnx(dir_path, models_csv):
    models = pd.read_csv(models_csv, keep_default_na=False)
    cols = [c for c in models.columns if c not in ("file", "model")]
    X, layers, model_meta, conv_meta = [], [], {}, []
    start = 0
    for _, r in models.iterrows():
        name = str(r["model"])
        model_meta[name] = {c: str(r[c]) for c in cols}
        for lname, cd, norm, arr in onnx_layers(f"{dir_path}/{r['file']}"):
            n = arr.shape[0] * arr.shape[1]
            X.append(arr.reshape(-1, 9))
            layers.append({"layer_id": len(layers), "model": name, "start": start, "n": n, "norm": norm, "out": arr.shape[0],
                           "conv_depth": cd})
            conv_meta.append({"model": name, "layer_name": lname, "conv_depth": cd, "conv_depth_norm": norm,
                              "in_channels": arr.shape[1], "out_channels": arr.shape[0]})
            start += n
    out = analyse(np.concatenate(X), layers, model_meta)
    out["convs"] = conv_meta
    return out


def db_basis(dir_path, models_csv):
    """The DB of an ONNX folder: its models' metadata, each filter's model and depth bucket, its
    coefficients, and its basis and range."""
    models = pd.read_csv(models_csv, keep_default_na=False)
    cols = [c for c in models.columns if c not in ("file", "model")]
    X, owner, norms = [], [], []
    meta = {}
    for _, r in models.iterrows():
        name = str(r["model"])
        meta[name] = {c: str(r[c]) for c in cols}
        for _, _, norm, arr in onnx_layers(f"{dir_path}/{r['file']}"):
            X.append(arr.reshape(-1, 9))
            owner += [name] * (arr.shape[0] * arr.shape[1])
            norms += [norm] * (arr.shape[0] * arr.shape[1])
    X = np.concatenate(X)
    owner = np.array(owner, dtype=object)
    Xs = scale(X)
    mean, comps, evr = fit_basis(Xs)
    C = (Xs - mean) @ comps.T
    lo, hi = float(C.min()), float(C.max())
    bucket = np.array(pd.cut(norms, DEPTH_EDGES, include_lowest=True, labels=DEPTH_LABELS), dtype=object)
    return meta, cols, owner, bucket, C, (mean, comps, evr, lo, hi)


def natural_key(name):
    """Digit runs compared as numbers: layer2 before layer10."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name)]


def safetensors_layers(path):
    """Conv kernels of a safetensors file as docs/method.md's rule says: 4-D float tensors named
    ...weight ([out, in, kh, kw]) or ...kernel ([kh, kw, in, out]), in numeric-aware name order,
    depth their rank normalised; the 3x3 ones, as (name, rank, norm, [out, in, 3, 3])."""
    from safetensors.numpy import load_file
    tensors = load_file(path)
    kernels = []
    for name in sorted(tensors, key=natural_key):
        a = tensors[name]
        last = re.split(r"[./]", name)[-1]
        if a.ndim != 4 or a.dtype.kind != "f" or last not in ("weight", "kernel") or 0 in a.shape:
            continue
        kernels.append((name, a.astype(np.float64) if last == "weight" else a.transpose(3, 2, 0, 1).astype(np.float64)))
    n = len(kernels)
    return [(name, k, k / (n - 1) if n > 1 else 0.0, a) for k, (name, a) in enumerate(kernels)
            if a.shape[2:] == (3, 3)]


def foreign(model_path, mean, comps, lo, hi):
    """A model that is not in the DB on the DB's terms: coefficients clipped into its range, each
    filter's depth bucket, each layer's quality, and the share of coefficients outside."""
    read = safetensors_layers if model_path.endswith(".safetensors") else onnx_layers
    Y, ynorm, layers = [], [], []
    for _, _, norm, arr in read(model_path):
        W = arr.reshape(-1, 9)
        layers.append({"layer_id": len(layers), "model": model_path.split("/")[-1],
                       **quality(W, arr.shape[0], W.shape[0])})
        Y.append(W)
        ynorm += [norm] * W.shape[0]
    Y = np.concatenate(Y)
    CY = (scale(Y) - mean) @ comps.T
    outside = float(((CY < lo) | (CY > hi)).sum() / CY.size)
    CY = np.clip(CY, lo, hi)
    ybucket = np.array(pd.cut(ynorm, DEPTH_EDGES, include_lowest=True, labels=DEPTH_LABELS), dtype=object)
    return CY, ybucket, layers, outside


def between(dir_path, models_csv, *model_paths):
    """Several foreign models against each other on the DB's terms: D between every two, and
    for the series in the order given D to the first and to the previous, per depth bucket too."""
    _, _, _, _, _, (mean, comps, evr, lo, hi) = db_basis(dir_path, models_csv)
    ms = [foreign(p, mean, comps, lo, hi) for p in model_paths]
    P = [distributions(CY, np.arange(len(CY)), lo, hi) for CY, _, _, _ in ms]
    D = [[0.0 if i == j else drift(P[i], P[j], evr) for j in range(len(ms))] for i in range(len(ms))]

    def per_bucket(i, j):
        out = []
        for b in DEPTH_LABELS:
            a, c = np.where(ms[i][1] == b)[0], np.where(ms[j][1] == b)[0]
            out.append(drift(distributions(ms[i][0], a, lo, hi), distributions(ms[j][0], c, lo, hi), evr)
                       if len(a) and len(c) else None)
        return out

    series = [{"model": p.split("/")[-1], "to_first": D[0][i], "to_previous": D[i - 1][i] if i else None,
               "buckets_to_first": per_bucket(0, i),
               "buckets_to_previous": per_bucket(i - 1, i) if i else [None] * len(DEPTH_LABELS)}
              for i, p in enumerate(model_paths)]
    return {"models": [p.split("/")[-1] for p in model_paths], "D": D, "series": series}


def yours(model_path, dir_path, models_csv):
    """A model held against the DB of an ONNX folder: projected on the DB's basis, clipped into its
    coefficient range, D to every DB model, to every group of each model-level column with 2..50
    values, and per depth bucket (the model's filters there against the DB's there); each layer's
    quality."""
    meta, cols, owner, bucket, C, (mean, comps, evr, lo, hi) = db_basis(dir_path, models_csv)
    CY, ybucket, layers, outside = foreign(model_path, mean, comps, lo, hi)
    P = distributions(CY, np.arange(len(CY)), lo, hi)

    def d_to(idx):
        return drift(P, distributions(C, idx, lo, hi), evr)

    def ranked(rows):
        return sorted(rows, key=lambda r: (r["d"], r["name"]))

    nearest = ranked([{"name": m, "d": d_to(np.where(owner == m)[0])} for m in meta])
    by = {}
    for col in cols:
        values = sorted({meta[m][col] for m in meta})
        if 2 <= len(values) <= 50:
            labels = np.array([meta[m][col] for m in owner], dtype=object)
            by[col] = ranked([{"name": v, "d": d_to(np.where(labels == v)[0])} for v in values])
    depth = []
    for b in DEPTH_LABELS:
        mine, theirs = np.where(ybucket == b)[0], np.where(bucket == b)[0]
        d = None
        if len(mine) and len(theirs):
            Pb = distributions(CY, mine, lo, hi)
            d = drift(Pb, distributions(C, theirs, lo, hi), evr)
        depth.append({"name": b, "d": d})
    return {"model": model_path.split("/")[-1], "n_filters": int(len(CY)), "n_layers": len(layers),
            "outside_range": outside, "layers": layers, "nearest": nearest, "by": by, "depth_buckets": depth}


def bench(h5_path, meta_path):
    """What data-prep build computes, the notebook's way, in memory: read, scale, PCA, transform,
    global range, per-layer histograms of all 9 components, per-layer quality."""
    import h5py
    t = {}
    t0 = time.perf_counter()
    with h5py.File(h5_path, "r") as f:
        X = f["filters"][...].reshape(-1, 9).astype(np.float64)
    meta = pd.read_csv(meta_path, keep_default_na=False)
    t["read"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    Xs = scale(X)
    mean, comps, evr = fit_basis(Xs)
    C = (Xs - mean) @ comps.T
    lo, hi = float(C.min()), float(C.max())
    t["scale_pca_transform"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    for _, r in meta.iterrows():
        a, b = (int(v) for v in str(r["filter_ids"]).split(":"))
        for i in range(9):
            np.histogram(C[a:b + 1, i], bins=BINS, range=(lo, hi))
        quality(X[a:b + 1], int(r["out_channels"]), b - a + 1)
    t["histograms_quality"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    t["n_filters"] = len(X)
    return t


def dist(lo, hi):
    """Data whose histogram over (lo, hi) has the given counts (bin centres repeated), through the
    notebook's function; floats as repr strings so the caller can compare bits."""
    lo, hi = float(lo), float(hi)
    edges = np.linspace(lo, hi, BINS + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    out = []
    for counts in json.load(sys.stdin):
        x = np.repeat(centres, counts)
        assert (np.histogram(x, bins=BINS, range=(lo, hi))[0] == counts).all()
        out.append([repr(float(v)) for v in get_discrete_probability_distribution(x, (lo, hi), BINS)])
    return out


def replay(lo, hi, weight, evr):
    """A resampled comparison from the trace `data-prep compare --trace` writes: each group's
    members (per-model histogram counts) and the members every bootstrap replicate drew and every
    split put in each half. The groups' distributions are rebuilt here with numpy's weighted
    density (weight "filters": each filter once; "models": each member's counts divided by its
    filters), then D as the notebook computes it, the interval as numpy.percentile(2.5, 97.5) and
    the floor as numpy.median over the splits."""
    lo, hi, evr = float(lo), float(hi), json.loads(evr)
    t = json.load(sys.stdin)
    db = np.diff(np.linspace(lo, hi, BINS + 1))
    members = []
    for group in t["counts"]:
        rows = np.array(group, dtype=np.float64).reshape(len(group), 9, BINS)
        if weight == "models":
            rows = rows / rows[:, 0, :].sum(axis=1)[:, None, None]
        members.append(rows)

    def dists(g, picks):
        h = members[g][np.array(picks, dtype=np.int64)].sum(axis=0)
        out = []
        for i in range(9):
            v = h[i] / db / h[i].sum()
            v[v == 0] = np.finfo(np.float32).eps
            out.append(v / np.sum(v))
        return out

    n = len(members)
    point = [dists(g, range(len(members[g]))) for g in range(n)]
    result = {"point": [[drift(point[a], point[b], evr) for b in range(n)] for a in range(n)], "d": []}
    for rep in t["replicates"]:
        ds = [dists(g, rep[g]) for g in range(n)]
        result["d"].append([[drift(ds[a], ds[b], evr) for b in range(n)] for a in range(n)])
    reps = np.array(result["d"])
    result["low"] = np.percentile(reps, 2.5, axis=0).tolist() if len(reps) else None
    result["high"] = np.percentile(reps, 97.5, axis=0).tolist() if len(reps) else None
    result["split_d"], result["floor"] = [], []
    for g, perms in enumerate(t["splits"]):
        half = len(members[g]) // 2
        ds = [drift(dists(g, p[:half]), dists(g, p[half:]), evr) for p in perms]
        result["split_d"].append(ds)
        result["floor"].append(float(np.median(ds)) if ds else None)
    return result


def cluster():
    """Average-linkage clustering of each D matrix on stdin (a JSON list of matrices), as SciPy
    computes it: the linkage matrix Z (cluster ids, height, size) and the leaf order."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    out = []
    for D in json.load(sys.stdin):
        D = np.array(D, dtype=np.float64)
        if len(D) < 2:
            out.append({"Z": [], "leaves": list(range(len(D)))})
            continue
        Z = linkage(squareform(D, checks=False), method="average")
        out.append({"Z": [[int(a), int(b), float(h), int(n)] for a, b, h, n in Z],
                    "leaves": [int(i) for i in leaves_list(Z)]})
    return out


if __name__ == "__main__":
    kind = sys.argv[1]
    run = {"h5": from_h5, "onnx": from_onnx, "bench": bench, "dist": dist, "cluster": cluster, "yours": yours,
           "replay": replay, "between": between}[kind]
    json.dump(run(*sys.argv[2:]), sys.stdout)
