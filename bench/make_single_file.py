"""Converts a diffusers Stable Diffusion 1.x/2.x folder into one .safetensors checkpoint in the
original LDM / AUTOMATIC1111 layout (what civitai downloads are), with the diffusers -> LDM
conversion of Tests/Fixtures/singlefile/make_singlefile_fixtures.py (checked there against
diffusers' own from_single_file). SD 2.x files get OpenCLIP's extra last resblock, as real ones have.

    /opt/torchenv/bin/python bench/make_random_model.py sd1 /tmp/sd15-random
    /opt/torchenv/bin/python bench/make_single_file.py /tmp/sd15-random /tmp/sd15-random.safetensors [--half]
    sweep generate --model /tmp/sd15-random.safetensors --prompt "a lighthouse" --steps 2 --output /tmp/x.png
"""

import importlib.util
import pathlib
import sys

import torch
from diffusers import StableDiffusionPipeline
from safetensors.torch import save_file

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "singlefile" / "make_singlefile_fixtures.py"
spec = importlib.util.spec_from_file_location("singlefile", SCRIPT)
singlefile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(singlefile)


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] != "--half"):
        sys.exit(__doc__)
    folder, output = sys.argv[1], sys.argv[2]
    pipe = StableDiffusionPipeline.from_pretrained(folder, dtype=torch.float32)
    state = {"model.diffusion_model." + k: v for k, v in singlefile.unet_to_ldm(pipe.unet).items()}
    state |= {"first_stage_model." + k: v for k, v in singlefile.vae_to_ldm(pipe.vae).items()}
    if pipe.text_encoder.config.hidden_act == "quick_gelu":
        state |= singlefile.clip_to_ldm(pipe.text_encoder)
    else:
        state |= singlefile.open_clip_to_ldm(pipe.text_encoder, seed=0)
    if len(sys.argv) == 4:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    save_file({k: v.contiguous() for k, v in state.items()}, output)
    print(f"{output}: {len(state)} tensors")


if __name__ == "__main__":
    main()
