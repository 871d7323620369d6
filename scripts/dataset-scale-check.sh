#!/usr/bin/env bash
# The dataset scale check (issue 19): a PROMPTS-prompt dataset job (default 10,000) on the tiny
# test model, rendered once by one process, then on 3 MPI ranks with rank 1 killed midway and the
# job rerun on 3 ranks; every output file must match the clean run byte for byte (the journals,
# which record results in arrival order, and manifest.csv's seconds/rank/host columns aside).
# Usage: scripts/dataset-scale-check.sh [WORK_FOLDER]   (env: PROMPTS, RANKS, KILL_AFTER, SWEEP)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
work="${1:-/tmp/dataset-scale-check}"
prompts="${PROMPTS:-10000}" ranks="${RANKS:-3}" kill_after="${KILL_AFTER:-$((prompts / 3))}"
sweep="${SWEEP:-$repo/.build/release/sweep}"
[ -x "$sweep" ] || swift build -c release
rm -rf "$work" && mkdir -p "$work"
python3 - "$work/prompts.txt" "$prompts" <<'PY'
import random, sys
random.seed(19)
words = "a the red blue old tiny castle river forest portrait of by night café 富士山 oil painting photo cinematic detailed".split()
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(" ".join(random.choice(words) for _ in range(random.randint(3, 30))) + f" {i}\n")
PY
cat > "$work/job.yaml" <<YAML
name: dataset-scale
model: $repo/Tests/Fixtures/models/sd1-tiny
prompts_file: prompts.txt
steps: 1
safety_checker: $repo/Tests/Fixtures/safety/tiny-checker
dataset: {formats: [kaggle, imagefolder, diffusiondb], embeddings: $repo/Tests/Fixtures/embeddings/tiny-minilm}
YAML
export SOURCE_DATE_EPOCH=1700000000 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe --bind-to none -np "$ranks")

/usr/bin/time -f "clean run (1 process): %e s, max RSS %M KB" "$sweep" render "$work/job.yaml" --output "$work/clean" 2> "$work/clean.log" \
    || { tail "$work/clean.log"; exit 1; }
tail -1 "$work/clean.log" >&2

"${mpi[@]}" "$sweep" render "$work/job.yaml" --output "$work/resumed" 2> "$work/killed.log" &
launcher=$!
finished() { if [ -f "$work/resumed/journal" ]; then wc -l < "$work/resumed/journal"; else echo 0; fi; }
while [ "$(finished)" -lt "$kill_after" ]; do sleep 0.2; done
rank1=$(grep -l "OMPI_COMM_WORLD_RANK=1" /proc/[0-9]*/environ 2>/dev/null | while read -r f; do
    pid=${f#/proc/}; pid=${pid%/environ}
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$work/resumed" && echo "$pid"; done | head -1 || true)
[ -n "$rank1" ] || { echo "rank 1 not found (the job ended before $kill_after images?)"; exit 1; }
kill -9 "$rank1"
wait "$launcher" || true
echo "killed rank 1 (pid $rank1) after $(finished) of $prompts images"
/usr/bin/time -f "resumed run ($ranks ranks): %e s, max RSS %M KB (largest process)" "${mpi[@]}" "$sweep" render "$work/job.yaml" \
    --output "$work/resumed" 2> "$work/resumed.log" || { tail "$work/resumed.log"; exit 1; }
grep "already done" "$work/resumed.log"; tail -1 "$work/resumed.log"

python3 - "$work/clean" "$work/resumed" <<'PY'
import csv, io, os, sys
skip = {"journal", "embedding-journal", ".lock"}
def files(root):
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.relpath(os.path.join(folder, name), root)
            if path in skip: continue
            data = open(os.path.join(folder, name), "rb").read()
            if path == "manifest.csv":
                rows = list(csv.reader(io.StringIO(data.decode())))
                keep = [i for i, c in enumerate(rows[0]) if c not in ("seconds", "rank", "host")]
                data = repr([[r[i] for i in keep] for r in rows]).encode()
            out[path] = data
    return out
a, b = files(sys.argv[1]), files(sys.argv[2])
differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
print(f"{len(a)} files compared; {'identical' if not differ else 'DIFFERENT: ' + ', '.join(differ[:10])}")
sys.exit(1 if differ else 0)
PY
