"""How much the notebook's float16 path moves the statistics: builds one official-layout DB twice,
at full precision and with `--cast f16`, and compares what `data-prep stats / compare / layers`
report. Prints one JSON object.

    python3 tests/bench/cast_f16.py DB_DIR OUT_DIR --data-prep target/release/data-prep

DB_DIR holds db.h5 and meta.csv (for example from `data-prep synth --filters 10000000 --out DB`).
"""

import argparse
import json
import statistics
import subprocess
from pathlib import Path


def run(data_prep, *args):
    out = subprocess.run([str(data_prep), *args], check=True, capture_output=True).stdout
    return json.loads(out) if out.strip() else None


def rel(a, b):
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--data-prep", type=Path, required=True)
    a = ap.parse_args()
    sites = {}
    for cast in ["f64", "f16"]:
        site = a.out / f"site-{cast}"
        run(a.data_prep, "build", "--h5", str(a.db / "db.h5"), "--meta", str(a.db / "meta.csv"),
            "--out", str(site), "--force", "--quiet", "--cast", cast)
        sites[cast] = str(site)
    result = {}
    s64, s16 = (run(a.data_prep, "stats", sites[c], "--json") for c in ["f64", "f16"])
    result["evr_max_abs_diff"] = max(abs(x - y) for x, y in zip(s16["explained_variance_ratio"],
                                                                 s64["explained_variance_ratio"]))
    result["evr_f64"] = s64["explained_variance_ratio"][:3]
    result["evr_f16"] = s16["explained_variance_ratio"][:3]
    result["coef_range_f64"] = s64["coef_range"]
    result["coef_range_f16"] = s16["coef_range"]
    for by in ["Task", "Visual Category", "depth", "model"]:
        c64, c16 = (run(a.data_prep, "compare", sites[c], "--by", by, "--json") for c in ["f64", "f16"])
        assert c64["groups"] == c16["groups"]
        pairs = [(x, y) for r16, r64 in zip(c16["D"], c64["D"]) for x, y in zip(r16, r64) if y > 0]
        rels = [rel(x, y) for x, y in pairs]
        result[f"D_by_{by}"] = {"pairs": len(pairs), "median_rel_diff": statistics.median(rels),
                                "max_rel_diff": max(rels),
                                "max_abs_diff": max(abs(x - y) for x, y in pairs)}
    l64, l16 = (run(a.data_prep, "layers", sites[c], "--json") for c in ["f64", "f16"])
    result["layers"] = {
        "n": len(l64),
        "sparsity_max_abs_diff": max(abs(x["sparsity"] - y["sparsity"]) for x, y in zip(l16, l64)),
        "sparsity_changed": sum(x["sparsity"] != y["sparsity"] for x, y in zip(l16, l64)),
        "entropy_max_abs_diff": max(abs(x["variance_entropy"] - y["variance_entropy"])
                                    for x, y in zip(l16, l64)),
        "degenerated_flips": sum(x["degenerated"] != y["degenerated"] for x, y in zip(l16, l64)),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
