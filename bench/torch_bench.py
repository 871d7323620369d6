"""PyTorch twin of `sweep bench --model-config sd1|sd2` / `sweep bench --model DIR`.

Times the same four things with diffusers on the same architecture and thread count, each after a
warm-up, and prints the same table: both prompts through the text encoder, one UNet step as the
recipe runs it (batch 2 when classifier-free guided, else batch 1), one decode (the VAE, or TAESD:
diffusers' AutoencoderTiny), and a whole image of --steps steps at --guidance with --scheduler
(StableDiffusionPipeline, as a user calls it). Random weights come from the published configs in
make_random_model.py; --decoder taesd is AutoencoderTiny's default (full-size) architecture with
random weights, --scheduler lcm with --model-config gives the UNet LCM-distilled SD 1.5's
time_cond_proj_dim 256, as `sweep bench` does. --precision bf16 runs every item under
torch.autocast("cpu", dtype=torch.bfloat16), as `sweep bench --precision bf16` runs bf16 GEMMs.

    /opt/torchenv/bin/python bench/torch_bench.py --model-config sd1 --threads 2 --runs 3 --image-steps 20
    /opt/torchenv/bin/python bench/torch_bench.py --model-config sd2 --steps 1 --guidance 0 --decoder taesd
    /opt/torchenv/bin/python bench/torch_bench.py --model-config sd1 --threads 2 --precision bf16 --image-steps 0
    /opt/torchenv/bin/python bench/compare.py ours.json torch.json     # with --json on both sides
"""
import argparse
import contextlib
import json
import resource
import sys
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from make_random_model import build
from diffusers import (AutoencoderTiny, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, HeunDiscreteScheduler, LCMScheduler, LMSDiscreteScheduler, PNDMScheduler,
                       StableDiffusionPipeline, UniPCMultistepScheduler)

PROMPT = "a photograph of an astronaut riding a horse"
SCHEDULERS = {
    "pndm": (PNDMScheduler, {}), "ddim": (DDIMScheduler, {}), "lms": (LMSDiscreteScheduler, {}),
    "euler": (EulerDiscreteScheduler, {}), "euler-a": (EulerAncestralDiscreteScheduler, {}),
    "heun": (HeunDiscreteScheduler, {}), "dpm++2m": (DPMSolverMultistepScheduler, {}),
    "dpm++2m-karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
    "unipc": (UniPCMultistepScheduler, {}), "lcm": (LCMScheduler, {}),
}


def sgemm_gflops(repeats=3, n=2048):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    best = min(timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def flops_of(fn):
    counter = FlopCounterMode(display=False)
    with counter:
        fn()
    return counter.get_total_flops()


def line(name, seconds, flops, sgemm):
    median = sorted(seconds)[len(seconds) // 2]  # as `sweep bench` takes it
    gflops = flops / median / 1e9
    return (f"{name:<34}{median:8.3f}  {flops / 1e9:6.0f}  {gflops:8.1f}  {100 * gflops / sgemm:6.0f}%   "
            + " ".join(f"{s:.3f}" for s in seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model-config", choices=["sd1", "sd2"])
    source.add_argument("--model")
    parser.add_argument("--threads", type=int, default=None, help="default: torch's own choice")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", "--image-steps", dest="image_steps", type=int, default=20)
    parser.add_argument("--guidance", type=float, default=7.5)
    parser.add_argument("--scheduler", choices=sorted(SCHEDULERS), help="default: the model's own")
    parser.add_argument("--decoder", default="vae", help="vae, taesd (random full-size AutoencoderTiny) or a folder")
    parser.add_argument("--batch", type=int, default=1,
                        help="also time one UNet step on this many images at once, reported per image")
    parser.add_argument("--image-runs", type=int, default=None)
    parser.add_argument("--image-only", action="store_true",
                        help="time only the whole image (its GFLOP then come from no count and print as nan)")
    parser.add_argument("--precision", choices=["float32", "bf16"], default="float32",
                        help="bf16: torch.autocast('cpu', dtype=torch.bfloat16) around every item")
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.size <= 0 or args.size % 64:
        sys.exit(f"--size must be a positive multiple of 64, got {args.size}")
    if args.runs < 1:
        sys.exit(f"--runs must be at least 1, got {args.runs}")
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    if args.model_config:
        pipe = build(args.model_config, time_cond_proj_dim=256 if args.scheduler == "lcm" else None)
        name = {"sd1": "Stable Diffusion 1.5", "sd2": "Stable Diffusion 2.1"}[args.model_config] + ", random weights"
    else:
        pipe = StableDiffusionPipeline.from_pretrained(args.model, safety_checker=None, requires_safety_checker=False)
        name = args.model
    if args.decoder != "vae":
        # As a user swaps in TAESD: StableDiffusionPipeline.from_pretrained(..., vae=AutoencoderTiny...).
        pipe.vae = AutoencoderTiny() if args.decoder == "taesd" else AutoencoderTiny.from_pretrained(args.decoder)
    if args.scheduler:
        cls, extra = SCHEDULERS[args.scheduler]
        pipe.scheduler = cls.from_config(pipe.scheduler.config, **extra)
    pipe.set_progress_bar_config(disable=True)
    weight_bytes = sum(p.numel() * p.element_size() for m in (pipe.text_encoder, pipe.unet, pipe.vae) for p in m.parameters())

    sgemm = sgemm_gflops()
    print(f"{name}, {args.size}×{args.size}, threads {torch.get_num_threads()}, precision {args.precision}, PyTorch {torch.__version__} "
          f"(CPU capability {torch.backends.cpu.get_cpu_capability()})")
    print(f"sgemm 2048³: {sgemm:.1f} GFLOP/s")
    print(f"{'item':<34}median s   GFLOP   GFLOP/s  % sgemm   runs (s)")

    latent = args.size // pipe.vae_scale_factor
    generator = torch.Generator().manual_seed(7)
    latents = torch.rand(1, pipe.unet.config.in_channels, latent, latent, generator=generator) * 2 - 1
    tokenizer, text_encoder = pipe.tokenizer, pipe.text_encoder

    def ids(text):
        return tokenizer(text, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                         return_tensors="pt").input_ids

    prompt_ids, negative_ids = ids(PROMPT), ids("")

    def encode():
        return text_encoder(prompt_ids)[0], text_encoder(negative_ids)[0]

    rows = []

    def row(name, fn, runs, per=1):
        flops = flops_of(fn) / per  # the counted run is the warm-up
        seconds = [timed(fn) / per for _ in range(runs)]
        rows.append({"name": name, "seconds": seconds, "flops": flops})
        print(line(name, seconds, flops, sgemm), flush=True)

    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if args.precision == "bf16" else contextlib.nullcontext()
    with torch.inference_mode(), autocast:
        prompt, negative = encode()
        context = torch.cat([negative, prompt])
        t = torch.tensor(500)
        # The pipeline's own rule: a UNet with time_cond_proj_dim takes guidance as an embedding.
        embedding = pipe.unet.config.time_cond_proj_dim
        guided = args.guidance > 1 and embedding is None
        condition = (pipe.get_guidance_scale_embedding(torch.tensor([args.guidance - 1]), embedding_dim=embedding)
                     if embedding else None)

        def guided_step():
            noise = pipe.unet(torch.cat([latents, latents]), t, encoder_hidden_states=context).sample
            uncond, text = noise.chunk(2)
            return uncond + args.guidance * (text - uncond)

        def unguided_step():
            return pipe.unet(latents, t, encoder_hidden_states=prompt, timestep_cond=condition).sample

        if not args.image_only:
            row("text encoder (prompt + negative)", encode, args.runs)
            if guided:
                row("guided UNet step (batch 2)", guided_step, args.runs)
            else:
                row("UNet step (batch 1)", unguided_step, args.runs)
            if args.batch > 1:
                # The pipeline's batch layout: every negative prompt, then every prompt.
                n = args.batch
                many = torch.cat([latents] * (2 * n if guided else n))
                many_context = torch.cat([negative] * n + [prompt] * n) if guided else torch.cat([prompt] * n)
                many_condition = condition.repeat(n, 1) if condition is not None else None

                def batched_step():
                    noise = pipe.unet(many, t, encoder_hidden_states=many_context, timestep_cond=many_condition).sample
                    if guided:
                        uncond, text = noise.chunk(2)
                        noise = uncond + args.guidance * (text - uncond)
                    return noise

                row(f"UNet step, batch of {n}, per image", batched_step, args.runs, per=n)
            decoder = "VAE decode" if args.decoder == "vae" else "TAESD decode"
            row(decoder, lambda: pipe.vae.decode(latents).sample, args.runs)
        if args.image_steps > 0:
            image = lambda: pipe(PROMPT, negative_prompt="", num_inference_steps=args.image_steps, guidance_scale=args.guidance,
                                 height=args.size, width=args.size, generator=torch.Generator().manual_seed(0))
            runs = args.image_runs or args.runs
            seconds = [timed(image) for _ in range(runs)]
            # FLOPs by composition (counting a whole image would take another image's time); PNDM
            # evaluates the UNet once more than it has steps, so count its timesteps.
            unet_calls = len(pipe.scheduler.timesteps)
            # Unguided, the pipeline encodes the prompt alone: half the text encoder item.
            text = rows[0]["flops"] * (1 if guided else 0.5) if rows else float("nan")
            flops = (text + unet_calls * rows[1]["flops"] + rows[-1]["flops"]) if rows else float("nan")
            rows.append({"name": f"image, {args.image_steps} steps", "seconds": seconds, "flops": flops})
            print(line(rows[-1]["name"], seconds, flops, sgemm), flush=True)
            if args.batch > 1:
                n = args.batch
                batch = lambda: pipe([PROMPT] * n, negative_prompt=[""] * n, num_inference_steps=args.image_steps,
                                     guidance_scale=args.guidance, height=args.size, width=args.size,
                                     generator=[torch.Generator().manual_seed(i) for i in range(n)])
                seconds = [timed(batch) / n for _ in range(runs)]
                rows.append({"name": f"image, batch of {n}, per image", "seconds": seconds, "flops": flops})
                print(line(rows[-1]["name"], seconds, flops, sgemm), flush=True)

    sgemm_after = sgemm_gflops()
    print(f"sgemm 2048³ after: {sgemm_after:.1f} GFLOP/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"peak resident: {peak / 2**30:.2f} GiB   weights: {weight_bytes / 2**30:.2f} GiB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"side": "torch", "model": name, "size": args.size, "threads": torch.get_num_threads(),
                       "precision": args.precision,
                       "core": f"PyTorch {torch.__version__} {torch.backends.cpu.get_cpu_capability()}",
                       "sgemmGFLOPS": [sgemm, sgemm_after], "rows": rows, "peakBytes": peak,
                       "weightBytes": weight_bytes}, f, indent=2)


if __name__ == "__main__":
    main()
