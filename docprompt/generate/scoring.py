"""How likely a model finds one text after another, read from llama.cpp's logits.

``logprob(llm, text, continuation)`` is log P(continuation | text) under the model: one forward
pass over ``text`` and ``continuation`` together, the continuation's tokens read from their
logits. The Bash answer stage scores each candidate command this way, by how well its card
predicts the request (a "noisy channel" choice: Min et al., ACL 2022), instead of asking the model
to name one (docs/generation.md).
"""

from __future__ import annotations

from typing import Any

from .base import GeneratorError


def logprob(llm: Any, text: str, continuation: str) -> float:
    """log P(``continuation`` | ``text``) with ``llm`` (a ``llama_cpp.Llama``); ``text`` is read as it
    is, with no chat template. The model's cache is left holding both, as a completion leaves it."""
    import numpy as np

    head = llm.tokenize(text.encode("utf-8"), special=True)
    tail = llm.tokenize(continuation.encode("utf-8"), add_bos=False, special=False)
    if not tail:
        return 0.0
    if len(head) + len(tail) > llm.n_ctx():
        raise GeneratorError(f"{len(head) + len(tail)} tokens to score do not fit the model's context")
    vocab = llm.n_vocab()
    llm.reset()
    llm.eval(head)
    rows = [np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(vocab,)).copy()]
    # the continuation's own tokens, their logits kept (llama-cpp-python's eval keeps only the last)
    step = llm.n_batch
    for i in range(0, len(tail) - 1, step):
        batch = tail[i : min(len(tail) - 1, i + step)]
        llm._batch.set_batch(batch=batch, n_past=llm.n_tokens, logits_all=True)
        llm._ctx.decode(llm._batch)
        out = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(batch) * vocab,))
        rows.extend(out.reshape(-1, vocab))
        llm.input_ids[llm.n_tokens : llm.n_tokens + len(batch)] = batch
        llm.n_tokens += len(batch)
    logits = np.vstack(rows).astype(np.float64)
    top = logits.max(axis=1, keepdims=True)
    norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float(sum(logits[i, t] - norm[i] for i, t in enumerate(tail)))
