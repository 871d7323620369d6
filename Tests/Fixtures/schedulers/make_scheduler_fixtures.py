"""Records diffusers' schedulers step by step, for the Swift scheduler parity tests.

For every case (a scheduler kind, a model's scheduler_config.json and a step count) the scheduler
is built exactly as the app builds it -- `Class.from_config(base_config)` (plus
`use_karras_sigmas=True` for dpm++2m-karras), `set_timesteps(steps)` -- and run over
`scheduler.timesteps` with `scale_model_input` and `step`, feeding fixed seeded model outputs
(not a UNet). Any noise a scheduler draws (DDIM with eta > 0, Euler ancestral, LCM) is recorded by
wrapping `randn_tensor` in the scheduler's module, so the Swift test can feed the same noise.

Writes, beside this script (every file is rewritten on each run):
    cases.json                 a list of {"name", "kind", "config", "steps", "eta"}: "config" is
                               the base model config the scheduler was built from, "eta" is 0 for
                               every kind but DDIM with eta
    <case>.safetensors         float32 tensors for one case:
        timesteps              [n] `scheduler.timesteps` (as float)
        sigmas                 `scheduler.sigmas`, for the schedulers that have them
        init_noise_sigma       [1]
        sample.0               the initial sample, randn([1, 4, 8, 8]) * init_noise_sigma
        model_input.i          `scale_model_input(sample.i, timesteps[i])`
        model_output.i         the model output fed to evaluation i (seeded randn)
        noise.i                the noise `step` drew at evaluation i, only where it drew any
        sample.{i+1}           `step(...).prev_sample`

Run from the repository root (scipy is needed by LMSDiscreteScheduler):
    /opt/torchenv/bin/pip install torch diffusers safetensors scipy
    /opt/torchenv/bin/python Tests/Fixtures/schedulers/make_scheduler_fixtures.py

Everything is float32 on the CPU with fixed seeds; running it twice gives identical files.
"""
import inspect
import json
import os
import sys

import diffusers
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

CLASSES = {
    "pndm": diffusers.PNDMScheduler,
    "ddim": diffusers.DDIMScheduler,
    "lms": diffusers.LMSDiscreteScheduler,
    "euler": diffusers.EulerDiscreteScheduler,
    "euler-a": diffusers.EulerAncestralDiscreteScheduler,
    "heun": diffusers.HeunDiscreteScheduler,
    "dpm++2m": diffusers.DPMSolverMultistepScheduler,
    "dpm++2m-karras": diffusers.DPMSolverMultistepScheduler,
    "unipc": diffusers.UniPCMultistepScheduler,
    "lcm": diffusers.LCMScheduler,
}

CONFIGS = {
    # SD 1.5's scheduler/scheduler_config.json from the Hugging Face repository.
    "sd15": {
        "_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": False,
        "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None, "clip_sample": False,
    },
    # SD 2.1's (768 px, v-prediction).
    "sd21": {
        "_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000,
        "prediction_type": "v_prediction", "set_alpha_to_one": False, "skip_prk_steps": True,
        "steps_offset": 1, "trained_betas": None,
    },
    # Linear betas, trailing spacing; everything else at each class's defaults (DDIM clips the
    # sample, PNDM runs its Runge-Kutta warm-up steps, set_alpha_to_one is true).
    "linear-trailing": {
        "_class_name": "DDIMScheduler", "beta_end": 0.02, "beta_schedule": "linear",
        "beta_start": 0.0001, "num_train_timesteps": 1000, "steps_offset": 0,
        "timestep_spacing": "trailing",
    },
    # Scaled-linear betas, linspace spacing.
    "linspace": {
        "_class_name": "EulerDiscreteScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "num_train_timesteps": 1000, "steps_offset": 1,
        "skip_prk_steps": True, "timestep_spacing": "linspace",
    },
    # An LCM-distilled model's own (SimianLuo/LCM_Dreamshaper_v7).
    "lcm-dreamshaper": {
        "_class_name": "LCMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
        "clip_sample": False, "num_train_timesteps": 1000, "original_inference_steps": 50, "prediction_type": "epsilon",
        "set_alpha_to_one": True, "steps_offset": 1, "timestep_scaling": 10.0, "timestep_spacing": "leading",
        "trained_betas": None,
    },
    # A short distillation schedule (k = 125) that the step count does not divide, v-prediction.
    "lcm-original8": {
        "_class_name": "LCMScheduler", "original_inference_steps": 8, "prediction_type": "v_prediction",
        "set_alpha_to_one": False,
    },
}

# LCM's own configs, beside the shared ones.
LCM_RUNS = [("lcm-dreamshaper", 1, 0.0), ("lcm-dreamshaper", 4, 0.0), ("lcm-original8", 3, 0.0)]

# (config name, steps, eta for DDIM, name suffix)
RUNS = [("sd15", 5, 0.0), ("sd15", 12, 0.0), ("sd21", 6, 0.0), ("linear-trailing", 7, 0.0), ("linspace", 8, 0.0)]
SHAPE = [1, 4, 8, 8]


class NoiseRecorder:
    """Wraps `randn_tensor` in a scheduler's module and keeps what it returned."""

    def __init__(self, module):
        self.module, self.drawn = module, []
        self.original = getattr(module, "randn_tensor", None)
        if self.original is not None:
            module.randn_tensor = self

    def __call__(self, *args, **kwargs):
        noise = self.original(*args, **kwargs)
        self.drawn.append(noise.detach().clone())
        return noise

    def take(self):
        drawn, self.drawn = self.drawn, []
        assert len(drawn) <= 1, "more than one noise draw in one step"
        return drawn[0] if drawn else None

    def restore(self):
        if self.original is not None:
            self.module.randn_tensor = self.original


def f32(value):
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float32).reshape(-1 if value.dim() == 0 else value.shape).contiguous().clone()
    return torch.tensor([float(value)], dtype=torch.float32)


def run_case(kind, config, steps, eta):
    cls = CLASSES[kind]
    extra = {"use_karras_sigmas": True} if kind == "dpm++2m-karras" else {}
    scheduler = cls.from_config(config, **extra)
    scheduler.set_timesteps(steps)
    recorder = NoiseRecorder(sys.modules[cls.__module__])
    try:
        tensors = {"timesteps": f32(scheduler.timesteps), "init_noise_sigma": f32(scheduler.init_noise_sigma).reshape(1)}
        if getattr(scheduler, "sigmas", None) is not None:
            tensors["sigmas"] = f32(scheduler.sigmas)
        sample = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0)) * scheduler.init_noise_sigma
        tensors["sample.0"] = f32(sample)
        step_parameters = inspect.signature(scheduler.step).parameters
        kwargs = {}
        if "generator" in step_parameters:
            kwargs["generator"] = torch.Generator().manual_seed(7)
        if kind == "ddim":
            kwargs["eta"] = eta
        for i, t in enumerate(scheduler.timesteps):
            model_input = scheduler.scale_model_input(sample, t)
            model_output = torch.randn(SHAPE, generator=torch.Generator().manual_seed(1000 + i))
            sample = scheduler.step(model_output, t, sample, **kwargs).prev_sample
            tensors[f"model_input.{i}"] = f32(model_input)
            tensors[f"model_output.{i}"] = f32(model_output)
            noise = recorder.take()
            if noise is not None:
                tensors[f"noise.{i}"] = f32(noise)
            tensors[f"sample.{i + 1}"] = f32(sample)
    finally:
        recorder.restore()
    return tensors


def main():
    torch.set_num_threads(1)
    cases = []
    for kind in CLASSES:
        runs = [(c, s, e, "") for c, s, e in RUNS]
        if kind == "ddim":
            runs.append(("sd15", 12, 0.5, "-eta0.5"))
        if kind == "lcm":
            runs += [(c, s, e, "") for c, s, e in LCM_RUNS]
        for config_name, steps, eta, suffix in runs:
            name = f"{kind}.{config_name}{suffix}.{steps}"
            config = CONFIGS[config_name]
            tensors = run_case(kind, config, steps, eta)
            save_file(tensors, os.path.join(HERE, f"{name}.safetensors"))
            cases.append({"name": name, "kind": kind, "config": config, "steps": steps, "eta": eta})
            print(name, len(tensors["timesteps"]), "evaluations")
    with open(os.path.join(HERE, "cases.json"), "w") as file:
        json.dump(cases, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main()
