"""Writes dtypes.safetensors with the safetensors library itself: the same values stored as F32,
F16 and BF16 (with their exact float32 widening recorded beside them), plus an int64 tensor like
the `position_ids` older CLIP checkpoints carry.

    python Tests/Fixtures/weights/make_weights_fixtures.py
"""
import pathlib

import torch
from safetensors.torch import save_file

values = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.14159, 65504.0, 1e-5, -1e-8, 1234.5678, 0.1] * 3).reshape(3, 10)
tensors = {
    "values.f32": values,
    "values.f16": values.to(torch.float16),
    "values.f16.expected": values.to(torch.float16).to(torch.float32),
    "values.bf16": values.to(torch.bfloat16),
    "values.bf16.expected": values.to(torch.bfloat16).to(torch.float32),
    "text_model.embeddings.position_ids": torch.arange(77, dtype=torch.int64).reshape(1, 77),
}
path = pathlib.Path(__file__).with_name("dtypes.safetensors")
save_file(tensors, str(path), metadata={"format": "pt"})
print(f"wrote {path}")
