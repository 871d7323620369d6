"""Single-file (LDM / A1111 layout) checkpoints, tokenizer.json-only tokenizers and a VAE swap, with
the images diffusers renders from them.

Real users hold Stable Diffusion as one .safetensors file in the original CompVis/Stability layout
(`model.diffusion_model.*`, `first_stage_model.*`, `cond_stage_model.transformer.*` for SD 1.x CLIP
or `cond_stage_model.model.*` for SD 2.x OpenCLIP), often with a separate VAE. This script writes
tiny versions of those, converted from diffusers models by the diffusers -> LDM functions below,
and checks each conversion by loading it back with diffusers' own
`StableDiffusionPipeline.from_single_file(path, config=folder)`; the images that pipeline renders
are the references.

The tiny models follow Tests/Fixtures/models/sd1-tiny and sd2-tiny (same options: quick_gelu CLIP,
conv projections, PNDM and pad <|endoftext|> for SD 1.x; gelu, linear projections, per-block head
counts, upcast attention, DDIM v-prediction and pad "!" for SD 2.x) but are narrower, because the
text encoder's 49408-token embedding dominates the size and these files must stay small.

Writes, beside this script (rewritten on each run):
    sd1-config/           a diffusers folder without weights (model_index.json, configs, scheduler),
                          its tokenizer/ holding only tokenizer.json (merges as "a b" strings, the
                          older `tokenizers` format) + tokenizer_config.json: the --config of sd1.safetensors
    sd2-config/           the same for SD 2.x (tokenizer.json merges as ["a", "b"] pairs, pad "!")
    sd1.safetensors       SD 1.x-like checkpoint: UNet F16 (conv_in and time embedding F32), VAE
                          BF16, text encoder F16, plus tensors loaders must skip: EMA copies
                          (model_ema.*), betas/alphas_cumprod, an int64 position_ids
    sd2.safetensors       SD 2.x-like checkpoint, F16, OpenCLIP text encoder (fused in_proj, c_fc/
                          c_proj, ln_final, text_projection) with one extra last resblock, which SD 2
                          never uses (it takes the penultimate layer) and diffusers skips
    vae-swap/             a second tiny AutoencoderKL for sd1 (diffusers folder, F16)
    vae-swap.safetensors  the same VAE as a lone file in LDM layout (attention as 1x1 convolutions)
    bad/                  files that must be refused: model.ckpt (a pickle), truncated.safetensors,
                          unknown.safetensors (keys of no known architecture), sd1-config-wrong/
                          (a --config whose UNet channels disagree with sd1.safetensors)
    cases.json            settings of each reference image
    images.safetensors    "<case>": float32 [height, width, 3] holding 0...255 pixel values

Run from the repository root after Tests/Fixtures/models/make_model_fixtures.py, with its venv:
    /opt/torchenv/bin/python Tests/Fixtures/singlefile/make_singlefile_fixtures.py
"""
import importlib.util
import json
import pathlib
import shutil
import tempfile

import numpy as np
import torch
from diffusers import AutoencoderKL, DDIMScheduler, EulerAncestralDiscreteScheduler, PNDMScheduler, StableDiffusionPipeline
from diffusers.utils import logging as diffusers_logging
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import CLIPTokenizer
from transformers.utils import logging as transformers_logging

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
# The tiny models are built by the same functions as Tests/Fixtures/models', narrower.
_spec = importlib.util.spec_from_file_location("make_model_fixtures", MODELS / "make_model_fixtures.py")
models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(models)

diffusers_logging.set_verbosity_error()
diffusers_logging.disable_progress_bar()
transformers_logging.set_verbosity_error()


def tiny_text_encoder(seed, hidden_act, pad_token_id):
    return models.text_encoder(seed, hidden_act, 2, pad_token_id, hidden=8, intermediate=13, heads=2)


def tiny_unet(seed, **variant):
    return models.unet(seed, channels=(8, 16, 16), context=8, groups=4, sample_size=8, **variant)


def tiny_vae(seed):
    return models.vae(seed, channels=(8, 16), groups=4, sample_size=16)


def pipeline(name):
    if name == "sd1":
        tokenizer = CLIPTokenizer.from_pretrained(MODELS / "sd1-tiny" / "tokenizer")
        scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                  skip_prk_steps=True, set_alpha_to_one=False, steps_offset=1)
        return models.pipeline(tokenizer, tiny_text_encoder(12, "quick_gelu", 1), tiny_unet(13), tiny_vae(11), scheduler)
    tokenizer = CLIPTokenizer.from_pretrained(MODELS / "sd2-tiny" / "tokenizer")
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1, prediction_type="v_prediction")
    unet_model = tiny_unet(23, attention_head_dim=(2, 4, 4), use_linear_projection=True, upcast_attention=True)
    return models.pipeline(tokenizer, tiny_text_encoder(22, "gelu", 0), unet_model, tiny_vae(21), scheduler)


# ---------------------------------------------------------------------------------------------
# diffusers -> LDM names (the inverse of diffusers' convert_ldm_*_checkpoint)
# ---------------------------------------------------------------------------------------------

UNET_RESNET = {"norm1.": "in_layers.0.", "conv1.": "in_layers.2.", "norm2.": "out_layers.0.",
               "conv2.": "out_layers.3.", "time_emb_proj.": "emb_layers.1.", "conv_shortcut.": "skip_connection."}
VAE_ATTENTION = {"group_norm.": "norm.", "to_q.": "q.", "to_k.": "k.", "to_v.": "v.", "to_out.0.": "proj_out."}


def rename(state, modules):
    """Each diffusers key by its longest matching module prefix: (LDM prefix, inner renames)."""
    out = {}
    for key, value in state.items():
        prefix = max((p for p in modules if key.startswith(p)), key=len, default=None)
        assert prefix is not None, f"no LDM name for {key}"
        new_prefix, inner = modules[prefix]
        rest = key[len(prefix):]
        for old, new in inner.items():
            if rest.startswith(old):
                rest = new + rest[len(old):]
                break
        out[new_prefix + rest] = value
    return out


def unet_to_ldm(unet_model):
    config = unet_model.config
    n, per_block = len(config.block_out_channels), config.layers_per_block
    modules = {"time_embedding.linear_1.": ("time_embed.0.", {}), "time_embedding.linear_2.": ("time_embed.2.", {}),
               "conv_in.": ("input_blocks.0.0.", {}), "conv_norm_out.": ("out.0.", {}), "conv_out.": ("out.2.", {}),
               "mid_block.resnets.0.": ("middle_block.0.", UNET_RESNET),
               "mid_block.attentions.0.": ("middle_block.1.", {}),
               "mid_block.resnets.1.": ("middle_block.2.", UNET_RESNET)}
    index = 1
    for block in range(n):
        for layer in range(per_block):
            modules[f"down_blocks.{block}.resnets.{layer}."] = (f"input_blocks.{index}.0.", UNET_RESNET)
            modules[f"down_blocks.{block}.attentions.{layer}."] = (f"input_blocks.{index}.1.", {})
            index += 1
        if block < n - 1:
            modules[f"down_blocks.{block}.downsamplers.0.conv."] = (f"input_blocks.{index}.0.op.", {})
            index += 1
    index = 0
    for block in range(n):
        attention = config.up_block_types[block].startswith("CrossAttn")
        for layer in range(per_block + 1):
            modules[f"up_blocks.{block}.resnets.{layer}."] = (f"output_blocks.{index}.0.", UNET_RESNET)
            modules[f"up_blocks.{block}.attentions.{layer}."] = (f"output_blocks.{index}.1.", {})
            if layer == per_block and block < n - 1:
                modules[f"up_blocks.{block}.upsamplers.0.conv."] = (f"output_blocks.{index}.{2 if attention else 1}.conv.", {})
            index += 1
    return rename(unet_model.state_dict(), modules)


def vae_to_ldm(vae_model):
    n = len(vae_model.config.block_out_channels)
    resnet = {"conv_shortcut.": "nin_shortcut."}
    modules = {"quant_conv.": ("quant_conv.", {}), "post_quant_conv.": ("post_quant_conv.", {})}
    for part in ("encoder", "decoder"):
        modules |= {f"{part}.conv_in.": (f"{part}.conv_in.", {}), f"{part}.conv_out.": (f"{part}.conv_out.", {}),
                    f"{part}.conv_norm_out.": (f"{part}.norm_out.", {}),
                    f"{part}.mid_block.resnets.0.": (f"{part}.mid.block_1.", resnet),
                    f"{part}.mid_block.resnets.1.": (f"{part}.mid.block_2.", resnet),
                    f"{part}.mid_block.attentions.0.": (f"{part}.mid.attn_1.", VAE_ATTENTION)}
        for block in range(n):
            ldm = block if part == "encoder" else n - 1 - block
            kind, name = ("down", "down_blocks") if part == "encoder" else ("up", "up_blocks")
            for layer in range(4):
                modules[f"{part}.{name}.{block}.resnets.{layer}."] = (f"{part}.{kind}.{ldm}.block.{layer}.", resnet)
            sampler = "downsample" if part == "encoder" else "upsample"
            modules[f"{part}.{name}.{block}.{sampler}rs.0.conv."] = (f"{part}.{kind}.{ldm}.{sampler}.conv.", {})
    out = rename(vae_model.state_dict(), modules)
    # The original autoencoder's attention projections are 1x1 convolutions.
    for key, value in out.items():
        if ".mid.attn_1." in key and key.endswith(".weight") and value.ndim == 2:
            out[key] = value[:, :, None, None]
    return out


def clip_to_ldm(encoder):
    state = {k if k.startswith("text_model.") else "text_model." + k: v for k, v in encoder.state_dict().items()}
    out = {"cond_stage_model.transformer." + k: v for k, v in state.items()}
    out["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77)[None]
    return out


def open_clip_to_ldm(encoder, seed):
    state = {k if k.startswith("text_model.") else "text_model." + k: v for k, v in encoder.state_dict().items()}
    prefix = "cond_stage_model.model."
    out = {prefix + "token_embedding.weight": state["text_model.embeddings.token_embedding.weight"],
           prefix + "positional_embedding": state["text_model.embeddings.position_embedding.weight"],
           prefix + "ln_final.weight": state["text_model.final_layer_norm.weight"],
           prefix + "ln_final.bias": state["text_model.final_layer_norm.bias"]}
    layers = encoder.config.num_hidden_layers
    inner = {"self_attn.out_proj.": "attn.out_proj.", "layer_norm1.": "ln_1.", "layer_norm2.": "ln_2.",
             "mlp.fc1.": "mlp.c_fc.", "mlp.fc2.": "mlp.c_proj."}
    for layer in range(layers):
        source = f"text_model.encoder.layers.{layer}."
        target = f"{prefix}transformer.resblocks.{layer}."
        for kind in ("weight", "bias"):
            out[target + f"attn.in_proj_{kind}"] = torch.cat([state[source + f"self_attn.{p}_proj.{kind}"] for p in "qkv"])
        for key, value in state.items():
            if key.startswith(source) and "_proj." not in key.replace("out_proj.", ""):
                rest = key[len(source):]
                for old, new in inner.items():
                    rest = rest.replace(old, new)
                out[target + rest] = value
    # The last resblock and the projection exist in OpenCLIP but SD 2 never uses them.
    torch.manual_seed(seed)
    template = {k[len(f"{prefix}transformer.resblocks.0."):]: v for k, v in out.items()
                if k.startswith(f"{prefix}transformer.resblocks.0.")}
    for rest, value in template.items():
        out[f"{prefix}transformer.resblocks.{layers}.{rest}"] = torch.randn_like(value)
    hidden = encoder.config.hidden_size
    out[prefix + "text_projection"] = torch.randn(hidden, hidden)
    out[prefix + "logit_scale"] = torch.tensor(4.6052)
    return out


def single_file(pipe, name):
    out = {"model.diffusion_model." + k: v for k, v in unet_to_ldm(pipe.unet).items()}
    out |= {"first_stage_model." + k: v for k, v in vae_to_ldm(pipe.vae).items()}
    if name == "sd1":
        out |= clip_to_ldm(pipe.text_encoder)
        for key, value in out.items():
            if key.startswith("first_stage_model."):
                out[key] = value.to(torch.bfloat16)
            elif value.is_floating_point() and not key.startswith(("model.diffusion_model.input_blocks.0.",
                                                                   "model.diffusion_model.time_embed.")):
                out[key] = value.to(torch.float16)
        # What training checkpoints carry besides the weights.
        out["betas"] = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000) ** 2
        out["alphas_cumprod"] = torch.cumprod(1 - out["betas"], 0)
        out["model_ema.decay"] = torch.tensor(0.9999)
        out["model_ema.num_updates"] = torch.tensor(1000, dtype=torch.int32)
        out["model_ema.diffusion_modelinput_blocks00weight"] = out["model.diffusion_model.input_blocks.0.0.weight"].half() + 1
    else:
        out |= open_clip_to_ldm(pipe.text_encoder, 24)
        out = {k: v.to(torch.float16) if v.is_floating_point() else v for k, v in out.items()}
    return {k: v.contiguous() for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------------------------

def config_folder(pipe, name, merges_as_strings):
    """The pipeline's configs and tokenizer, without weights, as diffusers' config= reads them."""
    folder = HERE / f"{name}-config"
    with tempfile.TemporaryDirectory() as scratch:
        pipe.save_pretrained(scratch)
        shutil.copytree(scratch, folder, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    tokenizer = folder / "tokenizer"
    assert sorted(p.name for p in tokenizer.iterdir()) == ["tokenizer.json", "tokenizer_config.json"], list(tokenizer.iterdir())
    document = json.loads((tokenizer / "tokenizer.json").read_text())
    merges = document["model"]["merges"]
    if merges_as_strings:
        document["model"]["merges"] = [" ".join(m) for m in merges]
    else:
        assert isinstance(merges[0], list)
    # Minified: the same JSON in a third of the bytes.
    (tokenizer / "tokenizer.json").write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return folder


def check_tokenizer(folder, model):
    tokenizer = CLIPTokenizer.from_pretrained(folder / "tokenizer")
    fixture = json.loads((MODELS / "tokens.json").read_text())
    ids = [tokenizer(p, padding="max_length", max_length=77, truncation=True).input_ids for p in fixture["prompts"]]
    # The Swift tests compare the tokenizer.json folders against Tests/Fixtures/models/tokens.json.
    assert ids == fixture[model], f"{folder}: tokenizer.json gives other ids than {model}"


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------

def case(name, model, prompt="a photograph of an astronaut riding a horse", negative=None, seed=42, steps=4,
         guidance=7.5, scheduler=None, vae=None):
    return {"name": name, "model": model, "config": f"{model}-config", "vae": vae, "prompt": prompt,
            "negative_prompt": negative, "seed": seed, "steps": steps, "guidance": guidance, "scheduler": scheduler}


CASES = [
    case("sd1.default", "sd1"),
    case("sd1.euler-a", "sd1", negative="blurry", seed=7, scheduler="euler-a"),
    case("sd1.vae-swap", "sd1", seed=3, vae="vae-swap"),
    case("sd2.default", "sd2", steps=5, negative="cartoon!!"),
]


def render(spec, pipes):
    key = (spec["model"], spec["vae"])
    if key not in pipes:
        extra = {"vae": AutoencoderKL.from_pretrained(HERE / spec["vae"])} if spec["vae"] else {}
        pipe = StableDiffusionPipeline.from_single_file(str(HERE / f"{spec['model']}.safetensors"),
                                                        config=str(HERE / spec["config"]), dtype=torch.float32, **extra)
        pipe.set_progress_bar_config(disable=True)
        pipes[key] = pipe
    pipe = pipes[key]
    own = pipe.scheduler
    if spec["scheduler"] == "euler-a":
        pipe.scheduler = EulerAncestralDiscreteScheduler.from_config(own.config)
    image = pipe(spec["prompt"], negative_prompt=spec["negative_prompt"], num_inference_steps=spec["steps"],
                 guidance_scale=spec["guidance"], generator=torch.Generator().manual_seed(spec["seed"]),
                 output_type="np").images[0]
    pipe.scheduler = own
    return torch.from_numpy((image * 255).round().astype(np.uint8).astype(np.float32)).contiguous()


def check_round_trip(pipe, path, config):
    """diffusers reads our LDM file back into exactly the weights it was made from (after rounding)."""
    loaded = StableDiffusionPipeline.from_single_file(str(path), config=str(config), dtype=torch.float32)
    for part in ("unet", "vae", "text_encoder"):
        want, got = getattr(pipe, part).state_dict(), getattr(loaded, part).state_dict()
        for key, value in want.items():
            if key.endswith("position_ids"):
                continue
            assert key in got, f"{path.name}: {part}.{key} missing after from_single_file"
            error = (got[key].float() - value.float()).abs().max().item()
            assert error <= 0.01 * max(1.0, value.abs().max().item()), f"{path.name}: {part}.{key} off by {error}"


def main():
    torch.set_grad_enabled(False)
    for path in list(HERE.iterdir()):
        if path.name != pathlib.Path(__file__).name:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    for name, merges_as_strings in (("sd1", True), ("sd2", False)):
        pipe = pipeline(name)
        folder = config_folder(pipe, name, merges_as_strings)
        check_tokenizer(folder, f"{name}-tiny")
        save_file(single_file(pipe, name), HERE / f"{name}.safetensors")
        check_round_trip(pipe, HERE / f"{name}.safetensors", folder)

    swap = tiny_vae(31).to(torch.float16).to(torch.float32)
    swap.save_pretrained(HERE / "vae-swap", variant=None)
    folder_state = safe_open(HERE / "vae-swap" / "diffusion_pytorch_model.safetensors", "pt")
    save_file({k: folder_state.get_tensor(k).half() for k in folder_state.keys()},
              HERE / "vae-swap" / "diffusion_pytorch_model.safetensors")
    save_file({k: v.half().contiguous() for k, v in vae_to_ldm(swap).items()}, HERE / "vae-swap.safetensors")
    from_file = AutoencoderKL.from_single_file(str(HERE / "vae-swap.safetensors"), config=str(HERE / "vae-swap"))
    for key, value in swap.state_dict().items():
        assert torch.equal(from_file.state_dict()[key], value), f"vae-swap.safetensors: {key} differs"

    bad = HERE / "bad"
    bad.mkdir()
    torch.save({"state_dict": {"x": torch.zeros(2)}}, bad / "model.ckpt")
    whole = (HERE / "sd1.safetensors").read_bytes()
    header = 8 + int.from_bytes(whole[:8], "little")
    (bad / "truncated.safetensors").write_bytes(whole[:header + 4096])
    save_file({"model.layers.0.self_attn.q_proj.weight": torch.zeros(4, 4),
               "model.embed_tokens.weight": torch.zeros(10, 4), "lm_head.weight": torch.zeros(10, 4)},
              bad / "unknown.safetensors")
    wrong = bad / "sd1-config-wrong"
    shutil.copytree(HERE / "sd1-config", wrong, ignore=shutil.ignore_patterns("tokenizer"))
    (wrong / "tokenizer").symlink_to("../../sd1-config/tokenizer")
    unet_config = json.loads((wrong / "unet" / "config.json").read_text())
    unet_config["block_out_channels"] = [16, 16, 16]
    (wrong / "unet" / "config.json").write_text(json.dumps(unet_config, indent=2) + "\n")

    pipes, images = {}, {}
    for spec in CASES:
        images[spec["name"]] = render(spec, pipes)
        print(spec["name"], tuple(images[spec["name"]].shape), float(images[spec["name"]].mean()))
    # The VAE as a lone LDM file gives the same image as the folder.
    spec = dict(CASES[2], name="sd1.vae-swap-file")
    file_pipe = StableDiffusionPipeline.from_single_file(
        str(HERE / "sd1.safetensors"), config=str(HERE / "sd1-config"), dtype=torch.float32,
        vae=AutoencoderKL.from_single_file(str(HERE / "vae-swap.safetensors"), config=str(HERE / "vae-swap")))
    file_pipe.set_progress_bar_config(disable=True)
    assert torch.equal(render(spec, {("sd1", "vae-swap"): file_pipe}), images["sd1.vae-swap"])
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps(CASES, indent=1) + "\n")
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"fixtures: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
