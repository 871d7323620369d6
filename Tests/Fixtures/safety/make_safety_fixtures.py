"""Tiny random StableDiffusionSafetyChecker + CLIP image processor references for SafetyCheckerTests.

Run with /opt/torchenv/bin/python (diffusers 0.42.1, transformers 5.23.0, Pillow 13). Writes
tiny-checker/ (config.json, model.safetensors, feature_extractor/preprocessor_config.json) and
safety.json: for each image (random noise of several sizes, solid colours) its RGB bytes (base64),
the preprocessed pixel values of transformers' PIL-backed CLIP image processor
(CLIPImageProcessorPil, the algorithm of CLIPImageProcessor in transformers 4), the cosine
scores computed as StableDiffusionSafetyChecker.forward does, and its nsfw flag.
"""
import base64, json, os
import numpy as np, torch, PIL.Image
from transformers import CLIPConfig, CLIPImageProcessor
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil
from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker, cosine_distance

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "tiny-checker")
torch.manual_seed(0)
config = CLIPConfig(
    text_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2),
    vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                       patch_size=8, image_size=32, hidden_act="quick_gelu", layer_norm_eps=1e-5),
    projection_dim=16)
checker = StableDiffusionSafetyChecker(config).eval()
with torch.no_grad():
    for p in checker.parameters():
        p.normal_(0, 0.2) if p.dim() > 1 else p.uniform_(-0.5, 0.5)
    for name, m in checker.named_modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.weight.uniform_(0.5, 1.5); m.bias.uniform_(-0.2, 0.2)
    [p.normal_(0, 1) for n, p in checker.named_parameters() if n.endswith("class_embedding")]

rng = np.random.default_rng(7)
images = [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), rng.integers(0, 256, (200, 300, 3), dtype=np.uint8),
          rng.integers(0, 256, (64, 48, 3), dtype=np.uint8), rng.integers(0, 256, (32, 32, 3), dtype=np.uint8),
          np.full((40, 56, 3), (250, 30, 20), dtype=np.uint8), np.full((50, 50, 3), (10, 200, 240), dtype=np.uint8),
          rng.integers(0, 256, (45, 70, 3), dtype=np.uint8), np.full((33, 35, 3), (128, 128, 128), dtype=np.uint8)]
processor_kwargs = dict(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
pil_processor = CLIPImageProcessorPil(**processor_kwargs)
pixels = pil_processor([PIL.Image.fromarray(i) for i in images], return_tensors="pt").pixel_values

with torch.no_grad():
    embeds = checker.visual_projection(checker.vision_model(pixels)[1])
    # Concept embeddings near some images' embeddings (and thresholds between) so that some are flagged.
    concept = torch.randn(17, 16); concept[0] = embeds[0] + 0.3 * torch.randn(16); concept[1] = embeds[4]
    special = torch.randn(3, 16); special[0] = embeds[5] + 0.5 * torch.randn(16)
    checker.concept_embeds.copy_(concept); checker.special_care_embeds.copy_(special)
    cos = cosine_distance(embeds, checker.concept_embeds)
    special_cos = cosine_distance(embeds, checker.special_care_embeds)
    # Thresholds above every image's cosine except: concept 0 flags the images nearest image 0;
    # concept 1 sits 0.0004 below image 4's cosine, which diffusers' rounding to 3 decimals leaves
    # unflagged unless a special-care concept adds its 0.01; special concept 0 fires for image 5.
    concept_thresholds = cos.max(0).values + 0.05
    concept_thresholds[0] = cos[0, 0] - 0.002
    concept_thresholds[1] = cos[4, 1] - 0.0004
    special_thresholds = special_cos.max(0).values + 0.05
    special_thresholds[0] = special_cos[5, 0] - 0.003
    checker.concept_embeds_weights.copy_(concept_thresholds)
    checker.special_care_embeds_weights.copy_(special_thresholds)
    _, flags = checker(pixels, [np.zeros(1) for _ in images])

checker.save_pretrained(out, safe_serialization=True)
pil_processor.save_pretrained(os.path.join(out, "feature_extractor"))
with open(os.path.join(out, "feature_extractor", "preprocessor_config.json")) as f: pc = json.load(f)
pc["image_processor_type"] = "CLIPImageProcessor"
with open(os.path.join(out, "feature_extractor", "preprocessor_config.json"), "w") as f: json.dump(pc, f, indent=2, sort_keys=True)

# transformers 5's CLIPImageProcessor resizes with torchvision (float bicubic, one rounding): off by one level at some pixels.
tv = CLIPImageProcessor(**processor_kwargs)([PIL.Image.fromarray(i) for i in images], return_tensors="pt").pixel_values
print("max |PIL - torchvision| preprocessing:", (tv - pixels).abs().max().item())
with torch.no_grad():
    tv_embeds = checker.visual_projection(checker.vision_model(tv)[1])
    print("max |score difference| from torchvision preprocessing:",
          (cosine_distance(tv_embeds, checker.concept_embeds) - cos).abs().max().item())

reference = dict(
    concept_thresholds=checker.concept_embeds_weights.tolist(),
    special_thresholds=checker.special_care_embeds_weights.tolist(),
    images=[dict(width=i.shape[1], height=i.shape[0], rgb=base64.b64encode(i.tobytes()).decode(),
                 pixel_values=[float(str(v)) for v in pixels[k].flatten().numpy()],
                 concept_cos=cos[k].tolist(), special_cos=special_cos[k].tolist(), nsfw=bool(flags[k]))
            for k, i in enumerate(images)])
with open(os.path.join(here, "safety.json"), "w") as f: json.dump(reference, f)
print("nsfw flags:", flags)
print("max concept score per image:", (cos - checker.concept_embeds_weights).max(1).values.tolist())
print("max special score per image:", (special_cos - checker.special_care_embeds_weights).max(1).values.tolist())
