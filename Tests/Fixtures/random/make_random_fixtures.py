"""Records torch.randn's float32 output for seeded CPU generators.

Run with the torch venv (needs torch and safetensors):
    /opt/torchenv/bin/python Tests/Fixtures/random/make_random_fixtures.py
Writes randn.safetensors and cases.json beside this script; TorchGeneratorTests replay every case.

Each case seeds a fresh torch.Generator and draws its shapes in order on that one generator.
Tensors are named "<case>.<index>"; cases.json lists each case's seed (a decimal string, since some
exceed JSON's exact integers), its shapes and its tensor names.

The values depend on which CPU kernel torch picks: x86-64 with AVX2 or AVX-512 runs the AVX2
Box-Muller (avx_mathfun log/sincos), which TorchGenerator reproduces. The script refuses to run
on another capability rather than record different numbers.
"""
import json
import pathlib

import torch
from safetensors.torch import save_file

capability = torch.backends.cpu.get_cpu_capability()
if capability not in ("AVX2", "AVX512"):
    raise SystemExit(f"torch CPU capability is {capability}; record these fixtures on an AVX2/AVX512 CPU")

SEEDS = [0, 1, 42, 2**31 - 1, 2**31 + 5, 2**32 - 1, 2**32 + 7, 12345678901234567890]
SINGLE_SHAPES = [[1, 4, 8, 8], [1, 4, 5, 7], [15], [16], [17], [3]]
SEQUENCES = {
    "seq_8x8_8x8": [[1, 4, 8, 8], [1, 4, 8, 8]],
    "seq_3_3": [[3], [3]],
    "seq_5_8x8": [[5], [1, 4, 8, 8]],
    "seq_3_17_1": [[3], [17], [1]],
}

tensors = {}
cases = []


def record(case, seed, shapes):
    generator = torch.Generator().manual_seed(seed)
    names = []
    for index, shape in enumerate(shapes):
        name = f"{case}.{index}"
        tensors[name] = torch.randn(shape, generator=generator, dtype=torch.float32).contiguous()
        names.append(name)
    cases.append({"name": case, "seed": str(seed), "shapes": shapes, "tensors": names})


for seed in SEEDS:
    for shape in SINGLE_SHAPES:
        record(f"seed{seed}.shape_{'x'.join(map(str, shape))}", seed, [shape])
    for label, shapes in SEQUENCES.items():
        record(f"seed{seed}.{label}", seed, shapes)

# The full SD latent shape, once, to cover a state regeneration every 624 outputs many times over.
record("seed1.shape_1x4x64x64", 1, [[1, 4, 64, 64]])
# Python's manual_seed maps a negative seed to its two's complement.
assert torch.equal(torch.randn(7, generator=torch.Generator().manual_seed(-1)),
                   torch.randn(7, generator=torch.Generator().manual_seed(2**64 - 1)))

here = pathlib.Path(__file__).parent
save_file(tensors, str(here / "randn.safetensors"))
(here / "cases.json").write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1) + "\n")
print(f"{len(cases)} cases, {len(tensors)} tensors")
