"""The two ways `train_retriever` trains: only the query encoder, against the index's own
vectors (`QueryTower`), or one encoder for both sides with in-batch and mined negatives
(`BothTowers`)."""

from __future__ import annotations

import random

from ..errors import BadInput
from .retriever import Example, TrainOptions, batches, holdout_recall


class QueryTower:
    """Only the query encoder learns; documents keep the index's vectors, so nothing is
    re-embedded and every chunk of the index is a negative (a full softmax, not a sample)."""

    def __init__(self, model, index, examples: list[Example], options: TrainOptions):
        import numpy as np
        import torch

        from ..embed.st import SentenceTransformerEmbedder
        from ..store.build import doc_identity, documents_identity

        have = documents_identity(index.manifest.embedder)
        want = doc_identity(options.base, SentenceTransformerEmbedder(options.base).fingerprint)
        if have != want:
            raise BadInput(
                f"index {index.name!r} holds vectors of {have!r}, not of --base {options.base!r}: a query "
                "tower must start from the model that embedded the documents (or use --tower both)"
            )
        self.model, self.scale, self.batch_size = model, options.scale, options.batch_size
        vectors = index.dense.vectors()
        texts = list(dict.fromkeys(ex.text_positive for ex in examples if ex.text_positive))
        extra = {t: len(vectors) + i for i, t in enumerate(texts)}
        if texts:
            encoded = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
            vectors = np.vstack([vectors, encoded.astype(np.float32)])
        for ex in examples:
            if ex.text_positive:
                ex.rows.append(extra[ex.text_positive])
        self.docs = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        self.excluded = _excluded_rows(index, examples)

    def batches(self, train: list[Example], rng: random.Random) -> list[list[Example]]:
        order = train[:]
        rng.shuffle(order)
        size = self.batch_size
        return [order[i : i + size] for i in range(0, len(order), size) if len(order[i : i + size]) > 1]

    def _queries(self, texts: list[str]):
        import torch

        out = self.model(_features(self.model, texts))["sentence_embedding"]
        return torch.nn.functional.normalize(out, dim=-1)

    def loss(self, batch: list[Example], rng: random.Random):
        """Half "find the page": any row of a positive's document or man page counts; half
        "find each positive" against the rows outside those pages. The second half alone lets
        the one paragraph every pair of a command shares (its NAME) satisfy the loss, and the
        model then answers every request with some NAME paragraph; the first half alone
        ignores which paragraphs were asked for. One positive of a one-chunk document (CoNaLa)
        makes both halves the plain InfoNCE loss."""
        import torch

        logits = self.scale * self._queries([ex.query for ex in batch]) @ self.docs.T
        positive = torch.zeros_like(logits, dtype=torch.bool)
        own = torch.zeros_like(logits, dtype=torch.bool)
        for i, ex in enumerate(batch):
            positive[i, ex.rows] = True
            own[i, self.excluded.get(id(ex), [])] = True
        own |= positive
        page = logits.logsumexp(dim=1) - logits.masked_fill(~own, float("-inf")).logsumexp(dim=1)
        outside = logits.masked_fill(own, float("-inf")).logsumexp(dim=1, keepdim=True)
        each = torch.logaddexp(outside, logits) - logits
        each = (each * positive).sum(dim=1) / positive.sum(dim=1)
        return ((page + each) / 2).mean()

    def recall(self, held: list[Example], k: int = 10) -> float:
        import numpy as np

        queries = self.model.encode([ex.query for ex in held], batch_size=64, normalize_embeddings=True)
        top = np.argpartition(-(queries @ self.docs.numpy().T), k, axis=1)[:, :k]
        shares = [len(set(ex.rows) & set(t.tolist())) / len(ex.rows) for ex, t in zip(held, top)]
        return round(100 * float(np.mean(shares)), 2)


class BothTowers:
    """Queries and documents share the encoder (sentence-transformers' MultipleNegativesRankingLoss:
    in-batch negatives plus one mined hard negative); every document must be re-embedded after."""

    def __init__(self, model, index, train: list[Example], options: TrainOptions, rng: random.Random):
        try:
            from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
        except ImportError:  # sentence-transformers < 6
            from sentence_transformers.losses import MultipleNegativesRankingLoss  # type: ignore[no-redef]

        self.model, self.options = model, options
        self.loss_fn = MultipleNegativesRankingLoss(model, scale=options.scale)
        self.distractors = _distractors(index, train, 2000, rng)

    def batches(self, train: list[Example], rng: random.Random) -> list[list[Example]]:
        return batches(train, self.options.batch_size, rng)

    def loss(self, batch: list[Example], rng: random.Random):
        columns = [[ex.query for ex in batch], [rng.choice(ex.positives) for ex in batch]]
        if self.options.hard_negatives and all(ex.negatives for ex in batch):
            columns.append([rng.choice(ex.negatives[:10]) for ex in batch])
        return self.loss_fn([_features(self.model, texts) for texts in columns], None)

    def recall(self, held: list[Example]) -> float:
        return holdout_recall(self.model, held, self.distractors)


def _excluded_rows(index, examples: list[Example]) -> dict[int, list[int]]:
    """Per example: rows of its positives' documents and man pages, left out of its negatives."""
    docs = {d for ex in examples for d in ex.doc_ids}
    commands = {c for ex in examples for c in ex.commands}
    by_doc: dict[str, list[int]] = {}
    by_command: dict[str, list[int]] = {}
    for row, doc_id, command in index.store.values("row", "doc_id", "command"):
        if doc_id in docs:
            by_doc.setdefault(doc_id, []).append(row)
        if command in commands:
            by_command.setdefault(command, []).append(row)
    out = {}
    for ex in examples:
        rows = [r for d in ex.doc_ids for r in by_doc.get(d, ())]
        rows += [r for c in ex.commands for r in by_command.get(c, ())]
        if rows:
            out[id(ex)] = rows
    return out


def _distractors(index, train: list[Example], n: int, rng: random.Random) -> list[str]:
    """Random chunks of the index plus training negatives: the held-out candidates' crowd."""
    from ..chunking import search_text

    rows = rng.sample(range(index.count), min(n, index.count))
    texts = [search_text(c.title, c.text) for c in index.store.get(rows)]
    negs = [t for ex in train for t in ex.negatives[:2]]
    rng.shuffle(negs)
    return texts + negs[:n]


def _features(model, texts: list[str]) -> dict:
    """Tokenized inputs (``preprocess`` in sentence-transformers 6, ``tokenize`` before)."""
    prepare = getattr(model, "preprocess", None) or model.tokenize
    return prepare(texts)
