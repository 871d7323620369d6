"""Makes two tiny random Stable Diffusion pipelines and PyTorch's reference outputs for them.

The Swift tests load these folders exactly as they would load a real diffusers model folder
(model_index.json, tokenizer/, text_encoder/, unet/, vae/, scheduler/) and compare the tokenizer,
text encoder, UNet and VAE against what transformers/diffusers compute here. Every weight is
perturbed away from its initial value, so a loader that drops a norm weight or a bias fails.

Writes, beside this script (everything is deleted and rewritten on each run):
    sd1-tiny/                       SD 1.x-like: quick_gelu CLIP, conv-projection UNet, PNDM,
                                    float32 weights (*.safetensors)
    sd2-tiny/                       SD 2.x-like: gelu CLIP, linear-projection UNet with per-block
                                    head counts and upcast_attention, DDIM v-prediction,
                                    float16 weights (*.fp16.safetensors)
    options-tiny/                   a UNet (bfloat16 variant) and a VAE only, with the options SD
                                    leaves at defaults: per-block layer and transformer depths, no
                                    mid block, downsample_padding 0, time_embedding_dim, centred
                                    input, no VAE mid attention or quant convs, 3 latent channels
    sd1-tiny-reference.safetensors  float32 inputs and outputs of each component of sd1-tiny
    sd2-tiny-reference.safetensors  the same for sd2-tiny, computed from the fp16 weights
                                    reloaded in float32
    tokens.json                     token ids from each pipeline's (reloaded) tokenizer for a set
                                    of awkward prompts

The tokenizer folders hold vocab.json, merges.txt, special_tokens_map.json and
tokenizer_config.json, the layout of the real SD 1.5 / 2.1 repositories (which have no
tokenizer.json); the vocabulary and merges are CLIP's, rebuilt from open_clip's BPE file.
sd1-tiny's weights are rewritten into the layout of older Hugging Face repositories (text encoder
under "text_model." with int64 position_ids, VAE attention named query/key/value/proj_attn);
sd2-tiny keeps what transformers 5 / diffusers 0.42 write, so loaders are tested on both. Note that transformers treats the pad token as a
special token inside prompts too, so sd2-tiny (pad "!") tokenizes "!!!" as three pad ids (0).

Run from the repository root with a Python environment kept outside the repository:
    python -m venv /opt/torchenv && /opt/torchenv/bin/pip install torch diffusers transformers safetensors open-clip-torch
    /opt/torchenv/bin/python Tests/Fixtures/models/make_model_fixtures.py

Everything is float32 on the CPU with fixed seeds; running it twice gives identical files.
"""
import gzip
import hashlib
import importlib.util
import json
import pathlib
import shutil
import tempfile

import torch
from diffusers import AutoencoderKL, DDIMScheduler, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from diffusers.utils import logging as diffusers_logging
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
from transformers.utils import logging as transformers_logging

HERE = pathlib.Path(__file__).resolve().parent
MAX_LENGTH = 77
# transformers 5 saves a tokenizer as tokenizer.json (+ tokenizer_config.json). Real SD
# repositories ship vocab.json + merges.txt instead, and tokenizer.json costs ~3.5 MB per folder,
# so it is removed after saving; set this to True to keep it as well.
KEEP_TOKENIZER_JSON = False
# Real Hugging Face SD repos are older than today's save_pretrained: transformers 4 wrote the
# text encoder under "text_model." with an int64 "text_model.embeddings.position_ids", and old
# diffusers named the VAE's mid-block attention query/key/value/proj_attn. sd1-tiny is rewritten
# into that legacy layout (diffusers and transformers still load it); sd2-tiny keeps the layout
# transformers 5 / diffusers 0.42 write, so the Swift loader is tested on both.
LEGACY_LAYOUT = {"sd1-tiny": True, "sd2-tiny": False}
VAE_LEGACY_NAMES = {".to_q.": ".query.", ".to_k.": ".key.", ".to_v.": ".value.", ".to_out.0.": ".proj_attn."}
# Every parameter gets this much Gaussian noise added after construction.
PERTURBATION = 0.05

diffusers_logging.set_verbosity_error()
diffusers_logging.disable_progress_bar()
transformers_logging.set_verbosity_error()
transformers_logging.disable_progress_bar()


# ---------------------------------------------------------------------------------------------
# 1. CLIP's byte-level BPE vocabulary, rebuilt the way CLIP's own tokenizer builds it.
# ---------------------------------------------------------------------------------------------

def bytes_to_unicode():
    """CLIP's (and GPT-2's) map from each byte to a printable unicode character."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    byte_values, code_points = printable[:], printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            byte_values.append(byte)
            code_points.append(256 + extra)
            extra += 1
    return dict(zip(byte_values, (chr(c) for c in code_points)))


def clip_vocabulary():
    """Returns (vocab: token -> id, merges: list of pairs) exactly as CLIP's SimpleTokenizer."""
    package = importlib.util.find_spec("open_clip").submodule_search_locations[0]  # no import: needs torchvision
    with gzip.open(pathlib.Path(package) / "bpe_simple_vocab_16e6.txt.gz") as f:
        lines = f.read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
    assert len(merges) == 48894 and all(len(pair) == 2 for pair in merges)

    byte_chars = list(bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(pair) for pair in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {token: i for i, token in enumerate(tokens)}
    assert len(vocab) == len(tokens) == 49408, "duplicate tokens in the rebuilt vocabulary"
    return vocab, merges


def make_tokenizer(vocab, merges, pad_token):
    """transformers 5's CLIPTokenizer (tokenizers-backed) over CLIP's vocabulary."""
    return CLIPTokenizer(vocab=dict(vocab), merges=list(merges), pad_token=pad_token,
                         model_max_length=MAX_LENGTH)


def write_tokenizer_files(folder, vocab, merges, pad_token):
    """Gives a saved tokenizer folder the files real SD repositories have.

    save_pretrained writes tokenizer.json + tokenizer_config.json; add vocab.json, merges.txt and
    special_tokens_map.json, and check tokenizer_config.json records the special tokens.
    """
    folder = pathlib.Path(folder)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges),
                                       encoding="utf-8")
    special = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
               "pad_token": pad_token, "unk_token": "<|endoftext|>"}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2, sort_keys=True) + "\n")

    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config.update(special, model_max_length=MAX_LENGTH, tokenizer_class="CLIPTokenizer")
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    if not KEEP_TOKENIZER_JSON:
        (folder / "tokenizer.json").unlink()


def tokenize(tokenizer, prompts):
    """Token ids as StableDiffusionPipeline.encode_prompt computes them."""
    return tokenizer(prompts, padding="max_length", max_length=MAX_LENGTH, truncation=True,
                     return_tensors="pt").input_ids


# ---------------------------------------------------------------------------------------------
# 2. Tiny random pipelines.
# ---------------------------------------------------------------------------------------------

def perturb(model):
    """Moves every parameter off its initial value (norm weights ~1±0.05, biases != 0)."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(PERTURBATION * torch.randn_like(p))
    return model.eval()


# The sizes are parameters so Tests/Fixtures/singlefile builds its narrower models with these too.
def text_encoder(seed, hidden_act, layers, pad_token_id, hidden=32, intermediate=37, heads=4):
    torch.manual_seed(seed)
    config = CLIPTextConfig(vocab_size=49408, hidden_size=hidden, intermediate_size=intermediate, num_hidden_layers=layers,
                            num_attention_heads=heads, max_position_embeddings=MAX_LENGTH, hidden_act=hidden_act,
                            bos_token_id=49406, eos_token_id=49407, pad_token_id=pad_token_id, projection_dim=hidden)
    return perturb(CLIPTextModel(config))


def unet(seed, channels=(32, 64, 64), context=32, groups=32, sample_size=16, **variant):
    torch.manual_seed(seed)
    return perturb(UNet2DConditionModel(
        sample_size=sample_size, in_channels=4, out_channels=4, block_out_channels=channels, layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=context, norm_num_groups=groups, **variant))


def vae(seed, channels=(32, 64), groups=32, sample_size=32):
    torch.manual_seed(seed)
    return perturb(AutoencoderKL(
        block_out_channels=channels, down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, latent_channels=4, layers_per_block=1,
        norm_num_groups=groups, sample_size=sample_size))


def make_options():
    """A UNet and a VAE (no pipeline) with the config options SD 1.5/2.1 leave at their defaults."""
    torch.manual_seed(301)
    unet_model = perturb(UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(32, 32), layers_per_block=[1, 2],
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"), mid_block_type=None,
        transformer_layers_per_block=[2, 1], cross_attention_dim=[32, 32], attention_head_dim=[2, 4],
        downsample_padding=0, time_embedding_dim=96, center_input_sample=True, freq_shift=1,
        flip_sin_to_cos=False, norm_num_groups=16, norm_eps=1e-6, use_linear_projection=True))
    torch.manual_seed(302)
    vae_model = perturb(AutoencoderKL(
        block_out_channels=(16, 32), down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, latent_channels=3, layers_per_block=2, norm_num_groups=8,
        sample_size=16, mid_block_add_attention=False, use_quant_conv=False, use_post_quant_conv=False,
        scaling_factor=0.13025))
    return unet_model, vae_model


def save_options(name):
    """Saves make_options() to HERE/name/{unet,vae}, the UNet as a bfloat16 variant, and returns
    (unet, vae) reloaded from there in float32."""
    unet_model, vae_model = make_options()
    unet_model.to(torch.bfloat16).save_pretrained(HERE / name / "unet", variant="bf16")
    vae_model.save_pretrained(HERE / name / "vae")
    return (UNet2DConditionModel.from_pretrained(HERE / name / "unet", variant="bf16", dtype=torch.float32),
            AutoencoderKL.from_pretrained(HERE / name / "vae"))


def pipeline(tokenizer, text, unet_model, vae_model, scheduler):
    return StableDiffusionPipeline(vae=vae_model, text_encoder=text, tokenizer=tokenizer, unet=unet_model,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)


def make_sd1(vocab, merges):
    tokenizer = make_tokenizer(vocab, merges, pad_token="<|endoftext|>")
    text = text_encoder(101, hidden_act="quick_gelu", layers=3, pad_token_id=1)
    unet_model = unet(102, attention_head_dim=8, use_linear_projection=False)
    vae_model = vae(103)
    # SD 1.5's scheduler_config.json.
    scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              num_train_timesteps=1000, skip_prk_steps=True, set_alpha_to_one=False,
                              steps_offset=1, prediction_type="epsilon")
    return tokenizer, pipeline(tokenizer, text, unet_model, vae_model, scheduler)


def make_sd2(vocab, merges):
    tokenizer = make_tokenizer(vocab, merges, pad_token="!")
    text = text_encoder(201, hidden_act="gelu", layers=2, pad_token_id=0)
    # diffusers reads attention_head_dim as the number of heads per block (its old naming).
    unet_model = unet(202, attention_head_dim=[2, 4, 4], use_linear_projection=True, upcast_attention=True)
    vae_model = vae(203)
    # SD 2.1's scheduler_config.json.
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1,
                              prediction_type="v_prediction", timestep_spacing="leading")
    return tokenizer, pipeline(tokenizer, text, unet_model, vae_model, scheduler)


def rewrite_weights(folder, rename, extra=None):
    """Rewrites every safetensors file in folder with keys renamed by rename(key) (+ extra tensors)."""
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(path, "pt") as f:
            metadata = f.metadata()
            tensors = {rename(key): f.get_tensor(key) for key in f.keys()}
        tensors.update(extra or {})
        save_file(tensors, path, metadata=metadata)


def write_legacy_layout(folder, max_positions):
    """Turns a freshly saved pipeline folder into the layout of older Hugging Face SD repos."""
    def text_name(key):
        return key if key.startswith("text_model.") else f"text_model.{key}"

    position_ids = {"text_model.embeddings.position_ids": torch.arange(max_positions, dtype=torch.int64)[None]}
    rewrite_weights(folder / "text_encoder", text_name, position_ids)

    def vae_name(key):
        for modern, legacy in VAE_LEGACY_NAMES.items():
            key = key.replace(modern, legacy)
        return key

    rewrite_weights(folder / "vae", vae_name)


def save_and_reload(name, tokenizer, pipe, vocab, merges, fp16):
    """Saves the pipeline to HERE/name and loads it back in float32 (the fixtures' ground truth)."""
    folder = HERE / name
    variant = "fp16" if fp16 else None
    if fp16:
        pipe = pipe.to(torch.float16)
    pipe.save_pretrained(folder, variant=variant)
    write_tokenizer_files(folder / "tokenizer", vocab, merges, tokenizer.pad_token)
    if LEGACY_LAYOUT[name]:
        write_legacy_layout(folder, pipe.text_encoder.config.max_position_embeddings)

    # (diffusers 0.42 calls torch_dtype "dtype".)
    reloaded = StableDiffusionPipeline.from_pretrained(folder, variant=variant, dtype=torch.float32)
    # The reloaded weights are the saved ones (rounded to float16 for sd2), none missing.
    for component in ("text_encoder", "unet", "vae"):
        saved = getattr(pipe, component).state_dict()
        loaded = getattr(reloaded, component).state_dict()
        assert saved.keys() == loaded.keys(), f"{name}/{component}: keys differ after reload"
        for key, tensor in saved.items():
            assert loaded[key].dtype == torch.float32 or not tensor.is_floating_point(), key
            assert torch.equal(loaded[key], tensor.to(loaded[key].dtype)), f"{name}/{component}: {key} differs"
    return reloaded


# ---------------------------------------------------------------------------------------------
# 3. Reference outputs.
# ---------------------------------------------------------------------------------------------

class References(dict):
    """Reference tensors by name, checked finite and stored contiguous float32."""

    def record(self, key, tensor):
        tensor = tensor.detach().to(torch.float32).contiguous()
        assert torch.isfinite(tensor).all(), key
        self[key] = tensor


def text_references(refs, tokenizer, text_encoder):
    """Text encoder, for a prompt and the empty (unconditional) prompt."""
    ids = tokenize(tokenizer, ["a photograph of an astronaut riding a horse", ""])
    refs.record("text.input_ids", ids)
    encoded = text_encoder(ids, output_hidden_states=True)
    assert len(encoded.hidden_states) == text_encoder.config.num_hidden_layers + 1
    for k, hidden in enumerate(encoded.hidden_states):
        refs.record(f"text.hidden_states.{k}", hidden)
    refs.record("text.last_hidden_state", encoded.last_hidden_state)


# A square batch of two, a non-square map, and one whose sides are not multiples of 4 (diffusers
# then passes upsample_size to the upsamplers).
UNET_CASES = [("square", (2, 4, 16, 16), 999.0, 11), ("wide", (1, 4, 16, 24), 1.0, 12),
              ("odd", (1, 4, 10, 14), 421.5, 13)]


def unet_references(refs, unet_model, cases=UNET_CASES):
    for case, shape, t, seed in cases:
        generator = torch.Generator().manual_seed(seed)
        sample = torch.randn(shape, generator=generator)
        context = torch.randn((shape[0], MAX_LENGTH, 32), generator=generator)
        timestep = torch.tensor(t, dtype=torch.float32)  # 0-d; the UNet broadcasts it to the batch
        refs.record(f"unet.{case}.sample", sample)
        refs.record(f"unet.{case}.timestep", timestep.reshape(1))
        refs.record(f"unet.{case}.context", context)
        refs.record(f"unet.{case}.output", unet_model(sample, timestep, encoder_hidden_states=context).sample)


def vae_references(refs, vae_model):
    """Without the scaling factor: decode latents, encode an image in [-1, 1]."""
    generator = torch.Generator().manual_seed(21)
    latents = torch.randn((1, vae_model.config.latent_channels, 8, 12), generator=generator)
    refs.record("vae.decode.latents", latents)
    refs.record("vae.decode.output", vae_model.decode(latents).sample)
    image = torch.rand((1, 3, 16, 24), generator=generator) * 2 - 1
    refs.record("vae.encode.image", image)
    posterior = vae_model.encode(image).latent_dist
    refs.record("vae.encode.mean", posterior.mean)
    refs.record("vae.encode.logvar", posterior.logvar)


def reference_outputs(pipe):
    refs = References()
    text_references(refs, pipe.tokenizer, pipe.text_encoder)
    unet_references(refs, pipe.unet)
    vae_references(refs, pipe.vae)
    return refs


def options_references(unet_model, vae_model):
    refs = References()
    unet_references(refs, unet_model, [case for case in UNET_CASES if case[0] != "square"])
    vae_references(refs, vae_model)
    return refs


# ---------------------------------------------------------------------------------------------
# 4. Tokenizer fixture.
# ---------------------------------------------------------------------------------------------

LONG_1 = ("a breathtaking matte painting of an ancient city carved into the side of a towering "
          "mountain at dawn, golden light spilling over terraced gardens, waterfalls cascading "
          "between stone bridges, flocks of birds circling the spires, tiny figures walking along "
          "winding stairways, lanterns glowing in the windows, mist rolling through the valley "
          "below, snow capped peaks in the distance, intricate architecture inspired by both "
          "gothic cathedrals and himalayan monasteries, highly detailed, volumetric lighting, "
          "trending on artstation, concept art by a famous illustrator, ultra wide angle, 8k "
          "resolution, sharp focus, vivid colors, dramatic clouds, cinematic composition")
LONG_2 = ("portrait of an elderly fisherman with a weathered face, deep wrinkles, a thick grey "
          "beard, wearing a knitted wool sweater and a yellow raincoat, standing on a wooden pier "
          "in the rain, stormy sea behind him, seagulls overhead, shot on kodak portra 400, "
          "shallow depth of field, 85mm lens, soft natural light, film grain, award winning "
          "photograph, national geographic, emotional, melancholic mood, muted color palette, "
          "rule of thirds, highly detailed skin texture, reflections in the puddles, fishing "
          "nets and ropes piled on the dock, a small red boat moored nearby, lighthouse on the "
          "horizon, late afternoon, overcast sky")
# Punctuation- and symbol-heavy, so its tokens run out long before its words do.
LONG_3 = " ".join(f"(word{i}:1.{i % 10})," for i in range(60))
# Exactly 75 and 76 content tokens: fits 77 with <|startoftext|>/<|endoftext|>, and one too many.
EXACT_75 = " ".join(["a"] * 75)
EXACT_76 = " ".join(["a"] * 76)

PROMPTS = [
    "a photograph of an astronaut riding a horse",
    "A Photograph Of An Astronaut Riding A Horse",
    "A PHOTOGRAPH OF AN ASTRONAUT RIDING A HORSE",
    "",
    " ",
    "the quick brown fox jumps over the lazy dog",
    "wow!!! really... what?! no?? yes;;; ok:::",
    "a well-known self-portrait, black/white, either/or, 50/50",
    "she said \"hello\" and 'goodbye' and `code`",
    "the 1920s, 3.14, 8k, 4K UHD, 1080p, 2.5D, 100%, $20, #1, 12345678",
    "it's don't we'll I'm they're she'd I've",
    "IT'S DON'T WE'LL I'M THEY'RE SHE'D I'VE",
    "it’s a curly apostrophe’s case",
    "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
    "cafe\u0301 cre\u0300me bru\u0302le\u0301e",
    "na\u00efve r\u00e9sum\u00e9 fa\u00e7ade \u00c9COLE",
    "\u5bcc\u58eb\u5c71\u3068\u685c\u3001\u65e5\u672c\u306e\u98a8\u666f",  # Japanese
    "\u4e00\u53ea\u53ef\u7231\u7684\u732b\u5728\u82b1\u56ed\u91cc",  # Chinese
    "\uc11c\uc6b8\uc758 \ubc24 \ud48d\uacbd",  # Korean
    "a cat \U0001F431 with a rocket \U0001F680 and fire \U0001F525\U0001F525",
    "family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 thumbs \U0001F44D\U0001F3FD wave \U0001F44B\U0001F3FF",
    "flags \U0001F1EF\U0001F1F5 \U0001F1FA\U0001F1F8 \U0001F1E9\U0001F1EA rainbow \U0001F3F3\uFE0F\u200D\U0001F308",
    "\ufb01ne \ufb02ower o\ufb03ce",  # ligatures fi, fl, ffi
    "many    spaces\tand\ttabs\nand\nnewlines\r\nand  \n\t mixed",
    "   leading and trailing spaces   ",
    "(masterpiece:1.2), [blurry], <lora:foo:0.8>, {a|b}, ((best quality)), [[low]]",
    "a <|endoftext|> in the middle and <|startoftext|> too",
    "<|startoftext|><|endoftext|>",
    "\u03a3\u039f\u03a6\u0399\u0391 \u03c3\u03bf\u03c6\u03af\u03b1 \u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3",  # Greek
    "\u041c\u041e\u0421\u041a\u0412\u0410 \u043c\u043e\u0441\u043a\u0432\u0430",  # Cyrillic
    "\u0130stanbul and \u0131stanbul",  # Turkish dotted/dotless I
    "STRASSE stra\u00dfe \u00df \u1e9e",  # German sharp s, capital sharp s
    "non\u00a0breaking\u00a0space and ideographic\u3000space",
    "bell\u0007 and escape\u001b and null\u0000 and delete\u007f",
    "\u200d",  # zero-width joiner alone
    "zero\u200bwidth\u200cspaces\u2060here",
    "\u0301\u0308 combining marks without a base",
    "\u0642\u0637\u0629 \u062c\u0645\u064a\u0644\u0629 \u0641\u064a \u0627\u0644\u062d\u062f\u064a\u0642\u0629",  # Arabic
    "\u05d7\u05ea\u05d5\u05dc \u05d9\u05e4\u05d4 \u05d1\u05d2\u05e0\u05d4",  # Hebrew
    "\u2211 \u2264 \u221a \u221e \u00b1 \u00d7 \u00f7 \u2248 \u2260 \u03c0 x\u00b2 H\u2082O",
    "see https://example.com/path?q=a+b&x=1#frag and www.test.org",
    "email me@example.com or @user #hashtag",
    "\u2014em dash\u2013en dash\u2026ellipsis \u00abguillemets\u00bb \u201cquotes\u201d",
    "\uff26\uff35\uff2c\uff2c\uff37\uff29\uff24\uff34\uff28 \uff11\uff12\uff13",  # fullwidth
    "\u2160\u2161\u2162 \u2460\u2461\u2462 \u00bd \u00be",  # numeric letters / symbols
    "snake_case camelCase kebab-case SCREAMING_CASE",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    LONG_1,
    LONG_2,
    LONG_3,
    EXACT_75,
    EXACT_76,
]


def token_fixture(tokenizers):
    """{"prompts": [...], "<pipeline>": [[77 ids] per prompt], ...} from the reloaded tokenizers."""
    fixture = {"prompts": PROMPTS}
    for name, tokenizer in tokenizers.items():
        ids = tokenize(tokenizer, PROMPTS)
        assert ids.shape == (len(PROMPTS), MAX_LENGTH)
        fixture[name] = ids.tolist()
    return fixture


def write_token_fixture(path, fixture):
    """Pure-ASCII JSON (non-ASCII prompts as \\u escapes), one prompt or id row per line."""
    def block(rows):
        return "[\n" + ",\n".join("  " + json.dumps(row, ensure_ascii=True) for row in rows) + "\n]"
    text = "{\n" + ",\n".join(f"{json.dumps(key)}: {block(rows)}" for key, rows in fixture.items()) + "\n}\n"
    assert json.loads(text) == fixture
    path.write_text(text, encoding="ascii")


# ---------------------------------------------------------------------------------------------

def clean():
    for name in ("sd1-tiny", "sd2-tiny", "options-tiny"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    for name in ("sd1-tiny-reference.safetensors", "sd2-tiny-reference.safetensors",
                 "options-tiny-reference.safetensors", "tokens.json"):
        (HERE / name).unlink(missing_ok=True)


def check_tokenizer_round_trip(in_memory, reloaded, name):
    """The tokenizer loaded from the saved folder must agree with the one built in memory."""
    assert reloaded.pad_token == in_memory.pad_token and reloaded.model_max_length == MAX_LENGTH, name
    assert torch.equal(tokenize(in_memory, PROMPTS), tokenize(reloaded, PROMPTS)), f"{name}: tokenizer round trip"
    # A second path to the same files: only vocab.json + merges.txt, as for real SD repositories.
    with tempfile.TemporaryDirectory() as scratch:
        for file in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"):
            shutil.copy(HERE / name / "tokenizer" / file, scratch)
        from_files = CLIPTokenizer.from_pretrained(scratch)
        assert torch.equal(tokenize(in_memory, PROMPTS), tokenize(from_files, PROMPTS)), f"{name}: vocab/merges"


def main():
    torch.set_grad_enabled(False)
    clean()
    vocab, merges = clip_vocabulary()
    tokenizers = {}
    for name, make, fp16 in (("sd1-tiny", make_sd1, False), ("sd2-tiny", make_sd2, True)):
        tokenizer, pipe = make(vocab, merges)
        reloaded = save_and_reload(name, tokenizer, pipe, vocab, merges, fp16=fp16)
        check_tokenizer_round_trip(tokenizer, reloaded.tokenizer, name)
        tokenizers[name] = reloaded.tokenizer
        save_file(reference_outputs(reloaded), HERE / f"{name}-reference.safetensors")

    save_file(options_references(*save_options("options-tiny")), HERE / "options-tiny-reference.safetensors")

    write_token_fixture(HERE / "tokens.json", token_fixture(tokenizers))

    for path in sorted(HERE.rglob("*")):
        if path.is_file() and path.name != pathlib.Path(__file__).name:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            print(f"{path.stat().st_size:>10}  {digest}  {path.relative_to(HERE)}")


if __name__ == "__main__":
    main()
