"""Times PyTorch on the kernel shapes `sweep bench kernels --torch-python` sends on stdin.

Reads {"threads", "repeats", "cases": [...]} as JSON, prints {"case name": best seconds}.
Attention uses torch.nn.functional.scaled_dot_product_attention, what diffusers calls on CPU;
linear layers torch.nn.Linear.
"""
import json
import sys
import time

import torch


def best(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    request = json.load(sys.stdin)
    torch.set_num_threads(request["threads"])
    results = {}
    with torch.inference_mode():
        for case in request["cases"]:
            if case["kind"] == "conv":
                x = torch.randn(case["batch"], case["cin"], case["size"], case["size"])
                conv = torch.nn.Conv2d(case["cin"], case["cout"], case["kernel"], stride=case["stride"],
                                       padding=case["kernel"] // 2)
                results[case["name"]] = best(lambda: conv(x), request["repeats"])
            elif case["kind"] == "linear":
                x = torch.randn(1, case["rows"], case["inputs"])
                linear = torch.nn.Linear(case["inputs"], case["outputs"])
                results[case["name"]] = best(lambda: linear(x), request["repeats"])
            else:
                b, h, d = case["batch"], case["heads"], case["head_dim"]
                q = torch.randn(b, h, case["queries"], d)
                k = torch.randn(b, h, case["keys"], d)
                v = torch.randn(b, h, case["keys"], d)
                sdpa = torch.nn.functional.scaled_dot_product_attention
                results[case["name"]] = best(lambda: sdpa(q, k, v), request["repeats"])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
