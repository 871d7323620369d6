"""Records PyTorch's outputs for the tensor kernels whose exact semantics matter.

Run with a Python that has torch, diffusers and safetensors (kept outside the repository):
    python Tests/Fixtures/kernels/make_kernel_fixtures.py
Writes kernels.safetensors beside this script; TensorsTests compare our kernels against it.
Inputs are stored too, so the tests never need to reproduce PyTorch's random numbers.
"""
import math
import pathlib

import torch
import torch.nn.functional as F
from diffusers.models.embeddings import get_timestep_embedding
from safetensors.torch import save_file

torch.manual_seed(1234)
out = {}


def record(name, tensor):
    out[name] = tensor.detach().to(torch.float32).contiguous()


with torch.no_grad():
    x = torch.randn(2, 8, 5, 7) * 3 + 1
    record("input", x)
    record("silu", F.silu(x))
    record("gelu", F.gelu(x))
    record("gelu_tanh", F.gelu(x, approximate="tanh"))
    record("quick_gelu", x * torch.sigmoid(1.702 * x))
    record("softmax", torch.softmax(x * 4, dim=-1))

    gn_weight, gn_bias = torch.randn(8), torch.randn(8)
    record("group_norm.weight", gn_weight)
    record("group_norm.bias", gn_bias)
    record("group_norm", F.group_norm(x, 4, gn_weight, gn_bias, eps=1e-6))

    ln_weight, ln_bias = torch.randn(7), torch.randn(7)
    record("layer_norm.weight", ln_weight)
    record("layer_norm.bias", ln_bias)
    record("layer_norm", F.layer_norm(x, (7,), ln_weight, ln_bias, eps=1e-5))

    geglu_in = torch.randn(3, 5, 12)
    record("geglu.input", geglu_in)
    h, gate = geglu_in.chunk(2, dim=-1)
    record("geglu", h * F.gelu(gate))

    # Convolutions as diffusers uses them: 3x3 pad 1, 3x3 stride 2 pad 1, VAE's asymmetric pad.
    conv_in = torch.randn(2, 6, 9, 11)
    record("conv.input", conv_in)
    w3, b3 = torch.randn(5, 6, 3, 3), torch.randn(5)
    record("conv.weight", w3)
    record("conv.bias", b3)
    record("conv3x3", F.conv2d(conv_in, w3, b3, padding=1))
    record("conv3x3_stride2", F.conv2d(conv_in, w3, b3, stride=2, padding=1))
    record("conv3x3_vae_down", F.conv2d(F.pad(conv_in, (0, 1, 0, 1)), w3, b3, stride=2))

    # Attention exactly as diffusers' AttnProcessor2_0 and CLIP's causal mask use SDPA.
    b, lq, lk, heads, d = 2, 37, 19, 3, 8
    q, k, v = torch.randn(b, lq, heads * d), torch.randn(b, lk, heads * d), torch.randn(b, lk, heads * d)
    record("attention.q", q)
    record("attention.k", k)
    record("attention.v", v)

    def split(t):
        return t.view(b, -1, heads, d).transpose(1, 2)

    cross = F.scaled_dot_product_attention(split(q), split(k), split(v))
    record("attention.cross", cross.transpose(1, 2).reshape(b, lq, heads * d))
    self_q = torch.randn(b, lq, heads * d)
    record("attention.self_q", self_q)
    causal = F.scaled_dot_product_attention(split(self_q), split(self_q), split(self_q), is_causal=True)
    record("attention.causal", causal.transpose(1, 2).reshape(b, lq, heads * d))

    up_in = torch.randn(1, 2, 3, 5)
    record("upsample.input", up_in)
    record("upsample.2x", F.interpolate(up_in, scale_factor=2.0, mode="nearest"))
    record("upsample.to_7x9", F.interpolate(up_in, size=(7, 9), mode="nearest"))

    timesteps = torch.tensor([0.0, 1.0, 261.0, 999.0])
    record("timesteps", timesteps)
    record("timestep_embedding.sd", get_timestep_embedding(timesteps, 320, flip_sin_to_cos=True, downscale_freq_shift=0))
    record("timestep_embedding.shift1", get_timestep_embedding(timesteps, 33, flip_sin_to_cos=False, downscale_freq_shift=1))

path = pathlib.Path(__file__).with_name("kernels.safetensors")
save_file(out, str(path))
print(f"wrote {path} ({path.stat().st_size} bytes, {len(out)} tensors)")
