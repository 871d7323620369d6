"""Tiny few-step models and diffusers' images of them: SD-Turbo-like, LCM and TAESD.

Builds, beside this script, with diffusers (float32, CPU, fixed seeds):
    turbo-tiny/   Tests/Fixtures/models/sd2-tiny's components (symlinks) with SD-Turbo's kind of
                  scheduler: EulerAncestralDiscreteScheduler, timestep_spacing "trailing"
    lcm-tiny/     sd1-tiny's tokenizer, text encoder and VAE (symlinks), a new tiny UNet with
                  time_cond_proj_dim (the guidance-scale embedding of LCM-distilled UNets;
                  norm_num_groups 4, below every channel count, so GroupNorm does not cancel the
                  time embedding's shift) and LCM_Dreamshaper_v7's LCMScheduler config
    taesd-tiny/   an AutoencoderTiny folder in madebyollin/taesd's layout (config.json and
                  diffusion_pytorch_model.safetensors at the top), 4 levels of tiny channels
and renders every case in CASES with StableDiffusionPipeline.from_pretrained(model[, vae=tiny])
(`--decoder` is diffusers' `vae=AutoencoderTiny.from_pretrained(...)`), a named scheduler swapped
in with `SchedulerClass.from_config(pipe.scheduler.config)`, and
`generator=torch.Generator().manual_seed(seed)`.

Writes:
    cases.json          the cases, in Tests/Fixtures/pipeline/cases.json's format plus "decoder"
                        (a folder beside this script, or null for the model's VAE)
    images.safetensors  "<case>": float32 [height, width, 3] holding the 0...255 pixel values

Run from the repository root:
    /opt/torchenv/bin/python Tests/Fixtures/fewstep/make_fewstep_fixtures.py
"""

import json
import os
import pathlib
import shutil

import numpy as np
import torch
from diffusers import (AutoencoderTiny, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler, LCMScheduler,
                       StableDiffusionPipeline, UNet2DConditionModel)
from diffusers.utils import logging as diffusers_logging
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
SCHEDULERS = {"euler": EulerDiscreteScheduler, "euler-a": EulerAncestralDiscreteScheduler, "lcm": LCMScheduler}
PROMPT = "a photograph of an astronaut riding a horse"


def link_components(folder, base, names):
    for name in names:
        link = folder / name
        if link.is_symlink() or link.exists():
            link.unlink() if link.is_symlink() else shutil.rmtree(link)
        link.symlink_to(os.path.relpath(MODELS / base / name, folder))


def model_index(folder, base, scheduler_class):
    index = json.loads((MODELS / base / "model_index.json").read_text())
    index["scheduler"] = ["diffusers", scheduler_class]
    (folder / "model_index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def make_turbo():
    folder = HERE / "turbo-tiny"
    folder.mkdir(exist_ok=True)
    link_components(folder, "sd2-tiny", ["tokenizer", "text_encoder", "unet", "vae"])
    base = json.loads((MODELS / "sd2-tiny" / "scheduler" / "scheduler_config.json").read_text())
    scheduler = EulerAncestralDiscreteScheduler.from_config(base, timestep_spacing="trailing")
    scheduler.save_pretrained(folder / "scheduler")
    model_index(folder, "sd2-tiny", "EulerAncestralDiscreteScheduler")


def make_lcm():
    folder = HERE / "lcm-tiny"
    folder.mkdir(exist_ok=True)
    link_components(folder, "sd1-tiny", ["tokenizer", "text_encoder", "vae"])
    torch.manual_seed(15)
    unet = UNet2DConditionModel(
        sample_size=16, block_out_channels=(16, 32), layers_per_block=1, norm_num_groups=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32, attention_head_dim=2, time_cond_proj_dim=24)
    # Large enough a guidance embedding that a wrong one moves the image by many levels.
    with torch.no_grad():
        unet.time_embedding.cond_proj.weight.mul_(4)
    unet.save_pretrained(folder / "unet")
    LCMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                 original_inference_steps=50, set_alpha_to_one=True, steps_offset=1, timestep_scaling=10.0,
                 timestep_spacing="leading").save_pretrained(folder / "scheduler")
    model_index(folder, "sd1-tiny", "LCMScheduler")


def make_taesd():
    torch.manual_seed(16)
    tiny = AutoencoderTiny(encoder_block_out_channels=(8, 8, 8, 8), decoder_block_out_channels=(12, 12, 12, 12))
    # Default init leaves a ReLU stack's output near zero; widen it so the image has contrast.
    with torch.no_grad():
        for parameter in tiny.decoder.parameters():
            parameter.mul_(1.6)
        tiny.decoder.layers[-1].bias.add_(0.45)  # centred on mid-grey: few pixels clip
    tiny.save_pretrained(HERE / "taesd-tiny")


def case(name, model, steps, guidance, scheduler=None, negative=None, seed=42, width=None, height=None, decoder=None):
    return {"name": name, "model": model, "prompt": PROMPT, "negative_prompt": negative, "seed": seed,
            "steps": steps, "guidance": guidance, "scheduler": scheduler, "eta": 0.0, "width": width, "height": height,
            "decoder": decoder}


CASES = [
    # SD-Turbo: one unguided call per step, the negative prompt unused.
    case("turbo.1step", "turbo-tiny", 1, 0.0, negative="blurry, low quality", seed=7),
    case("turbo.4step", "turbo-tiny", 4, 0.0, seed=8, width=48, height=32),
    case("turbo.euler.2step", "turbo-tiny", 2, 0.0, scheduler="euler", seed=9),
    case("turbo.taesd.1step", "turbo-tiny", 1, 0.0, seed=10, width=64, height=64, decoder="taesd-tiny"),
    # LCM: guidance through the UNet's embedding (w = guidance - 1), no classifier-free batch.
    case("lcm.4step", "lcm-tiny", 4, 8.0, negative="blurry, low quality", seed=11),
    case("lcm.4step.other-guidance", "lcm-tiny", 4, 2.5, negative="blurry, low quality", seed=11),
    case("lcm.2step.unguided", "lcm-tiny", 2, 1.0, seed=12, width=40, height=24),
    case("lcm.taesd.4step", "lcm-tiny", 4, 8.0, seed=13, width=64, height=64, decoder="taesd-tiny"),
    # LCMScheduler on a plain UNet: classifier-free guided as usual.
    case("sd1.lcm", "sd1-tiny", 4, 7.5, scheduler="lcm", seed=14),
    # TAESD on a guided 3-step image.
    case("sd1.taesd", "sd1-tiny", 3, 7.5, scheduler="euler", seed=15, width=64, height=64, decoder="taesd-tiny"),
]


def model_folder(name):
    return HERE / name if (HERE / name).is_dir() else MODELS / name


def render(spec):
    extra = {}
    if spec["decoder"]:
        extra["vae"] = AutoencoderTiny.from_pretrained(HERE / spec["decoder"])
    # sd2-tiny (under turbo-tiny) stores its weights as an fp16 variant only.
    variant = "fp16" if spec["model"] == "turbo-tiny" else None
    pipe = StableDiffusionPipeline.from_pretrained(model_folder(spec["model"]), safety_checker=None, dtype=torch.float32,
                                                   requires_safety_checker=False, use_safetensors=True, variant=variant,
                                                   **extra)
    if spec["scheduler"]:
        pipe.scheduler = SCHEDULERS[spec["scheduler"]].from_config(pipe.scheduler.config)
    pipe.set_progress_bar_config(disable=True)
    image = pipe(spec["prompt"], negative_prompt=spec["negative_prompt"], num_inference_steps=spec["steps"],
                 guidance_scale=spec["guidance"], width=spec["width"], height=spec["height"],
                 generator=torch.Generator().manual_seed(spec["seed"])).images[0]
    return torch.from_numpy(np.asarray(image).astype(np.float32))


def main():
    diffusers_logging.set_verbosity_error()
    torch.set_num_threads(1)
    make_turbo()
    make_lcm()
    make_taesd()
    images = {}
    for spec in CASES:
        images[spec["name"]] = render(spec)
        pixels = images[spec["name"]]
        clipped = ((pixels == 0) | (pixels == 255)).float().mean()
        print(f"{spec['name']}: {tuple(pixels.shape)}, mean {pixels.mean():.1f}, std {pixels.std():.1f}, clipped {clipped:.0%}")
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps(CASES, indent=1) + "\n")


if __name__ == "__main__":
    main()
