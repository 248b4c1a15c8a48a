"""site.yours: model files and in-memory arrays give the reports `data-prep yours` gives."""

from __future__ import annotations

import re

import numpy as np
import pytest
from safetensors.numpy import load_file

import filterscope as fs
from filterscope._models import _as_array
from conftest import CHECKPOINTS, cli, cli_json

FILES = ["small.onnx", "small.safetensors", "small.pt", "small-legacy.pth", "small-checkpoint.bin", "small-flax.safetensors"]
RUN = [CHECKPOINTS / "run" / f"epoch_{k}.safetensors" for k in range(1, 5)]


def natural(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def arrays(path) -> dict:
    """A safetensors file's tensors in the order its report reads them (numbers as numbers)."""
    d = load_file(str(path))
    return {k: d[k] for k in sorted(d, key=natural)}


def but_file(report: dict) -> dict:
    r = dict(report)
    r.pop("model")
    r["layers"] = [{**l, "model": None} for l in r["layers"]]
    file = dict(r.pop("file"))
    file.pop("format")
    file.pop("order")
    return {**r, "taken": file["taken"], "skipped": file["skipped"]}


@pytest.mark.parametrize("name", FILES)
def test_a_model_file_gives_the_clis_report(sample_site, name):
    y = fs.open(sample_site).yours(CHECKPOINTS / name)
    want = cli_json("yours", CHECKPOINTS / name, "--site", sample_site)
    assert y.json == want
    assert y.nearest.index.tolist() == [r["name"] for r in want["nearest"]]
    assert y.nearest["D"].tolist() == [r["d"] for r in want["nearest"]]
    assert y.layers["sparsity"].tolist() == [l["sparsity"] for l in want["layers"]]
    assert y.layers["conv_depth_norm"].tolist() == want["depth"]
    assert y.taken["name"].tolist() == [t["name"] for t in want["file"]["taken"]]


@pytest.mark.parametrize("name", ["small.safetensors", "small-flax.safetensors"])
def test_arrays_in_memory_give_the_files_report(site_dir, name):
    y = fs.open(site_dir).yours(arrays(CHECKPOINTS / name), name="mine")
    want = cli_json("yours", CHECKPOINTS / name, "--site", site_dir)
    assert y.model == "mine" and y.json["file"]["format"] == "arrays"
    assert but_file(y.json) == but_file(want)


def test_any_float_array_layout_or_byte_order_gives_the_same_numbers(sample_site):
    site = fs.open(sample_site)
    base = arrays(CHECKPOINTS / "small.safetensors")
    want = but_file(site.yours(base).json)
    floats = lambda f: {k: f(v) if v.dtype.kind == "f" else v for k, v in base.items()}  # noqa: E731
    variants = {
        "float64": floats(lambda v: v.astype(np.float64)),
        "big-endian": floats(lambda v: v.astype(">f4")),
        "Fortran order": floats(np.asfortranarray),
        "strided view": {k: np.repeat(v, 2, axis=-1)[..., ::2] if v.ndim == 4 else v for k, v in base.items()},
        "__array__ only": {k: _Wrapped(v) for k, v in base.items()},
    }
    for what, model in variants.items():
        assert but_file(site.yours(model).json) == want, what


class _Wrapped:
    """Anything with __array__ (a tensor of another library)."""

    def __init__(self, a):
        self.a = a

    def __array__(self, dtype=None, copy=None):
        return self.a


def test_a_c_ordered_float_array_is_read_in_place():
    a = np.zeros((64, 32, 3, 3), np.float32)
    assert _as_array(a) is a
    assert np.shares_memory(_as_array(a[:10]), a)
    f16 = np.zeros((4, 4, 3, 3), np.float16)
    assert _as_array(f16) is f16


def test_several_models_give_the_clis_batch_and_link(sample_site):
    page = "https://example.org/filterscope/?view=yours"
    many = fs.open(sample_site).yours(RUN, page=page)
    out = cli("yours", *RUN, "--site", sample_site, "--json", "--link", page)
    lines = out.stdout.strip().split("\n")
    import json

    want = json.loads(lines[0])
    assert many.json == want
    assert many.link == lines[1] and many.link_leaves_out == []
    names = want["between"]["models"]
    assert many.D.index.tolist() == names
    assert many.D.to_numpy().tolist() == want["between"]["D"]
    assert many.series["to_first"].tolist() == [s["to_first"] for s in want["between"]["series"]]
    assert [m.model for m in many.models] == names


def test_files_and_arrays_mix_in_one_batch(sample_site):
    site = fs.open(sample_site)
    many = site.yours([RUN[0], arrays(RUN[1])], name=[None, "epoch 2 in memory"])
    assert [m.model for m in many.models] == ["epoch_1.safetensors", "epoch 2 in memory"]
    two = site.yours(RUN[:2])
    assert many.D.to_numpy().tolist() == two.D.to_numpy().tolist()


def test_a_bad_file_raises_model_error_with_the_clis_message(sample_site):
    site = fs.open(sample_site)
    bad = CHECKPOINTS / "bad" / "runs-code.pt"
    with pytest.raises(fs.ModelError) as e:
        site.yours(bad)
    refused = cli("yours", bad, "--site", sample_site, "--json", check=False)
    assert refused.returncode != 0
    assert str(bad) in str(e.value) and str(e.value) in refused.stderr


def test_in_a_batch_a_bad_file_raises_unless_skipped(sample_site):
    site = fs.open(sample_site)
    bad = CHECKPOINTS / "bad" / "cut-short.pt"
    with pytest.raises(fs.ModelError, match="cut-short.pt"):
        site.yours([RUN[0], bad, RUN[1]])
    many = site.yours([RUN[0], bad, RUN[1]], skip_bad=True)
    want = json_of(cli("yours", RUN[0], bad, RUN[1], "--site", sample_site, "--json", check=False))
    assert many.json == want
    assert many.errors["file"].tolist() == [str(bad)]


def json_of(out):
    import json

    return json.loads(out.stdout)


def test_a_mapping_without_conv_kernels_is_refused(sample_site):
    site = fs.open(sample_site)
    with pytest.raises(fs.ModelError, match="no 3x3"):
        site.yours({"fc.weight": np.ones((10, 4), np.float32)}, name="linear")
    with pytest.raises(TypeError, match="file path or a mapping"):
        site.yours(42)
    with pytest.raises(fs.QueryError, match="at once"):
        site.yours([RUN[0]] * 17)
    with pytest.raises(ValueError, match="2 names for 1 models"):
        site.yours([RUN[0]], name=["a", "b"])
