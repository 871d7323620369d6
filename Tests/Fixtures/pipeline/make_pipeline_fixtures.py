"""Records diffusers' StableDiffusionPipeline images on the tiny models, for `sweep generate` parity.

For each case in CASES, loads Tests/Fixtures/models/<model> with StableDiffusionPipeline (float32,
CPU), swaps in the named scheduler exactly as DiffusionSweep does
(`SchedulerClass.from_config(pipe.scheduler.config)`, plus `use_karras_sigmas=True` for
dpm++2m-karras; no --scheduler keeps the model's own), renders with
`generator=torch.Generator().manual_seed(seed)`, and stores the 8-bit RGB image the pipeline's
PIL output would hold.

Writes, beside this script:
    cases.json              every case's settings (model, prompt, negative prompt, seed, steps,
                            guidance, scheduler, eta, width, height)
    images.safetensors      "<case>": float32 [height, width, 3] holding the 0...255 pixel values

Run from the repository root, with the venv described in Tests/Fixtures/models/make_model_fixtures.py
(plus scipy, which diffusers' LMSDiscreteScheduler needs):
    /opt/torchenv/bin/python Tests/Fixtures/pipeline/make_pipeline_fixtures.py
"""

import json
import pathlib

import numpy as np
import torch
from diffusers import (DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, HeunDiscreteScheduler, LMSDiscreteScheduler, PNDMScheduler,
                       StableDiffusionPipeline, UniPCMultistepScheduler)
from diffusers.utils import logging as diffusers_logging
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"

SCHEDULERS = {
    "pndm": (PNDMScheduler, {}), "ddim": (DDIMScheduler, {}), "lms": (LMSDiscreteScheduler, {}),
    "euler": (EulerDiscreteScheduler, {}), "euler-a": (EulerAncestralDiscreteScheduler, {}),
    "heun": (HeunDiscreteScheduler, {}), "dpm++2m": (DPMSolverMultistepScheduler, {}),
    "dpm++2m-karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
    "unipc": (UniPCMultistepScheduler, {}),
}

PROMPT = "a photograph of an astronaut riding a horse"
LONG_PROMPT = ", ".join(["a very detailed oil painting of a lighthouse on a cliff at sunset"] * 8)


def case(name, model="sd1-tiny", prompt=PROMPT, negative=None, seed=42, steps=5, guidance=7.5,
         scheduler=None, eta=0.0, width=None, height=None, **syntax):
    return {"name": name, "model": model, "prompt": prompt, "negative_prompt": negative, "seed": seed,
            "steps": steps, "guidance": guidance, "scheduler": scheduler, "eta": eta,
            "width": width, "height": height, **syntax}


CASES = [case(f"sd1.{kind}", scheduler=kind, seed=1000 + i) for i, kind in enumerate(SCHEDULERS)] + [
    case("sd1.default", steps=4),                                       # the model's own PNDM
    case("sd1.unguided", guidance=1.0, scheduler="euler"),              # one UNet call per step
    case("sd1.negative", negative="blurry, low quality", scheduler="dpm++2m-karras"),
    case("sd1.wide", width=48, height=24, scheduler="euler-a"),         # non-square
    case("sd1.uneven", width=40, height=24, scheduler="ddim"),          # 20×12 latents: not divisible by 4
    case("sd1.ddim-eta", scheduler="ddim", eta=0.5),
    # Truncated past 77 tokens, as diffusers does: DiffusionSweep's prompt_syntax plain (a1111 reads it all).
    case("sd1.long-prompt", prompt=LONG_PROMPT, scheduler="lms", prompt_syntax="plain"),
    case("sd1.big-seed", seed=2**31 + 12345, scheduler="unipc"),
    case("sd1.huge-seed", seed=2**32 + 7, scheduler="heun"),
    case("sd2.default", model="sd2-tiny", steps=6),                      # DDIM, v-prediction
    case("sd2.euler-a", model="sd2-tiny", scheduler="euler-a", negative="cartoon!!"),
    case("sd2.dpm++2m", model="sd2-tiny", scheduler="dpm++2m", width=32, height=48),
]


def render(spec, pipes):
    if spec["model"] not in pipes:
        pipes[spec["model"]] = StableDiffusionPipeline.from_pretrained(
            MODELS / spec["model"], dtype=torch.float32, variant="fp16" if spec["model"] == "sd2-tiny" else None)
        pipes[spec["model"]].set_progress_bar_config(disable=True)
    pipe = pipes[spec["model"]]
    own = pipe.scheduler
    if spec["scheduler"]:
        cls, extra = SCHEDULERS[spec["scheduler"]]
        pipe.scheduler = cls.from_config(own.config, **extra)
    kwargs = {"eta": spec["eta"]} if spec["scheduler"] == "ddim" or spec["eta"] else {}
    image = pipe(spec["prompt"], negative_prompt=spec["negative_prompt"], num_inference_steps=spec["steps"],
                 guidance_scale=spec["guidance"], generator=torch.Generator().manual_seed(spec["seed"]),
                 width=spec["width"], height=spec["height"], output_type="np", **kwargs).images[0]
    pipe.scheduler = own
    # The pipeline's numpy_to_pil: (image * 255).round() to uint8.
    pixels = (image * 255).round().astype(np.uint8)
    return torch.from_numpy(pixels.astype(np.float32))


def main():
    torch.set_grad_enabled(False)
    diffusers_logging.set_verbosity_error()
    diffusers_logging.disable_progress_bar()
    pipes, images = {}, {}
    for spec in CASES:
        images[spec["name"]] = render(spec, pipes).contiguous()
        print(spec["name"], tuple(images[spec["name"]].shape), float(images[spec["name"]].mean()))
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps(CASES, indent=1) + "\n")


if __name__ == "__main__":
    main()
