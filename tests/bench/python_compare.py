"""The Python package's cost against the command line's (issue: within 2x): D between every two
models of a site, `data-prep compare SITE --by model --json` against `fs.open(SITE).compare("model")`.

Usage: python tests/bench/python_compare.py SITE DATA_PREP [RUNS]

Each run times, interleaved on the same machine in the same session:
- cli: the data-prep process, start to JSON on stdout (it loads the site and compares);
- python (in a notebook): open + compare + the frames, in this process (the import is paid once,
  as in a notebook);
- python (a fresh process): `python -c "import filterscope ..."`, interpreter and imports
  included, the like-for-like of the cli's process.
Prints medians and their ratios to the cli, and one JSON line with every time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import filterscope as fs


def timed(f) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def main() -> None:
    site, data_prep = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    script = f"import filterscope as fs; fs.open({site!r}).compare('model').D.shape"
    times: dict[str, list[float]] = {"cli": [], "python in process": [], "python process": []}
    shape = fs.open(site).compare("model").D.shape
    for _ in range(runs):
        times["cli"].append(
            timed(lambda: subprocess.run([data_prep, "compare", site, "--by", "model", "--json"], check=True, capture_output=True))
        )
        times["python in process"].append(timed(lambda: fs.open(site).compare("model")))
        times["python process"].append(
            timed(lambda: subprocess.run([sys.executable, "-c", script], check=True, capture_output=True))
        )
    cli = statistics.median(times["cli"])
    print(f"D between {shape[0]} models, {runs} runs each, medians:")
    for k, v in times.items():
        m = statistics.median(v)
        print(f"  {k:<20} {m * 1000:8.0f} ms   {m / cli:5.2f}x the cli")
    print(json.dumps({"groups": shape[0], "runs": runs, "seconds": times}))


if __name__ == "__main__":
    main()
