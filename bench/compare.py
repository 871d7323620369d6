"""The first side ÷ the second from `sweep bench ... --json` and `torch_bench.py ... --json` result files.

    python3 bench/compare.py ours1.json torch1.json ours2.json torch2.json ...
    python3 bench/compare.py bf16/ours-*.json f32/ours-*.json      # our bf16 ÷ our float32

A side is a result's "side" (ours, torch) with its precision when that is not float32 (ours bf16);
there must be exactly two, and the one named first on the command line is divided by the other.
For each item the runs of all files of a side are pooled and their median taken, so interleaved
runs (ours, torch, ours, torch) share out the machine's noise.
"""
import json
import statistics
import sys


def side_of(result):
    precision = result.get("precision", "float32")
    return result["side"] + ("" if precision == "float32" else f" {precision}")


def main():
    sides = {}
    for path in sys.argv[1:]:
        with open(path) as f:
            result = json.load(f)
        sides.setdefault(side_of(result), []).append(result)
    if len(sides) != 2:
        sys.exit(f"usage: compare.py RESULT.json ... (files of exactly two sides, got: {', '.join(sides) or 'none'})")
    first, second = list(sides)
    print(f"{'item':<34}{first:>11}{second:>11}{'ratio':>8}   runs   images/hour")
    names = [row["name"] for row in sides[first][0]["rows"]]
    for name in names:
        medians = []
        for side in (first, second):
            runs = [s for result in sides[side] for row in result["rows"] if row["name"] == name for s in row["seconds"]]
            medians.append((statistics.median(runs), len(runs)) if runs else (float("nan"), 0))
        (a, n_a), (b, n_b) = medians
        # A whole image's median time is also a single rank's images per hour.
        per_hour = f"   {3600 / a:.0f}/{3600 / b:.0f}" if name.startswith("image") else ""
        print(f"{name:<34}{a:11.3f}{b:11.3f}{a / b:8.2f}   {n_a}/{n_b}{per_hour}")
    peaks = [max(r["peakBytes"] for r in sides[side]) / 2**30 for side in (first, second)]
    print(f"{'peak resident (GiB)':<34}{peaks[0]:11.2f}{peaks[1]:11.2f}{peaks[0] / peaks[1]:8.2f}")
    for side in (first, second):
        sgemm = [g for r in sides[side] for g in r["sgemmGFLOPS"]]
        print(f"{side}: {sides[side][0]['core']}, sgemm 2048³ {min(sgemm):.0f}–{max(sgemm):.0f} GFLOP/s in its runs")


if __name__ == "__main__":
    main()
