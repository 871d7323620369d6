"""A tiny SDXL pipeline, its single-file (LDM / SGM) conversion, and the images diffusers'
StableDiffusionXLPipeline renders from them.

SDXL differs from SD 1.x/2.x in the text side (two CLIP encoders of different widths whose
penultimate hidden states are concatenated, plus the second one's pooled projection) and in the
UNet's added `text_time` embedding (pooled text + sinusoids of the micro-conditioning
original_size / crop / target_size). The tiny model keeps every one of those visible:

    tokenizer/       -> Tests/Fixtures/models/sd1-tiny/tokenizer (pad <|endoftext|>, like SDXL's)
    tokenizer_2/     -> Tests/Fixtures/models/sd2-tiny/tokenizer (pad "!", like SDXL's)
                        (symlinks: the CLIP vocabulary is not copied)
    text_encoder/    CLIPTextModel, width 8, quick_gelu, 2 layers
    text_encoder_2/  CLIPTextModelWithProjection, width 12, gelu, 3 layers, projection_dim 10,
                     eos_token_id 2 (the value real SDXL configs carry: pooling by argmax of the ids)
    unet/            addition_embed_type text_time (addition_time_embed_dim 8, so
                     projection_class_embeddings_input_dim = 6*8 + 10), transformer_layers_per_block
                     [1, 1, 2], DownBlock2D first as in SDXL, linear projections, heads per block,
                     norm_num_groups 4 (below every channel count, so the time and added embeddings
                     are not cancelled by GroupNorm), cross_attention_dim 8 + 12 = 20
    vae/             AutoencoderKL with SDXL's scaling_factor 0.13025 and force_upcast
    scheduler/       SDXL base's scheduler_config.json (EulerDiscreteScheduler, leading spacing)
All weights are stored as float16; the references are rendered from the saved files reloaded in
float32.

Also writes
    sdxl.safetensors  the same weights in the single-file layout of sd_xl_base_1.0.safetensors:
                      model.diffusion_model.* (label_emb.0.0/0.2 = add_embedding),
                      first_stage_model.*, conditioner.embedders.0.transformer.text_model.* (CLIP)
                      and conditioner.embedders.1.model.* (OpenCLIP: fused attn.in_proj, c_fc/c_proj,
                      ln_final, text_projection stored [width, projection]); it is loaded back by
                      StableDiffusionXLPipeline.from_single_file(..., config=sdxl-tiny) and must give
                      the folder's image
    cases.json        settings of each reference image (prompt_2 / negative_prompt_2 / original_size /
                      crops_coords_top_left / target_size null when diffusers' default is used)
    images.safetensors "<case>": float32 [height, width, 3] holding 0...255 pixel values

Run from the repository root:
    /opt/torchenv/bin/python Tests/Fixtures/sdxl/make_sdxl_fixtures.py
"""
import importlib.util
import json
import os
import pathlib
import shutil
import types

import numpy as np
import torch
from diffusers import (AutoencoderKL, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler,
                       StableDiffusionXLPipeline, UNet2DConditionModel)
from diffusers.utils import logging as diffusers_logging
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer
from transformers.utils import logging as transformers_logging

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
FOLDER = HERE / "sdxl-tiny"
_spec = importlib.util.spec_from_file_location("make_singlefile_fixtures", HERE.parent / "singlefile" / "make_singlefile_fixtures.py")
singlefile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(singlefile)
models = singlefile.models

diffusers_logging.set_verbosity_error()
diffusers_logging.disable_progress_bar()
transformers_logging.set_verbosity_error()


def text_config(hidden, intermediate, layers, act, pad, eos, projection):
    return CLIPTextConfig(vocab_size=49408, hidden_size=hidden, intermediate_size=intermediate, num_hidden_layers=layers,
                          num_attention_heads=2, max_position_embeddings=77, hidden_act=act, bos_token_id=49406,
                          eos_token_id=eos, pad_token_id=pad, projection_dim=projection)


def make_pipeline():
    torch.manual_seed(501)
    text = models.perturb(CLIPTextModel(text_config(8, 13, 2, "quick_gelu", 1, 49407, 8)))
    torch.manual_seed(502)
    text_2 = models.perturb(CLIPTextModelWithProjection(text_config(12, 17, 3, "gelu", 0, 2, 10)))
    torch.manual_seed(503)
    unet = models.perturb(UNet2DConditionModel(
        sample_size=16, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16), layers_per_block=2,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        transformer_layers_per_block=(1, 1, 2), attention_head_dim=(2, 2, 4), cross_attention_dim=20,
        use_linear_projection=True, norm_num_groups=4, addition_embed_type="text_time", addition_time_embed_dim=8,
        projection_class_embeddings_input_dim=6 * 8 + 10))
    torch.manual_seed(504)
    vae = models.perturb(AutoencoderKL(
        block_out_channels=(8, 16), down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
        latent_channels=4, layers_per_block=1, norm_num_groups=4, sample_size=32, scaling_factor=0.13025,
        force_upcast=True))
    # stabilityai/stable-diffusion-xl-base-1.0 scheduler/scheduler_config.json
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       interpolation_type="linear", num_train_timesteps=1000, prediction_type="epsilon",
                                       steps_offset=1, timestep_spacing="leading", use_karras_sigmas=False)
    return StableDiffusionXLPipeline(
        vae=vae, text_encoder=text, text_encoder_2=text_2,
        tokenizer=CLIPTokenizer.from_pretrained(MODELS / "sd1-tiny" / "tokenizer"),
        tokenizer_2=CLIPTokenizer.from_pretrained(MODELS / "sd2-tiny" / "tokenizer"),
        unet=unet, scheduler=scheduler, force_zeros_for_empty_prompt=True, add_watermarker=False)


def save_folder(pipe):
    pipe.to(torch.float16).save_pretrained(FOLDER)
    for name, base in (("tokenizer", "sd1-tiny"), ("tokenizer_2", "sd2-tiny")):
        shutil.rmtree(FOLDER / name)
        (FOLDER / name).symlink_to(os.path.relpath(MODELS / base / "tokenizer", FOLDER))
    reloaded = StableDiffusionXLPipeline.from_pretrained(FOLDER, dtype=torch.float32, add_watermarker=False)
    reloaded.set_progress_bar_config(disable=True)
    for part in ("text_encoder", "text_encoder_2", "unet", "vae"):
        for key, value in getattr(reloaded, part).state_dict().items():
            assert value.dtype == torch.float32, f"{part}.{key}"
    return reloaded


# ---------------------------------------------------------------------------------------------
# diffusers -> SGM (sd_xl_base_1.0.safetensors) names
# ---------------------------------------------------------------------------------------------

def unet_to_ldm(unet):
    state = unet.state_dict()
    plain = {k: v for k, v in state.items() if not k.startswith("add_embedding.")}
    out = singlefile.unet_to_ldm(types.SimpleNamespace(config=unet.config, state_dict=lambda: plain))
    for layer, slot in (("linear_1", 0), ("linear_2", 2)):
        for kind in ("weight", "bias"):
            out[f"label_emb.0.{slot}.{kind}"] = state[f"add_embedding.{layer}.{kind}"]
    return out


def open_clip_bigg_to_ldm(encoder, prefix):
    """CLIPTextModelWithProjection -> OpenCLIP ViT-bigG names as SDXL's conditioner.embedders.1 stores them."""
    state = {k if k.startswith(("text_model.", "text_projection.")) else "text_model." + k: v
             for k, v in encoder.state_dict().items()}
    out = {prefix + "token_embedding.weight": state["text_model.embeddings.token_embedding.weight"],
           prefix + "positional_embedding": state["text_model.embeddings.position_embedding.weight"],
           prefix + "ln_final.weight": state["text_model.final_layer_norm.weight"],
           prefix + "ln_final.bias": state["text_model.final_layer_norm.bias"],
           # OpenCLIP multiplies by the projection (x @ P); nn.Linear stores its transpose.
           prefix + "text_projection": state["text_projection.weight"].T.contiguous(),
           prefix + "logit_scale": torch.tensor(4.6052)}
    inner = {"self_attn.out_proj.": "attn.out_proj.", "layer_norm1.": "ln_1.", "layer_norm2.": "ln_2.",
             "mlp.fc1.": "mlp.c_fc.", "mlp.fc2.": "mlp.c_proj."}
    for layer in range(encoder.config.num_hidden_layers):
        source, target = f"text_model.encoder.layers.{layer}.", f"{prefix}transformer.resblocks.{layer}."
        for kind in ("weight", "bias"):
            out[target + f"attn.in_proj_{kind}"] = torch.cat([state[source + f"self_attn.{p}_proj.{kind}"] for p in "qkv"])
        for old, new in inner.items():
            for kind in ("weight", "bias"):
                out[target + new + kind] = state[source + old + kind]
    return out


def single_file(pipe):
    out = {"model.diffusion_model." + k: v for k, v in unet_to_ldm(pipe.unet).items()}
    out |= {"first_stage_model." + k: v for k, v in singlefile.vae_to_ldm(pipe.vae).items()}
    text = {k if k.startswith("text_model.") else "text_model." + k: v for k, v in pipe.text_encoder.state_dict().items()}
    out |= {"conditioner.embedders.0.transformer." + k: v for k, v in text.items()}
    out |= open_clip_bigg_to_ldm(pipe.text_encoder_2, "conditioner.embedders.1.model.")
    return {k: v.to(torch.float16).contiguous() for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------

def case(name, prompt="a photograph of an astronaut riding a horse", negative=None, prompt_2=None, negative_2=None,
         seed=42, steps=4, guidance=5.0, scheduler=None, width=None, height=None, original_size=None, crop=None,
         target_size=None):
    return {"name": name, "prompt": prompt, "negative_prompt": negative, "prompt_2": prompt_2,
            "negative_prompt_2": negative_2, "seed": seed, "steps": steps, "guidance": guidance, "scheduler": scheduler,
            "width": width, "height": height, "original_size": original_size, "crops_coords_top_left": crop,
            "target_size": target_size}


CASES = [
    # No negative prompt: force_zeros_for_empty_prompt gives zero negative embeddings.
    case("default"),
    case("negative", negative="blurry, low quality", seed=7),
    # An empty (but given) negative prompt is encoded, not zeroed.
    case("empty-negative", negative="", seed=7),
    case("prompt-2", prompt_2="an oil painting in warm colors", seed=3),
    case("negative-2", negative="blurry", negative_2="a dark cartoon", seed=3),
    case("non-square", width=48, height=32, seed=5),
    case("micro-conditioning", original_size=[64, 48], crop=[8, 4], target_size=[40, 24], seed=5),
    case("euler-a", negative="blurry", scheduler="euler-a", seed=11, steps=5),
    case("dpm++2m-karras", scheduler="dpm++2m-karras", seed=12),
    case("unguided", guidance=0.0, steps=2, seed=13),
]
SCHEDULERS = {"euler-a": (EulerAncestralDiscreteScheduler, {}),
              "dpm++2m-karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True})}


def render(spec, pipe):
    own = pipe.scheduler
    if spec["scheduler"]:
        kind, extra = SCHEDULERS[spec["scheduler"]]
        pipe.scheduler = kind.from_config(own.config, **extra)
    sizes = {key: tuple(spec[key]) for key in ("original_size", "crops_coords_top_left", "target_size") if spec[key]}
    image = pipe(spec["prompt"], prompt_2=spec["prompt_2"], negative_prompt=spec["negative_prompt"],
                 negative_prompt_2=spec["negative_prompt_2"], num_inference_steps=spec["steps"],
                 guidance_scale=spec["guidance"], width=spec["width"], height=spec["height"],
                 generator=torch.Generator().manual_seed(spec["seed"]), output_type="np", **sizes).images[0]
    pipe.scheduler = own
    return torch.from_numpy((image * 255).round().astype(np.uint8).astype(np.float32)).contiguous()


def main():
    torch.set_grad_enabled(False)
    for path in list(HERE.iterdir()):
        if path.name != pathlib.Path(__file__).name:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    pipe = save_folder(make_pipeline())
    images = {}
    for spec in CASES:
        images[spec["name"]] = render(spec, pipe)
        print(spec["name"], tuple(images[spec["name"]].shape), float(images[spec["name"]].mean()))
    # Every case differs from the default one: each setting reaches the image.
    for name, image in images.items():
        assert name == "default" or not torch.equal(image, images["default"][:image.shape[0], :image.shape[1]]), name

    save_file(single_file(pipe), HERE / "sdxl.safetensors")
    from_file = StableDiffusionXLPipeline.from_single_file(str(HERE / "sdxl.safetensors"), config=str(FOLDER),
                                                           dtype=torch.float32, add_watermarker=False)
    from_file.set_progress_bar_config(disable=True)
    for part in ("text_encoder", "text_encoder_2", "unet", "vae"):
        want, got = getattr(pipe, part).state_dict(), getattr(from_file, part).state_dict()
        for key, value in want.items():
            if not key.endswith("position_ids"):
                assert torch.equal(got[key].float(), value.float()), f"sdxl.safetensors: {part}.{key} differs"
    spec = dict(CASES[1], name="single-file")
    images["single-file"] = render(spec, from_file)
    assert torch.equal(images["single-file"], images["negative"]), "the single file renders another image than the folder"
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps(CASES + [spec], indent=1) + "\n")
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"fixtures: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
