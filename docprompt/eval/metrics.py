"""Generation metrics of DocPrompting (Zhou et al., ICLR 2023), reproduced from its code.

tldr / Bash (``dataset_helper/tldr/gen_metric.py`` ``tldr_metrics`` and ``utils/util.py`` of
shuyanzhou/docprompting; the normalisation is the one benchmark data's README summarises):

- :func:`clean_command`: every ``sudo`` substring removed (the original's ``str.replace``, so
  ``visudo`` becomes ``vi`` on both sides), backticks and both quote kinds dropped, ``|``, ``>``
  and ``<`` turned into spaces, whitespace collapsed;
- :func:`anonymize_command`: ``={`` becomes `` {`` (so ``--out={{f}}`` splits), then each distinct
  placeholder ``{{...}}`` becomes ``[[VAR]]_i`` numbered in order of first appearance (a
  repeated placeholder keeps its number);
- ``cmd_acc``: the first token of the normalised prediction equals that of the reference;
- ``exact_match`` (the original's ``template_matching``): the normalised strings are equal;
- ``token_f1``: bag-of-tokens F1 over the whitespace tokens of the normalised strings, with the
  original's ``1e-10`` guards (so identical commands score 99.99999999, not exactly 100);
- ``char_bleu`` (the original's ``bleu_char``): sacrebleu corpus BLEU, ``tokenize='char'``
  (spaces do not count), default ``exp`` smoothing, over :func:`bleu_normalize` strings (the same
  cleaning with placeholders written ``$i``).

The paper averages the per-example figures over the corpus and reports them as percentages,
which :func:`bash_metrics` does. One deliberate difference: DocPrompting wrote predictions one a
line after *deleting* newlines; here a newline is whitespace like any other.

CoNaLa / Python (``dataset_helper/conala/gen_metric.py`` ``_bleu``): the tensorflow-nmt
``compute_bleu`` (BLEU-4, corpus level, **unsmoothed**: ``_bleu`` asserts ``not smooth``) over
the CoNaLa tokenizer ``tokenize_for_bleu_eval`` (Wang Ling et al. 2016). :func:`python_metrics`
returns it times 100 without the original's rounding to 2 decimals; an empty prediction corpus
or reference corpus, on which the original divides by zero, scores 0.

sacrebleu is imported only when char BLEU is computed, so importing this module stays cheap.
"""

from __future__ import annotations

import collections
import math
import re
from collections.abc import Sequence

from .datasets import command_flags

VAR_STR = "[[VAR]]"


# --- tldr / Bash -------------------------------------------------------------------------------


def clean_command(s: str) -> str:
    """DocPrompting's ``clean_command``: drop sudo and quotes, ``|``/``>``/``<`` as spaces."""
    s = s.replace("sudo", "").strip()
    s = s.replace("`", "").replace('"', "").replace("'", "")
    s = s.replace("|", " ").replace(">", " ").replace("<", " ")
    return " ".join(s.split())


def _anonymize(s: str, fmt: str) -> str:
    s = s.replace("={", " {")
    from ..shell import placeholders

    ids: dict[str, int] = {}
    for var in placeholders(s):
        ids.setdefault(var, len(ids))
    for var, i in ids.items():
        s = s.replace(var, fmt.format(i))
    return s


def anonymize_command(s: str) -> str:
    """DocPrompting's ``anonymize_command``: placeholders become ``[[VAR]]_0``, ``[[VAR]]_1``, ..."""
    return _anonymize(s, VAR_STR + "_{}")


def normalize(cmd: str) -> str:
    """The normalised command that every tldr metric but char BLEU compares (``clean_anonymize_command``)."""
    return anonymize_command(clean_command(cmd))


def bleu_normalize(cmd: str) -> str:
    """The string char BLEU compares (``clean_for_bleu``): placeholders become ``$0``, ``$1``, ..."""
    return _anonymize(clean_command(cmd), "${}")


def bash_tokens(cmd: str) -> list[str]:
    """Whitespace tokens of the normalised command (``get_bag_of_words``)."""
    return normalize(cmd).split()


def cmd_match(prediction: str, reference: str) -> bool:
    """Command-name accuracy of one example: same first token after normalisation."""
    pred, gold = bash_tokens(prediction), bash_tokens(reference)
    return (gold[0] if gold else "NONE_GOLD") == (pred[0] if pred else "NONE_PRED")


def exact_match(prediction: str, reference: str) -> bool:
    """Exact match of one example (``template_matching``): equal after normalisation."""
    return normalize(prediction) == normalize(reference)


def token_prf(prediction: str, reference: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 (fractions) of one example, as ``token_prf`` computes them."""
    pred = collections.Counter(bash_tokens(prediction))
    gold = collections.Counter(bash_tokens(reference))
    hit = sum((pred & gold).values())
    p = hit / (sum(pred.values()) + 1e-10)
    r = hit / (sum(gold.values()) + 1e-10)
    return p, r, 2 * p * r / (p + r + 1e-10)


def token_f1(prediction: str, reference: str) -> float:
    """Token F1 (a fraction) of one example."""
    return token_prf(prediction, reference)[2]


def char_bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Corpus character BLEU (0-100) over :func:`bleu_normalize` strings, as the paper's charBLEU."""
    _check(predictions, references)
    from sacrebleu.metrics import BLEU

    preds = [bleu_normalize(p) for p in predictions]
    refs = [bleu_normalize(r) for r in references]
    return float(BLEU(tokenize="char").corpus_score(preds, [refs]).score)


def bash_metrics(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """The paper's tldr table (percentages): ``cmd_acc``, ``exact_match``, ``token_f1``, ``char_bleu``."""
    _check(predictions, references)
    n = len(references)
    if n == 0:
        return {"cmd_acc": 0.0, "exact_match": 0.0, "token_f1": 0.0, "char_bleu": 0.0}
    pairs = list(zip(predictions, references))
    return {
        "cmd_acc": 100 * sum(cmd_match(p, r) for p, r in pairs) / n,
        "exact_match": 100 * sum(exact_match(p, r) for p, r in pairs) / n,
        "token_f1": 100 * sum(token_f1(p, r) for p, r in pairs) / n,
        "char_bleu": char_bleu(predictions, references),
    }


def flags_of(cmd: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Flags of a Bash command, by :func:`docprompt.eval.datasets.command_flags`.

    A leading ``sudo`` is dropped first, as the metrics' normalisation drops it, so the flags are
    those of the command it runs. The rest of the normalisation is not applied: ``command_flags``
    needs the pipes to stop at the first command, and it already reads placeholders and quotes.
    """
    return command_flags(re.sub(r"^\s*sudo\s+", "", cmd), known)


# --- CoNaLa / Python ---------------------------------------------------------------------------


def tokenize_for_bleu_eval(code: str) -> list[str]:
    """The CoNaLa code tokenizer (Wang Ling et al., 2016), as DocPrompting and CoNaLa use it."""
    code = re.sub(r"([^A-Za-z0-9_])", r" \1 ", code)
    code = re.sub(r"([a-z])([A-Z])", r"\1 \2", code)
    code = re.sub(r"\s+", " ", code)
    code = code.replace('"', "`")
    code = code.replace("'", "`")
    return [t for t in code.split(" ") if t]


def _ngrams(segment: Sequence[str], max_order: int) -> collections.Counter[tuple[str, ...]]:
    counts: collections.Counter[tuple[str, ...]] = collections.Counter()
    for order in range(1, max_order + 1):
        for i in range(len(segment) - order + 1):
            counts[tuple(segment[i : i + order])] += 1
    return counts


def compute_bleu(
    reference_corpus: Sequence[Sequence[Sequence[str]]],
    translation_corpus: Sequence[Sequence[str]],
    max_order: int = 4,
    smooth: bool = False,
) -> float:
    """tensorflow-nmt's ``compute_bleu`` (a fraction): each translation against its references.

    ``smooth`` is Lin & Och (2004) add-one smoothing; DocPrompting's CoNaLa BLEU does not use it.
    """
    matches = [0] * max_order
    possible = [0] * max_order
    ref_len = trans_len = 0
    for references, translation in zip(reference_corpus, translation_corpus):
        ref_len += min(len(r) for r in references)
        trans_len += len(translation)
        merged: collections.Counter[tuple[str, ...]] = collections.Counter()
        for reference in references:
            merged |= _ngrams(reference, max_order)
        overlap = _ngrams(translation, max_order) & merged
        for ngram, count in overlap.items():
            matches[len(ngram) - 1] += count
        for order in range(1, max_order + 1):
            if len(translation) - order + 1 > 0:
                possible[order - 1] += len(translation) - order + 1
    if smooth:
        precisions = [(m + 1.0) / (p + 1.0) for m, p in zip(matches, possible)]
    else:
        precisions = [m / p if p > 0 else 0.0 for m, p in zip(matches, possible)]
    if min(precisions) <= 0 or ref_len == 0 or trans_len == 0:
        return 0.0
    geo_mean = math.exp(sum(math.log(p) for p in precisions) / max_order)
    ratio = trans_len / ref_len
    bp = 1.0 if ratio > 1.0 else math.exp(1 - 1.0 / ratio)
    return geo_mean * bp


def python_bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """CoNaLa BLEU-4 (0-100): unsmoothed corpus ``compute_bleu`` over ``tokenize_for_bleu_eval``."""
    _check(predictions, references)
    refs = [[tokenize_for_bleu_eval(r.strip())] for r in references]
    preds = [tokenize_for_bleu_eval(p.strip()) for p in predictions]
    return 100 * compute_bleu(refs, preds, max_order=4, smooth=False)


def python_metrics(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """The paper's CoNaLa generation figure: ``{"bleu": BLEU-4 in 0-100}``."""
    return {"bleu": python_bleu(predictions, references)}


def _check(predictions: Sequence[str], references: Sequence[str]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
