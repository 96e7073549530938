"""`geosolver train CONFIG`: the proposer model, trained on `geosolver generate`'s examples.

The configuration (JSON) names the data folders, the output folder, the model's
size and the schedule (``TrainConfig``).  Examples with auxiliary clauses are
read, tokenized (``<bos> problem ? goal <sep> aux ; aux <eos>``) and split by
problem: a problem's examples are all held out or all trained on, so that the
held-out figures measure proposing for problems never seen.  The loss is the
next-token cross-entropy, the auxiliary clauses weighted fully and the problem's
own tokens lightly (it is the prompt, but predicting it teaches the language);
examples whose auxiliary points DD + AR cannot do without are drawn more often,
and with ``goal_balance`` the rarer goal kinds too (``draw_weights``).

Every ``eval_every`` steps: held-out loss, and top-1 / top-8 accuracy of the
first auxiliary clause (beam search of width 8, exact match), appended to
``metrics.jsonl``.  Every ``save_every`` steps a checkpoint (model and optimizer
as safetensors, the step in JSON): ``--resume`` carries on from it, drawing the
same batches an uninterrupted run would have (batch ``i`` comes from the random
stream ``(seed, i)``).  With ``keep_best`` the model of the evaluation with the
best held-out top-8 is kept (``best.safetensors``) and is the one saved at the
end; with ``snapshots`` every evaluation's model is kept (``step-N.safetensors``),
to be compared on a development set (``benchmarks/synthetic_dev.py``);
``loose_per_construction`` keeps a problem's non-essential examples from
repeating one construction for many goals (what the model memorises otherwise).
With ``init`` the run starts from a saved model's weights (fine-tuning: its size
must be the configuration's; the optimizer and the schedule start afresh).
"""

from __future__ import annotations

import json
import math
import os
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from geosolver.generate import read_examples
from geosolver.neural.model import ModelConfig, Transformer, save
from geosolver.neural.tokenizer import Tokenizer, loci_text


@dataclass
class TrainConfig:
    data: list[str]  # folders written by `geosolver generate`
    out: str  # checkpoints, metrics and the final model
    d_model: int = 256
    layers: int = 6
    heads: int = 8
    ff: int = 1024
    context: int = 384
    dropout: float = 0.0  # of each block's attention and MLP outputs, while training
    batch: int = 32
    steps: int = 20000
    lr: float = 1e-3
    warmup: int = 500
    weight_decay: float = 0.05
    prompt_weight: float = 0.1  # loss weight of the problem's tokens (the clauses' tokens weigh 1)
    essential_weight: float = 4.0  # how much more often an essential example is drawn
    goal_balance: float = 0.0  # 0: goal kinds drawn as the data has them; 1: each kind as often (draw_weights)
    loci_share: float = 0.0  # share of named line intersections the model is shown as two loci (loci_text)
    holdout: float = 0.02  # fraction of problems held out
    max_examples: int = 0  # 0: all
    loose_per_construction: int = 0  # examples a problem keeps per first auxiliary clause unless essential (0: all)
    keep_best: bool = False  # the model saved at the end is the evaluation with the best held-out top-8
    snapshots: bool = False  # each evaluation's model also kept as step-N.safetensors (to choose on a dev set)
    eval_every: int = 1000
    eval_examples: int = 200  # held-out examples for top-k accuracy
    save_every: int = 500
    seed: int = 0
    threads: int = 0  # torch threads (0: torch's default)
    init: str = ""  # weights to start from (a model.safetensors of the same size), or "": random


class TrainError(Exception):
    """A configuration or data set that cannot be trained on."""


def load_config(path: str | os.PathLike, data: list[str] | None = None, out: str | None = None) -> TrainConfig:
    """The configuration of a JSON file; ``data`` and ``out`` (from the command line) override its
    folders.  Relative folders in the file are read from the file's own folder."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise TrainError(f"{path}: cannot read the configuration: {e}") from None
    if not isinstance(raw, dict):
        raise TrainError(f"{path}: the configuration must be a JSON object")
    cwd = Path.cwd()
    if data:
        raw["data"] = [str((cwd / d).resolve()) for d in data]
    if out:
        raw["out"] = str((cwd / out).resolve())
    known = set(TrainConfig.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise TrainError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in ("data", "out"):
        if key not in raw:
            raise TrainError(f"{path}: '{key}' is required")
    base = Path(path).parent
    if isinstance(raw["data"], str):
        raw["data"] = [raw["data"]]
    raw["data"] = [str((base / d).resolve()) if not os.path.isabs(d) else d for d in raw["data"]]
    for key in ("out", "init"):
        if raw.get(key) and not os.path.isabs(raw[key]):
            raw[key] = str((base / raw[key]).resolve())
    try:
        cfg = TrainConfig(**raw)
    except TypeError as e:
        raise TrainError(f"{path}: {e}") from None
    for key in ("batch", "steps", "d_model", "layers", "heads", "ff", "context", "eval_every", "save_every"):
        value = getattr(cfg, key)
        if not isinstance(value, int) or value < 1:
            raise TrainError(f"{path}: '{key}' must be a positive integer, got {value!r}")
    if not isinstance(cfg.dropout, (int, float)) or not 0 <= cfg.dropout < 1:
        raise TrainError(f"{path}: 'dropout' must be a number in [0, 1), got {cfg.dropout!r}")
    for key in ("goal_balance", "loci_share"):
        value = getattr(cfg, key)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise TrainError(f"{path}: '{key}' must be a number in [0, 1], got {value!r}")
    if cfg.d_model % cfg.heads:
        raise TrainError(f"{path}: d_model ({cfg.d_model}) must be a multiple of heads ({cfg.heads})")
    return cfg


@dataclass
class DataSet:
    seqs: list[list[int]]  # token ids
    starts: list[int]  # where each sequence's clauses begin (after <sep>)
    essential: np.ndarray  # bool per example
    texts: list[tuple[str, list[str]]]  # (problem ? goal, aux clauses), for the accuracy


def held_out(problem: str, fraction: float) -> bool:
    """Whether a problem (all its examples) belongs to the held-out split: a stable hash."""
    return zlib.crc32(problem.encode()) % 10_000 < fraction * 10_000


def example_row(x: dict, tok: Tokenizer, context: int, loci_share: float = 0.0, seed: int = 0) -> tuple | None:
    """An example with auxiliary clauses as a data set's row (token ids, where its clauses start,
    essential, (problem ? goal, clauses)); None if it does not fit the context or has unknown words.
    With ``loci_share`` some of the problem's line intersections are spelled as loci (``loci_text``)."""
    text = f"{loci_text(x['problem'], loci_share, seed)} ? {x['goal']}"
    ids = tok.example(text, x["aux"])
    if len(ids) > context or tok.unk in ids:
        return None
    return ids, ids.index(tok.sep) + 1, bool(x.get("essential")), (text, x["aux"])


def load_data(cfg: TrainConfig, tok: Tokenizer) -> tuple[DataSet, DataSet]:
    """(training, held-out) examples with auxiliary clauses that fit the context."""
    parts = {False: ([], [], [], []), True: ([], [], [], [])}
    count = 0
    per_key: dict[tuple[str, str], int] = {}
    for folder in cfg.data:
        if not Path(folder).is_dir():
            raise TrainError(f"no data folder {folder}")
        if cfg.max_examples and count >= cfg.max_examples:
            break
        for x in read_examples(folder):
            if not x["aux"]:
                continue
            if cfg.loose_per_construction and not x.get("essential"):
                # one figure gives many goals proved with the same point: keep a few, not all
                key = (x["problem"], x["aux"][0])
                per_key[key] = per_key.get(key, 0) + 1
                if per_key[key] > cfg.loose_per_construction:
                    continue
            row = example_row(x, tok, cfg.context, cfg.loci_share, cfg.seed)
            if row is None:
                continue
            for column, value in zip(parts[held_out(x["problem"], cfg.holdout)], row):
                column.append(value)
            count += 1
            if cfg.max_examples and count >= cfg.max_examples:
                break
    train, test = (DataSet(s, st, np.array(e, dtype=bool), t) for s, st, e, t in (parts[False], parts[True]))
    if not train.seqs:
        raise TrainError(f"no training examples with auxiliary clauses in {', '.join(cfg.data)}")
    return train, test


def batch_tensors(data: DataSet, rows, tok: Tokenizer, prompt_weight: float):
    """Inputs, targets and per-token loss weights of the given examples, padded."""
    seqs = [data.seqs[i] for i in rows]
    width = max(len(s) for s in seqs) - 1
    x = torch.full((len(seqs), width), tok.pad, dtype=torch.long)
    y = torch.full((len(seqs), width), tok.pad, dtype=torch.long)
    w = torch.zeros((len(seqs), width))
    for r, (i, s) in enumerate(zip(rows, seqs)):
        n = len(s) - 1
        x[r, :n] = torch.tensor(s[:-1])
        y[r, :n] = torch.tensor(s[1:])
        w[r, :n] = prompt_weight
        w[r, data.starts[i] - 1 : n] = 1.0  # targets from the first clause token on
    return x, y, w


def loss_of(model: Transformer, x, y, w) -> torch.Tensor:
    logits, _ = model(x)
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
    return (ce * w.reshape(-1)).sum() / w.sum()


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Linear warm-up, then cosine decay to a tenth."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


def goal_kind(text: str) -> str:
    """The predicate of a goal, or of an example's goal (``problem ? goal``)."""
    return text.rsplit(" ? ", 1)[-1].split()[0]


def draw_weights(data: DataSet, cfg: TrainConfig) -> np.ndarray:
    """Each training example's chance of being drawn.  Essential examples weigh
    ``essential_weight``; with ``goal_balance`` b the examples of a goal kind whose weights sum
    to m are scaled by m^-b, so that kind is drawn in proportion to m^(1-b): random figures give
    eqratio and eqangle goals far more often than the cong, perp, para and cyclic goals of
    olympiad problems, and b = 0.5 evens that out by a square root, b = 1 fully."""
    p = np.where(data.essential, cfg.essential_weight, 1.0)
    if cfg.goal_balance:
        kinds = np.array([goal_kind(text) for text, _ in data.texts])
        for kind in np.unique(kinds):
            mine = kinds == kind
            p[mine] *= p[mine].sum() ** -cfg.goal_balance
    return p / p.sum()


def draw_batch(data: DataSet, cfg: TrainConfig, step: int, weights: np.ndarray) -> np.ndarray:
    """Batch ``step``'s examples (``weights``: ``draw_weights``, once per run): from the random
    stream (seed, step), so a resumed run draws the same."""
    rng = np.random.default_rng([cfg.seed, step])
    return rng.choice(len(data.seqs), size=cfg.batch, p=weights)


def evaluate(model: Transformer, data: DataSet, cfg: TrainConfig, tok: Tokenizer) -> dict:
    """Held-out loss, and how often the true first clause is the model's first / in its top 8."""
    model.eval()
    out: dict = {}
    if not data.seqs:
        return out
    rng = np.random.default_rng([cfg.seed, 10**9])
    rows = rng.permutation(len(data.seqs))
    with torch.no_grad():
        losses = []
        for lo in range(0, min(len(rows), 512), cfg.batch):
            losses.append(float(loss_of(model, *batch_tensors(data, rows[lo:lo + cfg.batch], tok, 0.0))))
        out["heldout_loss"] = float(np.mean(losses))
    # accuracy on essential examples first: what the search needs
    order = sorted(rows, key=lambda i: not data.essential[i])[: cfg.eval_examples]
    top1 = top8 = 0
    ends = (tok.ids[";"], tok.eos)
    for i in order:
        text, aux = data.texts[i]
        want = tok.encode(aux[0])
        got = [seq for seq, _ in model.propose(tok.prompt(text), 8, ends)]
        top1 += bool(got) and got[0] == want
        top8 += want in got
    n = max(1, len(order))
    out.update(top1=top1 / n, top8=top8 / n, accuracy_examples=len(order),
               essential_share=float(np.mean(data.essential[order])) if order else 0.0)
    model.train()
    return out


def _opt_state(opt: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    """AdamW's state as named tensors (safetensors holds tensors only)."""
    out = {}
    for i, state in opt.state_dict()["state"].items():
        for k, v in state.items():
            out[f"{i}.{k}"] = v if torch.is_tensor(v) else torch.tensor(v)
    return out


def _load_opt_state(opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor]) -> None:
    sd = opt.state_dict()
    state: dict = {}
    for name, v in tensors.items():
        i, k = name.split(".", 1)
        state.setdefault(int(i), {})[k] = v
    sd["state"] = state
    opt.load_state_dict(sd)


def save_checkpoint(folder: Path, model: Transformer, opt, step: int, cfg: TrainConfig) -> None:
    from safetensors.torch import save_file

    tmp = folder / "checkpoint.tmp"
    tmp.mkdir(exist_ok=True)
    save(model, tmp / "model.safetensors", {"step": step, "train": asdict(cfg)})
    save_file(_opt_state(opt), str(tmp / "optimizer.safetensors"))
    final = folder / "checkpoint"
    if final.exists():
        for f in final.iterdir():
            f.unlink()
        final.rmdir()
    tmp.rename(final)


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True) -> dict:
    """Train (or carry on training) the model of ``cfg``; the last evaluation's figures."""
    from safetensors.torch import load_file

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    tok = Tokenizer()
    mcfg = ModelConfig(vocab=len(tok), d_model=cfg.d_model, layers=cfg.layers, heads=cfg.heads, ff=cfg.ff,
                       context=cfg.context, dropout=cfg.dropout)
    out = Path(cfg.out)
    ckpt = out / "checkpoint"
    resumed = resume and (ckpt / "model.safetensors").exists()
    # init's weights are checked before anything is written; a resumed run starts from its checkpoint
    start = initial_weights(cfg.init, mcfg) if cfg.init and not resumed else None
    out.mkdir(parents=True, exist_ok=True)
    saved_cfg = out / "train.json"
    if saved_cfg.exists() and not resume:
        raise TrainError(f"{out} already holds a training run: pass --resume, or choose another 'out'")
    if resume and saved_cfg.exists():
        # a run saved before a setting existed had that setting's default
        old = {**asdict(TrainConfig(data=cfg.data, out=cfg.out)), **json.loads(saved_cfg.read_text())}
        if old != asdict(cfg):
            changed = sorted(k for k in old if old.get(k) != asdict(cfg).get(k))
            raise TrainError(f"{out} was trained with other settings ({', '.join(changed)})")
    saved_cfg.write_text(json.dumps(asdict(cfg), indent=1) + "\n")
    t0 = time.perf_counter()
    train_set, test_set = load_data(cfg, tok)
    torch.manual_seed(cfg.seed)
    model = Transformer(mcfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.95))
    step = 0
    if resumed:
        model.load_state_dict(load_file(str(ckpt / "model.safetensors")))
        _load_opt_state(opt, load_file(str(ckpt / "optimizer.safetensors")))
        step = json.loads((ckpt / "model.json").read_text())["step"]
    elif start is not None:
        model.load_state_dict(start)
    weights = draw_weights(train_set, cfg)
    metrics = out / "metrics.jsonl"
    with metrics.open("a") as fh:
        fh.write(json.dumps({"event": "start", "step": step, "train_examples": len(train_set.seqs),
                             "heldout_examples": len(test_set.seqs),
                             "train_essential": int(train_set.essential.sum()),
                             "parameters": model.parameters_count(),
                             "load_seconds": round(time.perf_counter() - t0, 1)}) + "\n")
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=cfg.steps, initial=step, unit="step", desc="train", dynamic_ncols=True)
    model.train()
    last: dict = {}
    running = None
    t_start = time.perf_counter()
    try:
        while step < cfg.steps:
            for group in opt.param_groups:
                group["lr"] = lr_at(cfg, step)
            x, y, w = batch_tensors(train_set, draw_batch(train_set, cfg, step, weights), tok, cfg.prompt_weight)
            torch.manual_seed(cfg.seed * 1_000_003 + step)  # dropout's masks: a resumed run draws the same
            loss = loss_of(model, x, y, w)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            value = float(loss.detach())
            running = value if running is None else 0.98 * running + 0.02 * value
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{running:.3f}")
            record = None
            if step % 100 == 0:
                record = {"step": step, "loss": round(running, 4), "lr": lr_at(cfg, step),
                          "seconds": round(time.perf_counter() - t_start, 1)}
            if step % cfg.eval_every == 0 or step == cfg.steps:
                last = evaluate(model, test_set, cfg, tok)
                record = {**(record or {"step": step, "loss": round(running, 4)}), **last}
                if cfg.keep_best and last.get("top8", -1.0) > _best_top8(out):
                    save(model, out / "best.safetensors", {"step": step, "train": asdict(cfg), "eval": last})
                if cfg.snapshots:
                    save(model, out / f"step-{step}.safetensors", {"step": step, "train": asdict(cfg), "eval": last})
            if record:
                with metrics.open("a") as fh:
                    fh.write(json.dumps(record) + "\n")
            if step % cfg.save_every == 0 or step == cfg.steps:
                save_checkpoint(out, model, opt, step, cfg)
    finally:
        if bar is not None:
            bar.close()
    if cfg.keep_best and (out / "best.safetensors").exists():
        meta = json.loads((out / "best.json").read_text())
        model.load_state_dict(load_file(str(out / "best.safetensors")))
        step, last = meta["step"], meta["eval"]
    digest = save(model, out / "model.safetensors", {"step": step, "train": asdict(cfg), "eval": last})
    return {"step": step, "sha256": digest, **last}


def initial_weights(path: str, config: ModelConfig) -> dict[str, torch.Tensor]:
    """The weights of ``init`` (sha256 checked); TrainError unless they are a model of ``config``'s size."""
    from geosolver.neural.model import WeightsError, load

    try:
        saved = load(path)
    except WeightsError as e:
        raise TrainError(f"init: {e}") from None
    mine, theirs = asdict(config), asdict(saved.config)
    diff = ", ".join(f"{k} {theirs[k]} (configuration: {mine[k]})"
                     for k in mine if k != "dropout" and mine[k] != theirs[k])  # dropout is training's own
    if diff:
        raise TrainError(f"init: {path} is a model of another size: {diff}")
    return saved.state_dict()


def _best_top8(out: Path) -> float:
    """The held-out top-8 of the best model saved so far in ``out`` (-1 if none)."""
    meta = out / "best.json"
    return json.loads(meta.read_text())["eval"]["top8"] if meta.exists() else -1.0
