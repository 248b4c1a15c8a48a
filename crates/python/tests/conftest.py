"""Fixtures: the data-prep binary, the sample site and a synthetic one, and the CLI's JSON.

`cargo xtask test` runs these after building the release data-prep and the sample site, and
names both (DATA_PREP, SAMPLE_SITE); run by hand, they default to where xtask puts them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CHECKPOINTS = ROOT / "tests/e2e/fixtures/checkpoints"


def _data_prep() -> Path:
    p = Path(os.environ.get("DATA_PREP", ROOT / "target/release/data-prep"))
    if not p.is_file():
        pytest.exit(f"{p}: no data-prep binary (cargo build --release -p data-prep)", 2)
    return p


DATA_PREP = _data_prep()


def cli_json(*args) -> object:
    """`data-prep ARGS --json`, parsed."""
    out = subprocess.run(
        [str(DATA_PREP), *map(str, args), "--json"], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def cli(*args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([str(DATA_PREP), *map(str, args)], check=check, capture_output=True, text=True)


@pytest.fixture(scope="session")
def sample_site() -> Path:
    p = Path(os.environ.get("SAMPLE_SITE", ROOT / "target/site-check/data"))
    if not (p / "manifest.json").is_file():
        pytest.exit(f"{p}: no sample site (cargo xtask site --out target/site-check)", 2)
    return p


@pytest.fixture(scope="session")
def synth_site(tmp_path_factory) -> Path:
    """A small site with the full DB's columns (Task, Visual Category, ...), 12 models."""
    out = tmp_path_factory.mktemp("synth") / "site"
    cli("synth", "--models", 12, "--layers", 120, "--filters", 200000, "--seed", 5, "--out", out, "--site-only", "--quiet")
    return out


@pytest.fixture(scope="session", params=["sample", "synth"])
def site_dir(request, sample_site, synth_site) -> Path:
    return sample_site if request.param == "sample" else synth_site
