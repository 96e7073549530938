"""A small decoder-only transformer over the problem language, written plainly.

Pre-norm blocks (layer norm, causal self-attention, layer norm, a GELU MLP),
learned positions, the output layer tied to the token embedding.  Besides the
forward pass for training it does what the search needs:

* ``propose``: beam search for the next auxiliary clause after a prompt
  (``<bos> problem ? goal <sep>``), the best ``k`` clauses with their
  log-likelihoods;
* ``score``: the log-likelihood of given clauses after a prompt, to rank
  candidates proposed by others.

Both run the prompt once and keep its keys and values, so each further token
costs one position; the beams of ``propose`` share the prompt's (``Block.decode``).
Weights are saved as safetensors (no pickle) with the configuration beside them
in JSON.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class ModelConfig:
    vocab: int
    d_model: int = 256
    layers: int = 6
    heads: int = 8
    ff: int = 1024
    context: int = 384  # tokens of prompt and clauses together
    dropout: float = 0.0


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.heads = c.heads
        self.ln1 = nn.LayerNorm(c.d_model)
        self.qkv = nn.Linear(c.d_model, 3 * c.d_model)
        self.proj = nn.Linear(c.d_model, c.d_model)
        self.ln2 = nn.LayerNorm(c.d_model)
        self.mlp = nn.Sequential(nn.Linear(c.d_model, c.ff), nn.GELU(), nn.Linear(c.ff, c.d_model))
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor, past: tuple | None = None, mask: torch.Tensor | None = None):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        if mask is None:  # causal; with a past, one new position that sees all of it
            assert past is None or t == 1, "several new positions after a past need a mask"
            y = F.scaled_dot_product_attention(q, k, v, is_causal=past is None)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        y = y.transpose(1, 2).reshape(b, t, d)
        x = x + self.drop(self.proj(y))
        x = x + self.drop(self.mlp(self.ln2(x)))
        return x, (k, v)

    def decode(self, x: torch.Tensor, prefix: tuple, gen: tuple | None):
        """One new position for each of ``b`` beams (x: b, 1, d) that share the prompt's keys and
        values (``prefix``, batch 1) and have their own for the tokens generated so far (``gen``):
        the prompt's are never copied per beam, which is what a beam search of width 256 spent
        its time on."""
        b, _, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, 1, h, d // h).transpose(1, 2) for z in (q, k, v))
        if gen is not None:
            k, v = torch.cat([gen[0], k], dim=2), torch.cat([gen[1], v], dim=2)
        # against the prompt as one (heads, beams, dh) @ (heads, dh, n) product: a broadcast over
        # the beams would copy the prompt's keys once per beam
        qh = q.squeeze(2).transpose(0, 1)  # (heads, beams, dh)
        pk, pv = prefix[0][0], prefix[1][0]  # (heads, n, dh)
        att = torch.cat([(qh @ pk.transpose(1, 2)).transpose(0, 1), (q @ k.transpose(-1, -2)).squeeze(2)], dim=-1)
        att = (att / math.sqrt(d // h)).softmax(dim=-1)  # (beams, heads, n + generated)
        n = pk.shape[1]
        y = (att[..., :n].transpose(0, 1) @ pv).transpose(0, 1) + (att[..., n:].unsqueeze(2) @ v).squeeze(2)
        y = y.reshape(b, 1, d)
        x = x + self.proj(y)
        x = x + self.mlp(self.ln2(x))
        return x, (k, v)


# a beam this close below the k-th best finished clause is kept: float rounding (a logsumexp over
# the end tokens, logits from smaller batches) could otherwise drop one the plain search keeps
PRUNE_MARGIN = 1e-4


class Transformer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.config = c
        self.tok = nn.Embedding(c.vocab, c.d_model)
        self.pos = nn.Embedding(c.context, c.d_model)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.ln = nn.LayerNorm(c.d_model)
        self.apply(self._init)
        for name, p in self.named_parameters():  # residual projections scaled down with depth
            if name.endswith(("proj.weight", "mlp.2.weight")):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * c.layers))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx: torch.Tensor, past: list | None = None, mask: torch.Tensor | None = None):
        """Logits for every position of ``idx`` (b, t), and the keys and values of each layer."""
        start = 0 if past is None else past[0][0].shape[2]
        pos = torch.arange(start, start + idx.shape[1], device=idx.device)
        x = self.tok(idx) + self.pos(pos)
        presents = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if past is None else past[i], mask)
            presents.append(kv)
        return self.ln(x) @ self.tok.weight.T, presents

    def decode(self, idx: torch.Tensor, prefix: list, gen: list | None, start: int):
        """Logits for one new position per beam (idx: b, 1) at position ``start``, after the
        prompt's keys and values (``prefix``, from ``forward``) and each beam's own (``gen``)."""
        x = self.tok(idx) + self.pos(torch.tensor([start]))
        out = []
        for i, block in enumerate(self.blocks):
            x, kv = block.decode(x, prefix[i], None if gen is None else gen[i])
            out.append(kv)
        return self.ln(x) @ self.tok.weight.T, out

    def parameters_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # -- inference ---------------------------------------------------------------------

    @torch.no_grad()
    def propose(self, prompt: list[int], k: int, ends: tuple[int, ...], max_len: int = 32,
                prune: bool = True) -> list[tuple[list[int], float]]:
        """The ``k`` most likely continuations of ``prompt`` up to one of ``ends`` (not included),
        by beam search of width ``k``, with their log-likelihoods (the end token counted).
        A clause only loses likelihood as it grows, so a beam below the k-th best finished clause
        can never be among the k best: it is dropped (when none is left, the search is over).
        ``prune=False`` keeps every open beam up to ``max_len``: the plain beam search, slower, with
        the same clauses up to float rounding (smaller batches can round logits differently;
        ``PRUNE_MARGIN`` keeps the beams that rounding could lift; tests/test_neural.py and
        benchmarks/PROPOSALS.md compare the two)."""
        room = self.config.context - len(prompt)
        if room <= 1:
            return []
        logits, prefix = self(torch.tensor([prompt]))
        gen = None  # each beam's keys and values past the prompt
        beams: list[tuple[list[int], float]] = [([], 0.0)]
        last = logits[:, -1]
        done: list[tuple[list[int], float]] = []
        best: list[float] = []  # the k best finished log-likelihoods, a min-heap
        end_ids = torch.tensor(ends)
        for step in range(min(max_len, room - 1)):
            logp = F.log_softmax(last.float(), dim=-1)  # (beams, vocab)
            end_lp = torch.logsumexp(logp[:, end_ids], dim=1).tolist()
            finished = [(seq, lp + e) for (seq, lp), e in zip(beams, end_lp) if seq]
            done.extend(finished)
            for _, lp in finished:
                if len(best) < k:
                    heapq.heappush(best, lp)
                elif lp > best[0]:
                    heapq.heapreplace(best, lp)
            total = torch.tensor([lp for _, lp in beams]).unsqueeze(1) + logp
            total[:, end_ids] = -math.inf
            if prune and len(best) == k:  # below the k-th best finished: never among the k best
                total[total < best[0] - PRUNE_MARGIN] = -math.inf
            flat = total.flatten()
            top = torch.topk(flat, min(k, int(torch.isfinite(flat).sum())))
            if len(top.values) == 0:
                break
            rows = torch.div(top.indices, logp.shape[1], rounding_mode="floor")
            cols = top.indices % logp.shape[1]
            beams = [(beams[r][0] + [c], v) for r, c, v in zip(rows.tolist(), cols.tolist(), top.values.tolist())]
            gen = None if gen is None else [(kk[rows], vv[rows]) for kk, vv in gen]
            logits, gen = self.decode(cols.view(-1, 1), prefix, gen, len(prompt) + step)
            last = logits[:, -1]
        done.sort(key=lambda t: -t[1])
        return done[:k]

    @torch.no_grad()
    def score(self, prompt: list[int], continuations: list[list[int]], ends: tuple[int, ...],
              batch: int = 256) -> list[float]:
        """Log-likelihood of each continuation after ``prompt``, its end (any of ``ends``) counted;
        -inf for one that does not fit in the context."""
        if not continuations:
            return []
        logits, past = self(torch.tensor([prompt]))
        first = logits[:, -1:]  # predicts each continuation's first token
        n = len(prompt)
        end_ids = torch.tensor(ends)
        out: list[float] = []
        for lo in range(0, len(continuations), batch):
            group = continuations[lo:lo + batch]
            width = max(len(c) for c in group)
            ids = torch.zeros(len(group), width, dtype=torch.long)
            for i, c in enumerate(group):
                ids[i, : len(c)] = torch.tensor(c, dtype=torch.long)
            if n + width > self.config.context:
                out.extend(-math.inf for _ in group)
                continue
            kv = [(k.expand(len(group), -1, -1, -1), v.expand(len(group), -1, -1, -1)) for k, v in past]
            # a new position sees the whole prompt and the new positions up to itself
            mask = torch.ones(width, n + width, dtype=torch.bool).tril(diagonal=n)
            logits, _ = self(ids, kv, mask)
            logp = F.log_softmax(torch.cat([first.expand(len(group), 1, -1), logits], dim=1).float(), dim=-1)
            for i, c in enumerate(group):
                m = len(c)
                s = float(logp[i, torch.arange(m), ids[i, :m]].sum())
                out.append(s + float(torch.logsumexp(logp[i, m, end_ids], dim=0)))
        return out


def save(model: Transformer, path: str | Path, extra: dict | None = None) -> str:
    """Weights to ``path`` (safetensors) and the configuration to ``path``.json; the sha256."""
    import hashlib

    from safetensors.torch import save_file

    path = Path(path)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    meta = {"config": asdict(model.config), "sha256": digest, **(extra or {})}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n")
    return digest


class WeightsError(Exception):
    """Weights that are missing, damaged or not the ones their record names."""


def load(path: str | Path, check_sha: bool = True) -> Transformer:
    """A model saved by ``save``; WeightsError if the file's sha256 differs from its record."""
    import hashlib

    from safetensors.torch import load_file

    path = Path(path)
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise WeightsError(f"no model at {path} (weights and {meta_path.name} are both needed)")
    meta = json.loads(meta_path.read_text())
    if check_sha:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != meta.get("sha256"):
            raise WeightsError(f"{path}: sha256 {digest[:12]}... is not the recorded {str(meta.get('sha256'))[:12]}...")
    model = Transformer(ModelConfig(**meta["config"]))
    model.load_state_dict(load_file(str(path)))
    model.eval()
    return model
