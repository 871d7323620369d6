"""Reference outputs for AUTOMATIC1111 prompt syntax, clip skip, guidance rescale and prompt
interpolation, on the tiny models of Tests/Fixtures/models.

A1111's arithmetic (modules/prompt_parser.py `parse_prompt_attention`, modules/sd_hijack_clip.py
`tokenize_line` and `process_tokens`, modules/sd_emphasis.py "Original") is reproduced below on
transformers' CLIPTokenizer and CLIPTextModel:
  * the prompt is split into runs of text with a weight: `(x)` ×1.1, `(x:w)` ×w, `[x]` ÷1.1,
    escapes `\\( \\) \\[ \\] \\\\`, `BREAK`, brackets left open applying to the end;
  * each run is tokenized on its own; tokens fill chunks of 75, a chunk that fills up within 20
    tokens of a comma ending at the comma (`comma_padding_backtrack`); `BREAK` closes a chunk;
  * each chunk is [BOS] + tokens + [EOS] + padding (the tokenizer's pad token), encoded alone;
    the hidden state (clip skip n: `hidden_states[-n]` through `final_layer_norm` for n > 1) is
    multiplied by each token's weight and scaled back to the chunk's original mean;
  * chunks are concatenated along the tokens; a prompt and its negative prompt (or the two
    prompts of an interpolation) are padded to the same number of chunks with the empty
    prompt's encoding (A1111's "Pad prompt/negative prompt to be same length").
Images come from diffusers' StableDiffusionPipeline: directly (`clip_skip=`, `guidance_rescale=`)
where diffusers does the same thing, and through `prompt_embeds=` / `negative_prompt_embeds=`
otherwise (A1111 weights and chunks; clip skip on the negative prompt too, which diffusers'
`encode_prompt` leaves out; interpolation).

Interpolation: `slerp` treats the whole flattened `[1, tokens, width]` encoding as one vector:
cos θ = a·b / (|a| |b|) in float64; when |cos θ| > 0.9995 it is lerp, else
sin((1−t)θ)/sin θ · a + sin(tθ)/sin θ · b. `lerp` is (1−t)·a + t·b.

Pass `--a1111 DIR` (a folder holding A1111's modules/prompt_parser.py) to check this script's
parser against A1111's own `parse_prompt_attention` on every parser case first.

Writes, beside this script:
    parser.json             prompt → [[text, weight], ...] (A1111's runs)
    chunks.json             model, prompt → chunks of token ids and weights
    encodings.safetensors   "<model>|<clip skip>|<prompt>" → float32 [1, 77·chunks, width]
    cases.json, images.safetensors   pipeline cases in Tests/Fixtures/pipeline's format, plus
                            prompt_syntax, clip_skip, guidance_rescale, interpolate_to,
                            interpolate_fraction, interpolate_method

Run from the repository root with the venv of Tests/Fixtures/models/make_model_fixtures.py:
    /opt/torchenv/bin/python Tests/Fixtures/prompts/make_prompt_fixtures.py [--a1111 DIR]
"""

import json
import math
import pathlib
import re
import sys

import numpy as np
import torch
from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline
from diffusers.utils import logging as diffusers_logging
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent / "models"
CHUNK = 75
COMMA_BACKOFF = 20

# The tokens of A1111's attention grammar, in the order its scanner tries them.
TOKEN = re.compile(r"""
\\\(|\\\)|\\\[|\\]|\\\\|\\|
\(|\[|
:\s*([+-]?[.\d]+)\s*\)|
\)|]|
[^\\()\[\]:]+|
:
""", re.X)
BREAK = re.compile(r"\s*\bBREAK\b\s*", re.S)


def parse(text):
    runs, round_open, square_open = [], [], []

    def scale(start, factor):
        for run in runs[start:]:
            run[1] *= factor

    for match in TOKEN.finditer(text):
        token, weight = match.group(0), match.group(1)
        if token.startswith("\\"):
            runs.append([token[1:], 1.0])
        elif token == "(":
            round_open.append(len(runs))
        elif token == "[":
            square_open.append(len(runs))
        elif weight is not None and round_open:
            scale(round_open.pop(), float(weight))
        elif token == ")" and round_open:
            scale(round_open.pop(), 1.1)
        elif token == "]" and square_open:
            scale(square_open.pop(), 1 / 1.1)
        else:
            for i, part in enumerate(BREAK.split(token)):
                if i:
                    runs.append(["BREAK", -1])
                runs.append([part, 1.0])
    for start in round_open:
        scale(start, 1.1)
    for start in square_open:
        scale(start, 1 / 1.1)
    runs = runs or [["", 1.0]]
    merged = [runs[0]]
    for run in runs[1:]:
        if merged[-1][1] == run[1]:
            merged[-1][0] += run[0]
        else:
            merged.append(run)
    return merged


def chunks(tokenizer, text, syntax="a1111"):
    if syntax == "plain":
        ids = tokenizer(text, padding="max_length", max_length=tokenizer.model_max_length, truncation=True).input_ids
        return [(ids, [1.0] * len(ids))]
    comma = tokenizer.get_vocab()[",</w>"]
    out, ids, weights, last_comma = [], [], [], -1

    def close():
        nonlocal ids, weights, last_comma
        pad = CHUNK - len(ids)
        out.append(([tokenizer.bos_token_id] + ids + [tokenizer.eos_token_id] + [tokenizer.pad_token_id] * pad,
                    [1.0] + weights + [1.0] + [1.0] * pad))
        ids, weights, last_comma = [], [], -1

    for text_run, weight in parse(text):
        if text_run == "BREAK" and weight == -1:
            close()
            continue
        for token in tokenizer(text_run, add_special_tokens=False, truncation=False).input_ids:
            if token == comma:
                last_comma = len(ids)
            elif len(ids) == CHUNK and last_comma != -1 and len(ids) - last_comma <= COMMA_BACKOFF:
                moved = ids[last_comma + 1:], weights[last_comma + 1:]
                ids, weights = ids[:last_comma + 1], weights[:last_comma + 1]
                close()
                ids, weights = list(moved[0]), list(moved[1])
            if len(ids) == CHUNK:
                close()
            ids.append(token)
            weights.append(weight)
    if ids or not out:
        close()
    return out


def encode(pipe, text, clip_skip=1, syntax="a1111"):
    parts = []
    for ids, weights in chunks(pipe.tokenizer, text, syntax):
        out = pipe.text_encoder(torch.tensor([ids]), output_hidden_states=True)
        z = out.last_hidden_state if clip_skip == 1 else pipe.text_encoder.final_layer_norm(out.hidden_states[-clip_skip])
        multipliers = torch.asarray(weights)
        original = z.mean()
        z = z * multipliers.reshape(multipliers.shape + (1,)).expand(z.shape)
        z = z * (original / z.mean())
        parts.append(z)
    return torch.cat(parts, dim=1)


def equalised(pipe, a, b, clip_skip):
    empty = encode(pipe, "", clip_skip)
    tokens = max(a.shape[1], b.shape[1])
    pad = lambda t: torch.cat([t] + [empty] * ((tokens - t.shape[1]) // empty.shape[1]), dim=1)
    return pad(a), pad(b)


def blend(a, b, t, method):
    a64, b64 = a.double(), b.double()
    wa, wb = 1 - t, t
    if method == "slerp":
        cosine = float((a64 * b64).sum() / (a64.norm() * b64.norm()))
        if abs(cosine) <= 0.9995:
            theta = math.acos(cosine)
            wa, wb = math.sin((1 - t) * theta) / math.sin(theta), math.sin(t * theta) / math.sin(theta)
    return (wa * a64 + wb * b64).float()


LONG = ", ".join(f"a {colour} lighthouse on a cliff" for colour in
                 ["red", "blue", "green", "white", "black", "golden", "silver", "purple", "orange", "pink", "grey", "brown",
                  "yellow", "teal", "crimson", "ivory"])
PARSER_PROMPTS = [
    "normal text", "an (important) word", "(unbalanced", "\\(literal\\]", "(unnecessary)(parens)",
    "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
    "((word))", "[word]", "[[word]]", "(word:1.3)", "(word: 0.5 )", "(a (b:2) c:0.5)", "[a (b) c]", "(a [b] c)",
    "unbalanced)", "unbalanced]", "a ]b[ c", "[unclosed (both", "a:b", "(a:b)", "(a:1.2", "a:1.2)", "(a:-1)", "(a:+.5)",
    "(a:1.)", "\\\\ backslash", "a \\b c", "a\\", "a BREAK b", "aBREAK b", "a BREAKb", "BREAK", "a BREAK BREAK b",
    "(a BREAK b)", "(a BREAK b:1)", "a\tBREAK\nb", "café BREAK b", "a_BREAK b", "", "()", "[]", "(:1.5)", "x (:1.5)",
    "((a)(b:1.2)[c])", "(photo:1.2) of a [[cat]], ((masterpiece)), BREAK (dog:0.8)",
]
CHUNK_PROMPTS = [
    "a photograph of an astronaut riding a horse", "(astronaut:1.4) riding a [horse]", LONG,
    "(" + LONG + ":1.2), [extra words past the first chunk]", "BREAK a leading break", "a BREAK b BREAK c", "",
    " ".join(["word"] * 74) + ", " + " ".join(["tail"] * 10),   # a comma within 20 tokens of the chunk's end
    " ".join(["word"] * 40) + ", " + " ".join(["tail"] * 40),   # a comma too far back: a hard cut at 75
    "(cat!! with a hat:1.3)",                                 # SD 2's pad token '!' inside weights
]
ENCODINGS = [(model, skip, prompt) for model in ["sd1-tiny", "sd2-tiny"] for skip in [1, 2] for prompt in CHUNK_PROMPTS]
ENCODINGS += [("sd1-tiny", 3, "a photograph of an astronaut riding a horse")]

PROMPT = "a photograph of an astronaut riding a horse"


def case(name, model="sd1-tiny", prompt=PROMPT, negative=None, seed=7, steps=4, guidance=7.5, scheduler="euler",
         syntax="a1111", clip_skip=1, rescale=0.0, to=None, fraction=None, method=None, width=32, height=32):
    return {"name": name, "model": model, "prompt": prompt, "negative_prompt": negative, "seed": seed, "steps": steps,
            "guidance": guidance, "scheduler": scheduler, "eta": 0.0, "width": width, "height": height,
            "prompt_syntax": syntax, "clip_skip": clip_skip, "guidance_rescale": rescale,
            "interpolate_to": to, "interpolate_fraction": fraction, "interpolate_method": method}


# How each case is rendered by diffusers: "direct" is a plain pipeline call with clip_skip /
# guidance_rescale; the others pass our A1111 encodings as prompt_embeds.
CASES = [
    (case("sd1.clip-skip-2-unguided", clip_skip=2, guidance=1.0), "direct"),
    (case("sd1.clip-skip-3-unguided", clip_skip=3, guidance=1.0, seed=8), "direct"),
    (case("sd2.clip-skip-2-unguided", model="sd2-tiny", clip_skip=2, guidance=1.0), "direct"),
    (case("sd1.clip-skip-2-negative", clip_skip=2, negative="blurry, low quality"), "embeds"),
    (case("sd1.rescale-0.7", rescale=0.7, negative="blurry"), "direct"),
    (case("sd1.rescale-1", rescale=1.0, guidance=12.0, seed=9), "direct"),
    (case("sd2.rescale-0.5", model="sd2-tiny", rescale=0.5, steps=5), "direct"),
    (case("sd1.weights", prompt="a (photograph:1.3) of an ((astronaut)) riding a [horse]", negative="(blurry:1.2)"), "embeds"),
    (case("sd1.long-a1111", prompt=LONG, negative="blurry"), "embeds"),          # 2 chunks vs 1: negative padded
    (case("sd1.break-negative-long", prompt="a cat", negative="blurry BREAK low quality BREAK ugly"), "embeds"),
    (case("sd2.weights-clip-skip", model="sd2-tiny", prompt="(astronaut:1.4) riding a [horse] BREAK on the moon",
          clip_skip=2, rescale=0.3, negative="cartoon"), "embeds"),
    (case("sd1.interpolate-slerp-0.5", prompt="a red apple", to="a (blue:1.2) car", fraction=0.5, method="slerp"), "embeds"),
    (case("sd1.interpolate-lerp-0.25", prompt="a red apple", to="a blue car", fraction=0.25, method="lerp",
          negative="blurry"), "embeds"),
    (case("sd1.interpolate-slerp-long", prompt="a red apple", to=LONG, fraction=0.75, method="slerp", clip_skip=2), "embeds"),
]


def render(spec, how, pipes):
    pipe = pipes[spec["model"]]
    own = pipe.scheduler
    pipe.scheduler = EulerDiscreteScheduler.from_config(own.config)
    common = dict(num_inference_steps=spec["steps"], guidance_scale=spec["guidance"], guidance_rescale=spec["guidance_rescale"],
                  generator=torch.Generator().manual_seed(spec["seed"]), width=spec["width"], height=spec["height"], output_type="np")
    skip = spec["clip_skip"]
    if how == "direct":
        image = pipe(spec["prompt"], negative_prompt=spec["negative_prompt"], clip_skip=None if skip == 1 else skip - 1,
                     **common).images[0]
    else:
        prompt = encode(pipe, spec["prompt"], skip, spec["prompt_syntax"])
        if spec["interpolate_to"] is not None:
            a, b = equalised(pipe, prompt, encode(pipe, spec["interpolate_to"], skip, spec["prompt_syntax"]), skip)
            prompt = blend(a, b, spec["interpolate_fraction"], spec["interpolate_method"])
        negative = encode(pipe, spec["negative_prompt"] or "", skip, spec["prompt_syntax"])
        prompt, negative = equalised(pipe, prompt, negative, skip)
        image = pipe(prompt_embeds=prompt, negative_prompt_embeds=negative, **common).images[0]
    pipe.scheduler = own
    pixels = (image * 255).round().astype(np.uint8)
    return torch.from_numpy(pixels.astype(np.float32))


def check_against_a1111(folder):
    sys.path.insert(0, str(folder))
    # Only A1111's prompt-editing grammar needs lark; a stand-in lets the module import without it.
    stand_in = type(sys)("lark")
    stand_in.Lark = lambda *args, **kwargs: None
    sys.modules.setdefault("lark", stand_in)
    from modules.prompt_parser import parse_prompt_attention
    for prompt in PARSER_PROMPTS:
        assert parse_prompt_attention(prompt) == parse(prompt), (prompt, parse_prompt_attention(prompt), parse(prompt))
    print(f"parser agrees with A1111's parse_prompt_attention on {len(PARSER_PROMPTS)} prompts")


def main():
    if "--a1111" in sys.argv:
        check_against_a1111(pathlib.Path(sys.argv[sys.argv.index("--a1111") + 1]))
    torch.set_grad_enabled(False)
    diffusers_logging.set_verbosity_error()
    diffusers_logging.disable_progress_bar()
    (HERE / "parser.json").write_text(json.dumps([{"prompt": p, "runs": parse(p)} for p in PARSER_PROMPTS], indent=1,
                                                 ensure_ascii=False) + "\n")
    pipes = {}
    for name in ["sd1-tiny", "sd2-tiny"]:
        pipes[name] = StableDiffusionPipeline.from_pretrained(MODELS / name, dtype=torch.float32,
                                                              variant="fp16" if name == "sd2-tiny" else None)
        pipes[name].set_progress_bar_config(disable=True)
        # diffusers 0.42's clip_skip reaches `text_encoder.text_model.final_layer_norm`, the layout of
        # transformers 4; transformers 5's CLIPTextModel holds final_layer_norm itself.
        object.__setattr__(pipes[name].text_encoder, "text_model", pipes[name].text_encoder)
        out = pipes[name].text_encoder(torch.tensor([[49406, 320, 49407]]), output_hidden_states=True)
        assert len(out.hidden_states) == pipes[name].text_encoder.config.num_hidden_layers + 1
        assert torch.equal(pipes[name].text_encoder.final_layer_norm(out.hidden_states[-1]), out.last_hidden_state)
    chunk_cases = [{"model": m, "prompt": p, "chunks": [{"ids": ids, "weights": w} for ids, w in chunks(pipes[m].tokenizer, p)]}
                   for m in ["sd1-tiny", "sd2-tiny"] for p in CHUNK_PROMPTS]
    (HERE / "chunks.json").write_text(json.dumps(chunk_cases, ensure_ascii=False) + "\n")
    encodings = {f"{m}|{skip}|{p}": encode(pipes[m], p, skip).contiguous() for m, skip, p in ENCODINGS}
    save_file(encodings, HERE / "encodings.safetensors")
    images = {}
    for spec, how in CASES:
        images[spec["name"]] = render(spec, how, pipes).contiguous()
        print(spec["name"], how, float(images[spec["name"]].mean()))
    save_file(images, HERE / "images.safetensors")
    (HERE / "cases.json").write_text(json.dumps([spec for spec, _ in CASES], indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
