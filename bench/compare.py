"""Ours ÷ PyTorch from `sweep bench ... --json` and `torch_bench.py ... --json` result files.

    python3 bench/compare.py ours1.json torch1.json ours2.json torch2.json ...

Files are sorted by their "side"; for each item the runs of all files of a side are pooled and
their median taken, so interleaved runs (ours, torch, ours, torch) share out the machine's noise.
"""
import json
import statistics
import sys


def main():
    sides = {"ours": [], "torch": []}
    for path in sys.argv[1:]:
        with open(path) as f:
            result = json.load(f)
        sides[result["side"]].append(result)
    if not sides["ours"] or not sides["torch"]:
        sys.exit("usage: compare.py RESULT.json ... (at least one of each side)")
    print(f"{'item':<34}{'ours s':>9}{'torch s':>9}{'ours/torch':>12}   runs ours/torch   images/hour ours/torch")
    names = [row["name"] for row in sides["ours"][0]["rows"]]
    for name in names:
        medians = []
        for side in ("ours", "torch"):
            runs = [s for result in sides[side] for row in result["rows"] if row["name"] == name for s in row["seconds"]]
            medians.append((statistics.median(runs), len(runs)) if runs else (float("nan"), 0))
        (ours, n_ours), (torch, n_torch) = medians
        # A whole image's median time is also a single rank's images per hour.
        per_hour = f"   {3600 / ours:.0f}/{3600 / torch:.0f}" if name.startswith("image") else ""
        print(f"{name:<34}{ours:9.3f}{torch:9.3f}{ours / torch:12.2f}   {n_ours}/{n_torch}{per_hour}")
    peaks = [max(r["peakBytes"] for r in sides[side]) / 2**30 for side in ("ours", "torch")]
    print(f"{'peak resident (GiB)':<34}{peaks[0]:9.2f}{peaks[1]:9.2f}{peaks[0] / peaks[1]:12.2f}")
    for side in ("ours", "torch"):
        sgemm = [g for r in sides[side] for g in r["sgemmGFLOPS"]]
        print(f"{side}: {sides[side][0]['core']}, sgemm 2048³ {min(sgemm):.0f}–{max(sgemm):.0f} GFLOP/s in its runs")


if __name__ == "__main__":
    main()
