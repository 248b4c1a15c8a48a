"""docs/python.md's worked example runs as written (on the sample site) and draws its figures."""

from __future__ import annotations

import re

from conftest import ROOT


def test_the_worked_example_runs(sample_site, tmp_path, monkeypatch):
    text = (ROOT / "docs/python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    code = blocks[0].replace('"target/demo-site/data"', repr(str(sample_site)))
    assert repr(str(sample_site)) in code
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    scope: dict = {}
    exec(compile(code, "docs/python.md", "exec"), scope)
    assert scope["by_task"].D.shape[0] >= 2
    assert list(scope["y"].skipped["name"]) == ["conv1.bias", "fc.weight"]
    for png in ["by_task.png", "nearest.png"]:
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
