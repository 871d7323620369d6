"""Writes a Stable Diffusion 1.5, 2.1 or SDXL base 1.0 architecture with random weights as a diffusers folder.

Real-size runs of `sweep generate` / `sweep bench` then go through the real loading path without
downloading a model. The configs are the published ones; the tokenizer is CLIP's real vocabulary,
copied from the committed tiny fixture (SD 2.x pads with "!", which the sd2-tiny tokenizer has).

    /opt/torchenv/bin/python bench/make_random_model.py sd1 /tmp/sd15-random
    /opt/torchenv/bin/python bench/make_random_model.py sdxl /tmp/sdxl-random      # 14 GB of float32
    sweep generate --model /tmp/sd15-random --prompt "a lighthouse" --steps 2 --output /tmp/x.png
"""

import pathlib
import shutil
import sys

import torch
from diffusers import (AutoencoderKL, DDIMScheduler, EulerDiscreteScheduler, PNDMScheduler, StableDiffusionPipeline,
                       StableDiffusionXLPipeline, UNet2DConditionModel)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "models"
SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                 set_alpha_to_one=False, steps_offset=1)


def build_sdxl():
    """stabilityai/stable-diffusion-xl-base-1.0's configs (as PublishedArchitecture.sdxl), random weights."""
    text = CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                          max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768, eos_token_id=2)
    text_2 = CLIPTextConfig(vocab_size=49408, hidden_size=1280, intermediate_size=5120, num_hidden_layers=32,
                            num_attention_heads=20, max_position_embeddings=77, hidden_act="gelu", projection_dim=1280,
                            eos_token_id=2, pad_token_id=0)
    unet = UNet2DConditionModel(sample_size=128, block_out_channels=(320, 640, 1280),
                                down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                                transformer_layers_per_block=(1, 2, 10), attention_head_dim=(5, 10, 20), cross_attention_dim=2048,
                                use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=256,
                                projection_class_embeddings_input_dim=2816)
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        sample_size=1024, scaling_factor=0.13025, force_upcast=True)
    euler = {key: value for key, value in SCHEDULER.items() if key != "set_alpha_to_one"}
    scheduler = EulerDiscreteScheduler(interpolation_type="linear", timestep_spacing="leading", **euler)
    return StableDiffusionXLPipeline(
        vae=vae, text_encoder=CLIPTextModel(text), text_encoder_2=CLIPTextModelWithProjection(text_2),
        tokenizer=CLIPTokenizer.from_pretrained(FIXTURES / "sd1-tiny" / "tokenizer"),
        tokenizer_2=CLIPTokenizer.from_pretrained(FIXTURES / "sd2-tiny" / "tokenizer"),
        unet=unet, scheduler=scheduler, force_zeros_for_empty_prompt=True, add_watermarker=False)


def build(architecture, time_cond_proj_dim=None):
    if architecture == "sdxl":
        return build_sdxl()
    sd2 = architecture == "sd2"
    text = CLIPTextConfig(vocab_size=49408, hidden_size=1024 if sd2 else 768, intermediate_size=4096 if sd2 else 3072,
                          num_hidden_layers=23 if sd2 else 12, num_attention_heads=16 if sd2 else 12,
                          max_position_embeddings=77, hidden_act="gelu" if sd2 else "quick_gelu", projection_dim=512)
    unet = UNet2DConditionModel(sample_size=96 if sd2 else 64, cross_attention_dim=1024 if sd2 else 768,
                                attention_head_dim=[5, 10, 20, 20] if sd2 else 8, use_linear_projection=sd2,
                                time_cond_proj_dim=time_cond_proj_dim)
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        sample_size=768 if sd2 else 512)
    scheduler = (DDIMScheduler(prediction_type="v_prediction", clip_sample=False, **SCHEDULER) if sd2
                 else PNDMScheduler(skip_prk_steps=True, **SCHEDULER))
    tokenizer = CLIPTokenizer.from_pretrained(FIXTURES / ("sd2-tiny" if sd2 else "sd1-tiny") / "tokenizer")
    return StableDiffusionPipeline(vae=vae, text_encoder=CLIPTextModel(text), tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("sd1", "sd2", "sdxl"):
        sys.exit("usage: make_random_model.py sd1|sd2|sdxl OUTPUT_FOLDER")
    torch.manual_seed(0)
    out = pathlib.Path(sys.argv[2])
    build(sys.argv[1]).save_pretrained(out)
    # Real repositories ship vocab.json + merges.txt (no tokenizer.json); use the fixture's files
    # (SDXL's tokenizer pads as SD 1.x's, its tokenizer_2 as SD 2.x's).
    tokenizers = {"tokenizer": "sd2-tiny" if sys.argv[1] == "sd2" else "sd1-tiny"}
    if sys.argv[1] == "sdxl":
        tokenizers["tokenizer_2"] = "sd2-tiny"
    for folder, base in tokenizers.items():
        shutil.rmtree(out / folder)
        shutil.copytree(FIXTURES / base / "tokenizer", out / folder)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
