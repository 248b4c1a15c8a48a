"""stats, models, layers and compare: the same numbers as `data-prep ... --json`, to the bit, on
the sample site and on a synthetic one, and labelled as the frames promise."""

from __future__ import annotations

import math

import numpy as np
import pytest

import filterscope as fs
from conftest import cli_json


def same(a, b) -> bool:
    """Equal to the bit, NaN and None being the JSON null."""
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def test_stats_are_the_clis(site_dir):
    s = fs.open(site_dir).stats()
    want = cli_json("stats", site_dir)
    assert s.json == want
    assert (s.n_filters, s.n_layers, s.n_models) == (want["n_filters"], want["n_layers"], want["n_models"])
    assert s.components.to_numpy().tolist() == want["components"]
    assert s.components.loc["pc2", "w01"] == want["components"][1][1]
    assert s.explained_variance_ratio.tolist() == want["explained_variance_ratio"]
    assert s.pca_mean.tolist() == want["pca_mean"]
    assert list(s.coef_range) == want["coef_range"]


def test_models_are_the_clis(site_dir):
    site = fs.open(site_dir)
    frame = site.models()
    want = cli_json("models", site_dir)
    assert frame.index.tolist() == [m["name"] for m in want]
    assert frame.columns.tolist() == [*site.model_columns, "n_layers", "n_filters"]
    for m in want:
        row = frame.loc[m["name"]]
        assert row["n_layers"] == m["n_layers"] and row["n_filters"] == m["n_filters"]
        assert all(row[c] == v for c, v in m["columns"].items())
    assert frame["n_filters"].sum() == site.stats().n_filters


@pytest.mark.parametrize("where", [None, "Task=Classification", {"Task": ["Classification", "GAN-Generator"]}])
def test_layers_are_the_clis(site_dir, where):
    site = fs.open(site_dir)
    frame = site.layers(where=where)
    args = []
    for w in fs._where.where_list(where):
        args += ["--where", w]
    want = cli_json("layers", site_dir, *args)
    assert frame.index.tolist() == [l["layer_id"] for l in want]
    for l in want:
        row = frame.loc[l["layer_id"]]
        for c, v in l.items():
            if c == "columns":
                assert all(row[k] == x for k, x in v.items())
            elif c != "layer_id":
                assert same(row[c], v), (l["layer_id"], c)
    if where is not None and want:
        assert set(frame["model"]) <= set(site.models().query("Task in ['Classification', 'GAN-Generator']").index)


CASES = [
    dict(by="Task"),
    dict(by="model"),
    dict(by="depth"),
    dict(by="Task", weight="models", order="mean"),
    dict(by="Visual Category", where="Task=Classification", order="name"),
    dict(by="Task", ci=40, seed=7),
    dict(by="Task", min_models=2),
]


def cli_args(site_dir, case):
    args = ["compare", site_dir, "--by", case["by"]]
    for w in fs._where.where_list(case.get("where")):
        args += ["--where", w]
    for k in ["weight", "order", "ci", "seed"]:
        if k in case:
            args += [f"--{k.replace('_', '-')}", case[k]]
    if "min_models" in case:
        args += ["--min-models", case["min_models"]]
    return args


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_compare_is_the_clis(site_dir, case):
    site = fs.open(site_dir)
    if case["by"] not in ["model", "depth"] and case["by"] not in site.model_columns:
        pytest.skip(f"no {case['by']} column on this site")
    c = site.compare(**case)
    want = cli_json(*cli_args(site_dir, case))
    assert c.json == want
    labels, order = want["groups"], want["order"]
    assert c.D.index.tolist() == order and c.D.columns.tolist() == order
    assert c.groups.index.tolist() == order
    for i, a in enumerate(labels):
        assert c.groups.loc[a, "n_filters"] == want["n_filters"][i]
        assert c.groups.loc[a, "n_models"] == want["n_models"][i]
        for k, b in enumerate(labels):
            assert c.D.loc[a, b] == want["D"][i][k]
    assert c.tree.shape == (max(len(labels) - 1, 0), 4)
    if "ci" in case and want.get("ci"):
        for i, a in enumerate(labels):
            assert same(c.groups.loc[a, "floor"], want["floor"][i])
            for k, b in enumerate(labels):
                assert c.low.loc[a, b] == want["ci"]["low"][i][k]
                assert c.high.loc[a, b] == want["ci"]["high"][i][k]
                assert same(c.within_noise.loc[a, b], want["within_noise"][i][k])
    else:
        assert c.low is None and c.within_noise is None


def test_the_same_seed_gives_the_same_intervals_and_another_does_not(synth_site):
    site = fs.open(synth_site)
    a, b, other = (site.compare("Task", ci=30, seed=s) for s in (3, 3, 4))
    assert a.low.equals(b.low) and a.high.equals(b.high)
    assert not a.low.equals(other.low)


def test_a_comparison_styles_and_its_tree_is_scipys(synth_site):
    c = fs.open(synth_site).compare("Task", ci=30)
    html = c.style().to_html()
    assert all(g in html for g in c.order)
    # A valid linkage: every merge joins two earlier clusters, heights never fall.
    n = len(c.order)
    assert c.tree[:, :2].max() < 2 * n - 2 and np.all(np.diff(c.tree[:, 2]) >= 0)
