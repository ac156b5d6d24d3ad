"""Prompt-evaluation and decoding speed of GGUF files on this machine, and requantizing one.

    python benchmarks/gguf_speed.py MODEL.gguf [MORE.gguf ...]
    python benchmarks/gguf_speed.py --requantize Q4_0 MODEL.gguf OUT.gguf

Speed: a 400-token prompt evaluated three times (best kept), then 32 greedy tokens, with and
without flash attention, on ``--threads`` threads (2: the machines these figures come from).
"""

from __future__ import annotations

import argparse
import ctypes
import time
from pathlib import Path


def speed(path: str, threads: int) -> None:
    from llama_cpp import Llama

    text = Path(__file__).read_text() * 8
    for flash in (False, True):
        llm = Llama(model_path=path, n_ctx=2048, n_threads=threads, flash_attn=flash, verbose=False)
        tokens = llm.tokenize(text.encode())[:400]
        best = float("inf")
        for _ in range(3):
            llm.reset()
            t = time.perf_counter()
            llm.eval(tokens)
            best = min(best, time.perf_counter() - t)
        t = time.perf_counter()
        for _ in range(32):
            llm.eval([llm.sample(temp=0)])
        decode = 32 / (time.perf_counter() - t)
        name = Path(path).name
        print(f"{name} flash_attn={flash}: prompt {400 / best:.0f} tok/s, decode {decode:.1f} tok/s")
        llm.close()


def requantize(kind: str, src: str, dst: str) -> None:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind.upper()}")
    params.allow_requantize = True
    t = time.perf_counter()
    if llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params)) != 0:
        raise SystemExit(f"llama.cpp could not requantize {src}")
    print(f"{dst}: {kind} in {time.perf_counter() - t:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+")
    ap.add_argument("--requantize", metavar="KIND", help="Q8_0, Q4_0, ...: write models[1] from models[0]")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if args.requantize:
        if len(args.models) != 2:
            raise SystemExit("--requantize takes MODEL.gguf OUT.gguf")
        requantize(args.requantize, *args.models)
    else:
        for path in args.models:
            speed(path, args.threads)


if __name__ == "__main__":
    main()
