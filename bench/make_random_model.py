"""Writes a Stable Diffusion 1.5 or 2.1 architecture with random weights as a diffusers folder.

Real-size runs of `sweep generate` / `sweep bench` then go through the real loading path without
downloading a model. The configs are the published ones; the tokenizer is CLIP's real vocabulary,
copied from the committed tiny fixture (SD 2.x pads with "!", which the sd2-tiny tokenizer has).

    /opt/torchenv/bin/python bench/make_random_model.py sd1 /tmp/sd15-random
    sweep generate --model /tmp/sd15-random --prompt "a lighthouse" --steps 2 --output /tmp/x.png
"""

import pathlib
import shutil
import sys

import torch
from diffusers import AutoencoderKL, DDIMScheduler, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "models"
SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                 set_alpha_to_one=False, steps_offset=1)


def build(architecture, time_cond_proj_dim=None):
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
    if len(sys.argv) != 3 or sys.argv[1] not in ("sd1", "sd2"):
        sys.exit("usage: make_random_model.py sd1|sd2 OUTPUT_FOLDER")
    torch.manual_seed(0)
    out = pathlib.Path(sys.argv[2])
    build(sys.argv[1]).save_pretrained(out)
    # Real repositories ship vocab.json + merges.txt (no tokenizer.json); use the fixture's files.
    source = FIXTURES / ("sd2-tiny" if sys.argv[1] == "sd2" else "sd1-tiny") / "tokenizer"
    shutil.rmtree(out / "tokenizer")
    shutil.copytree(source, out / "tokenizer")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
