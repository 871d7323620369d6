"""Level difference between two PNG images of the same size: max and mean |a − b| over every
channel of every pixel, and PSNR (dB, peak 255). E.g. a bf16 image against the float32 one:

    python3 bench/image_difference.py f32.png bf16.png
"""
import math
import sys

import numpy as np
from PIL import Image


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: image_difference.py A.png B.png")
    a, b = (np.asarray(Image.open(path).convert("RGB"), dtype=np.int32) for path in sys.argv[1:])
    if a.shape != b.shape:
        sys.exit(f"sizes differ: {a.shape[1]}×{a.shape[0]} and {b.shape[1]}×{b.shape[0]}")
    levels = np.abs(a - b)
    mse = float((levels ** 2).mean())
    psnr = math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)
    print(f"max {levels.max()} levels, mean {levels.mean():.3f}, PSNR {psnr:.1f} dB")


if __name__ == "__main__":
    main()
