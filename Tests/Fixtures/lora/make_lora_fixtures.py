"""Tiny LoRAs for Tests/Fixtures/models/sd1-tiny and diffusers' images with them fused, for `--lora` parity;
parameter counts of the tiny models, for `sweep inspect`.

Writes, beside this script:
    kohya.safetensors      kohya-ss / A1111 layout (F16): `lora_unet_*` on attention, proj_in/out (1×1 conv),
                           feed-forward, conv LoRA on resnet conv1 (3×3 down, 1×1 up) and `lora_te_*` on every
                           text-encoder projection; `.alpha` per module (several values), one module of rank 8
    diffusers.safetensors  PEFT LoRAs saved by diffusers' `save_lora_weights`: `unet.*.lora_A.weight` /
                           `lora_B.weight` (conv1 included) and `text_encoder.*`, with the LoraConfig metadata
                           (lora_alpha ≠ r, and an alpha_pattern)
    unmatched.safetensors  kohya keys of which two name no module of the model
    badshape.safetensors   a kohya module whose down weight has the wrong input width
    cases.json             each image's LoRAs (file, scale) and settings
    images.safetensors     "<case>": float32 [height, width, 3], the 0...255 pixels diffusers gives after
                           `load_lora_weights` + `fuse_lora(lora_scale=s)` (two LoRAs: set_adapters weights)
    singlefile-kohya.safetensors  a kohya LoRA (conv and text encoder too) for Tests/Fixtures/singlefile/sd1.safetensors,
                           whose image comes from `from_single_file(..., config=sd1-config)` + the same fusing
    inspect.json           parameter counts per component (diffusers' / transformers' `num_parameters()`) of the
                           tiny folders and of the single files as `from_single_file` loads them

Run from the repository root (PEFT is needed by diffusers' LoRA loader):
    /opt/torchenv/bin/pip install peft
    /opt/torchenv/bin/python Tests/Fixtures/lora/make_lora_fixtures.py
"""

import json
import pathlib

import numpy as np
import torch
from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline
from diffusers.utils import logging as diffusers_logging
from peft import LoraConfig
from peft.utils import get_peft_model_state_dict
from safetensors import safe_open
from safetensors.torch import load_file, save_file

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
SD1 = MODELS / "sd1-tiny"
SINGLE = HERE.parent / "singlefile"
PROMPT = "a watercolor fox in the snow"


def load(model=SD1, variant=None):
    if str(model).endswith(".safetensors"):
        config = SINGLE / pathlib.Path(model).name.replace(".safetensors", "-config")
        pipe = StableDiffusionPipeline.from_single_file(model, config=str(config), torch_dtype=torch.float32,
                                                        safety_checker=None, requires_safety_checker=False)
    else:
        pipe = StableDiffusionPipeline.from_pretrained(model, dtype=torch.float32, variant=variant)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def kohya_lora(pipe, generator):
    """Random kohya weights: (down, up, alpha) per module, keyed by the kohya module name."""
    modules = {}
    unet = dict(pipe.unet.named_modules())
    for name, module in unet.items():
        leaf = name.split(".")[-1]
        conv = name.endswith("resnets.0.conv1")
        if not (conv or leaf in ("to_q", "to_k", "to_v", "proj_in", "proj_out") or name.endswith(("to_out.0", "ff.net.0.proj", "ff.net.2"))):
            continue
        rank = 8 if name.endswith("ff.net.0.proj") else 4
        weight = module.weight
        out_features, in_features = weight.shape[0], weight.shape[1]
        kernel = weight.shape[2:]  # 3×3 for conv1, 1×1 for proj_in/out (convs in sd1-tiny), none for linears
        down = torch.randn(rank, in_features, *kernel, generator=generator) * 0.2
        up = torch.randn(out_features, rank, *([1] * len(kernel)), generator=generator) * 0.2
        alpha = 1.0 if conv else 2.0
        modules["lora_unet_" + name.replace(".", "_")] = (down, up, alpha)
    for name, module in pipe.text_encoder.named_modules():
        if name.split(".")[-1] in ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"):
            out_features, in_features = module.weight.shape
            down = torch.randn(4, in_features, generator=generator) * 0.3
            up = torch.randn(out_features, 4, generator=generator) * 0.3
            modules["lora_te_" + name.replace(".", "_")] = (down, up, 4.0)
    return modules


def save_kohya(modules, path):
    tensors = {}
    for key, (down, up, alpha) in modules.items():
        tensors[key + ".lora_down.weight"] = down.half().contiguous()
        tensors[key + ".lora_up.weight"] = up.half().contiguous()
        tensors[key + ".alpha"] = torch.tensor(alpha, dtype=torch.float32)
    save_file(tensors, path)


def save_diffusers_lora(generator):
    pipe = load()
    unet_config = LoraConfig(r=4, lora_alpha=8, init_lora_weights=False,
                             target_modules=["to_q", "to_k", "to_v", "to_out.0", "proj_in", "ff.net.2", "conv1"])
    text_config = LoraConfig(r=4, lora_alpha=6, init_lora_weights=False, alpha_pattern={"fc1": 2},
                             target_modules=["q_proj", "v_proj", "out_proj", "fc1"])
    pipe.unet.add_adapter(unet_config)
    pipe.text_encoder.add_adapter(text_config)
    for model in (pipe.unet, pipe.text_encoder):
        for name, parameter in model.named_parameters():
            if "lora_" in name:
                parameter.data = torch.randn(parameter.shape, generator=generator) * 0.2
    # Saved with init_lora_weights=True, so a module diffusers failed to load would stay a no-op, never random.
    metadata = [dict(config.to_dict(), init_lora_weights=True) for config in (unet_config, text_config)]
    StableDiffusionPipeline.save_lora_weights(
        HERE, unet_lora_layers=get_peft_model_state_dict(pipe.unet),
        text_encoder_lora_layers=get_peft_model_state_dict(pipe.text_encoder), weight_name="diffusers.safetensors",
        unet_lora_adapter_metadata=metadata[0], text_encoder_lora_adapter_metadata=metadata[1])


def fused(loras, model=SD1):
    """The model with `loras` [(file, scale)] loaded and fused as diffusers does it."""
    pipe = load(model)
    if len(loras) == 1:
        pipe.load_lora_weights(HERE, weight_name=loras[0][0])
        pipe.fuse_lora(lora_scale=loras[0][1])
    else:
        names = [f"lora{i}" for i in range(len(loras))]
        for name, (file, _) in zip(names, loras):
            pipe.load_lora_weights(HERE, weight_name=file, adapter_name=name)
        pipe.set_adapters(names, adapter_weights=[scale for _, scale in loras])
        pipe.fuse_lora(adapter_names=names, lora_scale=1.0)
    pipe.unload_lora_weights()
    return pipe


def deltas(file, scale, models):
    """The rule the Swift code implements, from the file alone: scale · alpha/rank · up @ down per module
    (kohya: the module's `.alpha`, rank when absent; PEFT: metadata lora_alpha or its alpha_pattern)."""
    tensors = load_file(HERE / file)
    with safe_open(HERE / file, "pt") as handle:
        metadata = json.loads((handle.metadata() or {}).get("lora_adapter_metadata", "{}"))
    result = {}
    for key, down in tensors.items():
        if key.endswith(".lora_down.weight"):
            module = key.removesuffix(".lora_down.weight")
            up, alpha = tensors[module + ".lora_up.weight"], tensors.get(module + ".alpha")
            component = "unet" if module.startswith("lora_unet_") else "text_encoder"
            name = next(n for n, _ in models[component].named_modules()
                        if module.split("_", 2)[2] == n.replace(".", "_"))
        elif key.endswith(".lora_A.weight"):
            component, name = key.removesuffix(".lora_A.weight").split(".", 1)
            up = tensors[key.replace("lora_A", "lora_B")]
            pattern = metadata.get(component + ".alpha_pattern", {})
            alpha = next((v for k, v in pattern.items() if name == k or name.endswith("." + k)),
                         metadata.get(component + ".lora_alpha", down.shape[0]))
        else:
            continue
        factor = scale * (float(alpha) if alpha is not None else down.shape[0]) / down.shape[0]
        weight = dict(models[component].named_modules())[name].weight
        delta = (up.float().flatten(1) @ down.float().flatten(1)).reshape(weight.shape) * factor
        result[(component, name)] = result.get((component, name), 0) + delta
    return result


def check_rule(loras, model=SD1):
    """diffusers' fused weights are the base weights plus exactly the rule's deltas, nothing else."""
    base, merged = load(model), fused(loras, model)
    models = {"unet": base.unet, "text_encoder": base.text_encoder}
    expected = {}
    for file, scale in loras:
        for key, delta in deltas(file, scale, models).items():
            expected[key] = expected.get(key, 0) + delta
    for component in models:
        after = dict(getattr(merged, component).named_parameters())
        for name, before in models[component].named_parameters():
            delta = expected.pop((component, name.removesuffix(".weight")), 0) if name.endswith(".weight") else 0
            error = (after[name] - before - delta).abs().max().item()
            assert error < 1e-5, f"{loras}: {component}.{name} differs from the rule by {error}"
    assert not expected, f"modules diffusers did not change: {list(expected)[:3]}"


def render(pipe):
    pipe.scheduler = EulerDiscreteScheduler.from_config(pipe.scheduler.config)
    image = pipe(PROMPT, num_inference_steps=4, guidance_scale=7.5, generator=torch.Generator().manual_seed(7),
                 output_type="np").images[0]
    return torch.from_numpy((image * 255).round().astype(np.uint8).astype(np.float32)).contiguous()


def parameter_counts():
    counts = {}
    for name, model, variant in (("sd1-tiny", MODELS / "sd1-tiny", None), ("sd2-tiny", MODELS / "sd2-tiny", "fp16"),
                                 ("singlefile/sd1", SINGLE / "sd1.safetensors", None),
                                 ("singlefile/sd2", SINGLE / "sd2.safetensors", None)):
        pipe = load(model, variant)
        counts[name] = {part: getattr(pipe, part).num_parameters() for part in ("unet", "text_encoder", "vae")}
    return counts


def main():
    torch.set_grad_enabled(False)
    diffusers_logging.set_verbosity_error()
    generator = torch.Generator().manual_seed(2024)
    modules = kohya_lora(load(), generator)
    save_kohya(modules, HERE / "kohya.safetensors")
    save_diffusers_lora(generator)

    first = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
    down, up, alpha = modules[first]
    save_kohya({first: (down, up, alpha), "lora_unet_down_blocks_9_attentions_0_proj_in": (down, up, alpha),
                "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn3_to_q": (down, up, alpha)},
               HERE / "unmatched.safetensors")
    save_kohya({first: (down, up, alpha), "lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k":
                (torch.randn(4, 40, generator=generator), up, alpha)}, HERE / "badshape.safetensors")

    cases = [
        {"name": "kohya-1.0", "loras": [["kohya.safetensors", 1.0]]},
        {"name": "kohya-0.6", "loras": [["kohya.safetensors", 0.6]]},
        {"name": "diffusers-1.0", "loras": [["diffusers.safetensors", 1.0]]},
        {"name": "diffusers-0.5", "loras": [["diffusers.safetensors", 0.5]]},
        {"name": "both", "loras": [["kohya.safetensors", 0.8], ["diffusers.safetensors", 0.4]]},
    ]
    single = SINGLE / "sd1.safetensors"
    save_kohya(kohya_lora(load(single), generator), HERE / "singlefile-kohya.safetensors")
    cases.append({"name": "singlefile-kohya-0.7", "model": "singlefile/sd1.safetensors",
                  "loras": [["singlefile-kohya.safetensors", 0.7]]})
    images = {"none": render(load()), "singlefile-none": render(load(single))}
    for case in cases:
        model = SINGLE / "sd1.safetensors" if "model" in case else SD1
        check_rule(case["loras"], model)
        images[case["name"]] = render(fused(case["loras"], model))
        print(case["name"], float((images[case["name"]] - images["none" if model == SD1 else "singlefile-none"]).abs().max()))
    settings = {"model": "sd1-tiny", "prompt": PROMPT, "seed": 7, "steps": 4, "guidance": 7.5, "scheduler": "euler"}
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps({"settings": settings, "cases": cases}, indent=1) + "\n")
    (HERE / "inspect.json").write_text(json.dumps(parameter_counts(), indent=1) + "\n")


if __name__ == "__main__":
    main()
