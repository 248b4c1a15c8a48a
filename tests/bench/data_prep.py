"""data-prep at scale: throughput per pass and in all, peak RSS, the plain-read I/O floor and the
numpy/scikit-learn reference pipeline, on synthetic DBs of the v1.0.0 shape (647 models, 21,436
layers) at several sizes. Medians of --runs runs, all in one session.

    cargo build --release -p data-prep --examples
    target/reference-venv/bin/python tests/bench/data_prep.py --work /path/with/space \
        --sizes 10000000 50000000 200000000 --out target/bench/data-prep.json

Each DB is generated with `data-prep synth`, measured, then deleted (200M filters are 14.4 GB).
The page cache is warm for every run (the DB was just written or read), so the plain read is the
memory-copy floor, not the disk's.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release"


def run(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS in bytes, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed:\n{err.decode()}")
    return secs, usage.ru_maxrss * 1024, out


def mem_available():
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def median(xs):
    return statistics.median(xs)


def bench_size(n, work, runs, ref_runs, python, env):
    db = work / f"db-{n}"
    site = work / f"site-{n}"
    row = {"target_filters": n}
    secs, rss, _ = run([BIN / "data-prep", "synth", "--filters", str(n), "--out", db,
                        "--force", "--quiet"], env)
    h5, meta = db / "db.h5", db / "meta.csv"
    row["synth_seconds"] = secs
    row["synth_peak_rss_bytes"] = rss
    row["db_bytes"] = h5.stat().st_size
    row["filters"] = (h5.stat().st_size - 2048) // 72  # reported exactly by build below

    reads = []
    for _ in range(runs):
        _, _, out = run([BIN / "examples" / "plain_read", h5], env)
        reads.append(json.loads(out)["seconds"])
    row["plain_read_seconds"] = median(reads)

    builds, rsss, passes = [], [], []
    for _ in range(runs):
        secs, rss, out = run([BIN / "data-prep", "build", "--h5", h5, "--meta", meta, "--out",
                              site, "--force", "--quiet", "--timings"], env)
        t = json.loads(out)
        builds.append(t["seconds"])
        rsss.append(rss)
        passes.append(t)
        row["filters"] = t["filters"]
    row["build_seconds"] = median(builds)
    row["build_peak_rss_bytes"] = max(rsss)
    row["passes"] = {
        p["pass"]: median([r["passes"][k]["seconds"] for r in passes])
        for k, p in enumerate(passes[0]["passes"])
    }
    row["plan_seconds"] = median([r["plan_seconds"] for r in passes])
    row["write_seconds"] = median([r["write_seconds"] for r in passes])

    # The reference holds X, the scaled copy and the coefficients in memory: ~300 bytes a filter.
    if python and ref_runs and row["filters"] * 330 < mem_available():
        refs, ref_rss = [], []
        for _ in range(ref_runs):
            secs, rss, out = run([python, ROOT / "tests" / "reference" / "reference.py", "bench",
                                  h5, meta], env)
            refs.append(json.loads(out)["total"])
            ref_rss.append(rss)
        row["reference_seconds"] = median(refs)
        row["reference_peak_rss_bytes"] = max(ref_rss)
    else:
        row["reference_seconds"] = None
    shutil.rmtree(db)
    shutil.rmtree(site, ignore_errors=True)
    return row


def markdown(rows):
    out = ["| filters | plain read | pass 1 moments | pass 2 range | pass 3 histograms | "
           "build in all | peak RSS | reference (numpy) | build vs reference |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        n = r["filters"]
        rd = r["plain_read_seconds"]
        cells = [f"{n / 1e6:.1f} M ({r['db_bytes'] / 1e9:.2f} GB)",
                 f"{rd:.3f} s ({n / rd / 1e6:.0f} M/s)"]
        for name, secs in r["passes"].items():
            cells.append(f"{secs:.3f} s ({n / secs / 1e6:.1f} M/s, {secs / rd:.1f}x read)")
        cells.append(f"{r['build_seconds']:.2f} s ({n / r['build_seconds'] / 1e6:.1f} M/s)")
        cells.append(f"{r['build_peak_rss_bytes'] / 2**20:.0f} MiB")
        if r["reference_seconds"]:
            cells.append(f"{r['reference_seconds']:.2f} s, "
                         f"{r['reference_peak_rss_bytes'] / 2**30:.1f} GiB")
            cells.append(f"{r['reference_seconds'] / r['build_seconds']:.1f}x")
        else:
            cells += ["does not fit in memory", "-"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, required=True, help="scratch folder (needs 72 B/filter)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 50_000_000, 200_000_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ref-runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "bench" / "data-prep.json")
    a = ap.parse_args()
    env = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
    a.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in a.sizes:
        rows.append(bench_size(n, a.work, a.runs, a.ref_runs, sys.executable, env))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(rows, indent=1))
    print(markdown(rows))


if __name__ == "__main__":
    main()
