"""Records diffusers' StableDiffusionImg2ImgPipeline images, its add_noise and Pillow's Lanczos
resize, for `sweep generate --init-image` parity.

Writes, beside this script:
    init-32.png, init-50x30.png   the init images (made here from a fixed pattern)
    cases.json                    every img2img case: the pipeline case settings plus init_image,
                                  strength, and `resized_from` when the fixture resized the image
    images.safetensors            "<case>": float32 [height, width, 3], diffusers' 0...255 pixels
    resize.safetensors            "<name>": Pillow's Image.resize(..., LANCZOS) of an init image,
                                  and "<init image file>": its own pixels, float32 [height, width, 3]
    add_noise.safetensors         "original", "noise" [1, 4, 4, 4] and "<kind>": each scheduler's
                                  add_noise(original, noise, timesteps[4:5]) after set_begin_index(4)
                                  of 10 steps (DDIM, PNDM and LCM have no begin index and read the
                                  timestep), built from the sd1-tiny scheduler config

Init images are given to the pipeline as PIL RGB images, as diffusers' load_image(...) returns
them. The pipeline takes no width/height: it sizes the image with its VaeImageProcessor
(Lanczos to the image's own size). A case with `resized_from` asks our pipeline for a different
size; for it this script resizes the PIL image first with `pipe.image_processor.resize` (what
`preprocess(image, height=, width=)` does) and checks that this is Pillow's Lanczos.

Run from the repository root (venv of Tests/Fixtures/models/make_model_fixtures.py, plus scipy):
    /opt/torchenv/bin/python Tests/Fixtures/img2img/make_img2img_fixtures.py
"""

import json
import pathlib
import sys

import numpy as np
import PIL.Image
import torch
from diffusers import LCMScheduler, StableDiffusionImg2ImgPipeline
from diffusers.utils import logging as diffusers_logging
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
sys.path.insert(0, str(HERE.parent / "pipeline"))
from make_pipeline_fixtures import SCHEDULERS as PIPELINE_SCHEDULERS  # noqa: E402  the same table as text-to-image

SCHEDULERS = {**PIPELINE_SCHEDULERS, "lcm": (LCMScheduler, {})}

PROMPT = "a watercolor of a red barn in a snowy field"


def pattern(width, height):
    """A deterministic picture with edges, gradients and colour: what resizing and the VAE see."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 127.5 + 127.5 * np.sin(x / width * 6.1 + y / height * 1.3)
    g = np.where((x // 5 + y // 7) % 2 == 0, 230.0, 25.0)
    b = 255.0 * (x + y) / (width + height - 2)
    return PIL.Image.fromarray(np.stack([r, g, b], axis=-1).round().clip(0, 255).astype(np.uint8), "RGB")


def case(name, scheduler, strength, steps=5, seed=7, guidance=7.5, eta=0.0, image="init-32.png",
         width=None, height=None, model="sd1-tiny"):
    return {"name": name, "model": model, "prompt": PROMPT, "negative_prompt": None, "seed": seed,
            "steps": steps, "guidance": guidance, "scheduler": scheduler, "eta": eta, "width": width,
            "height": height, "init_image": image, "strength": strength}


CASES = [
    case("img2img.ddim", "ddim", 0.6),
    case("img2img.euler-a", "euler-a", 0.75, steps=6),
    case("img2img.dpm++2m", "dpm++2m", 0.5, steps=8),
    case("img2img.pndm", None, 0.8, steps=6),                  # the model's own PNDM
    case("img2img.lms", "lms", 0.7, steps=10),                 # int(10 * 0.7) = 7 in doubles (6 in float32)
    case("img2img.euler", "euler", 0.9),
    case("img2img.heun", "heun", 0.5, steps=4),                # begins mid-way through the doubled timesteps
    case("img2img.dpm++2m-karras", "dpm++2m-karras", 0.65, steps=7),
    case("img2img.unipc", "unipc", 0.55, steps=6),
    case("img2img.strength-1", "ddim", 1.0, seed=3),
    case("img2img.ddim-eta", "ddim", 0.8, eta=0.6, steps=6),   # step noise drawn after the two prepare_latents draws
    case("img2img.unguided", "euler", 0.6, guidance=1.0),
    case("img2img.resized", "dpm++2m", 0.7, image="init-50x30.png", width=40, height=24),
    case("img2img.lcm", "lcm", 0.75, steps=4),
    # The LCM-distilled tiny UNet (time_cond_proj_dim) with its own LCMScheduler.
    case("img2img.lcm-model", None, 0.5, steps=4, guidance=8.0, seed=5, model="../fewstep/lcm-tiny"),
]


def main():
    torch.set_grad_enabled(False)
    diffusers_logging.set_verbosity_error()
    diffusers_logging.disable_progress_bar()
    inits = {"init-32.png": pattern(32, 32), "init-50x30.png": pattern(50, 30)}
    for name, image in inits.items():
        image.save(HERE / name)

    pipes, images, resized = {}, {}, {}
    for spec in CASES:
        if spec["model"] not in pipes:
            pipes[spec["model"]] = StableDiffusionImg2ImgPipeline.from_pretrained(MODELS / spec["model"], dtype=torch.float32)
            pipes[spec["model"]].set_progress_bar_config(disable=True)
        pipe = pipes[spec["model"]]
        own = pipe.scheduler
        image = PIL.Image.open(HERE / spec["init_image"]).convert("RGB")
        if spec["width"] and (spec["width"], spec["height"]) != image.size:
            shrunk = pipe.image_processor.resize(image, spec["height"], spec["width"])
            assert np.array_equal(np.array(shrunk), np.array(image.resize((spec["width"], spec["height"]), PIL.Image.LANCZOS)))
            spec["resized_from"] = list(image.size)
            image = shrunk
        if spec["scheduler"]:
            cls, extra = SCHEDULERS[spec["scheduler"]]
            pipe.scheduler = cls.from_config(own.config, **extra)
        kwargs = {"eta": spec["eta"]} if spec["eta"] else {}
        out = pipe(spec["prompt"], image=image, strength=spec["strength"], num_inference_steps=spec["steps"],
                   guidance_scale=spec["guidance"], generator=torch.Generator().manual_seed(spec["seed"]),
                   output_type="np", **kwargs).images[0]
        pixels = (out * 255).round().astype(np.uint8)
        images[spec["name"]] = torch.from_numpy(pixels.astype(np.float32)).contiguous()
        print(spec["name"], pixels.shape, float(pixels.mean()))
        pipe.scheduler = own
    own = pipes["sd1-tiny"].scheduler

    big = PIL.Image.open(HERE / "init-50x30.png").convert("RGB")
    small = PIL.Image.open(HERE / "init-32.png").convert("RGB")
    for name, source in [("init-32.png", small), ("init-50x30.png", big)]:
        resized[name] = torch.from_numpy(np.array(source).astype(np.float32)).contiguous()
    for name, source, size in [("down-40x24", big, (40, 24)), ("up-48x40", small, (48, 40)),
                               ("wide-only-64x30", big, (64, 30)), ("tall-only-50x16", big, (50, 16))]:
        pixels = np.array(source.resize(size, PIL.Image.LANCZOS))
        resized[name] = torch.from_numpy(pixels.astype(np.float32)).contiguous()

    generator = torch.Generator().manual_seed(11)
    original, noise = torch.randn(1, 4, 4, 4, generator=generator), torch.randn(1, 4, 4, 4, generator=generator)
    noised = {"original": original, "noise": noise}
    for kind, (cls, extra) in SCHEDULERS.items():
        scheduler = cls.from_config(own.config, **extra)
        scheduler.set_timesteps(10)
        begin = 4 * scheduler.order
        if hasattr(scheduler, "set_begin_index"):
            scheduler.set_begin_index(begin)
        noised[kind] = scheduler.add_noise(original, noise, scheduler.timesteps[begin:begin + 1]).contiguous()

    save_file(images, HERE / "images.safetensors")
    save_file(resized, HERE / "resize.safetensors")
    save_file(noised, HERE / "add_noise.safetensors")
    (HERE / "cases.json").write_text(json.dumps(CASES, indent=1) + "\n")


if __name__ == "__main__":
    main()
