"""The ``train-classifier`` subcommand, mounted by cli.py like the report commands::

add_classify_commands(sub); COMMANDS.update(CLASSIFY_COMMANDS)
"""

from __future__ import annotations

import argparse
import sys


def add_classify_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train-classifier",
        help="train a fastText quality classifier from positive and negative documents",
    )
    p.add_argument("--positive", nargs="+", required=True, metavar="P", help="files or folders")
    p.add_argument("--negative", nargs="+", required=True, metavar="N", help="files or folders")
    p.add_argument("-o", "--output", required=True, metavar="MODEL.bin")
    p.add_argument("--label-positive", default="hq", help="label of the positives (default hq)")
    p.add_argument("--label-negative", default="cc", help="label of the negatives (default cc)")
    p.add_argument("--text-field", default="text", help="input field holding the text")
    p.add_argument(
        "--newline", default="", help="what a line break becomes (use the stage's value)"
    )
    p.add_argument("--held-out", type=float, default=0.1, help="share scored, not trained on")
    p.add_argument(
        "--keep-rate", type=float, default=0.1, help="share to keep when choosing the threshold"
    )
    p.add_argument("--max-per-class", type=int, help="read at most this many documents a class")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--epoch", type=int, default=5)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--word-ngrams", type=int, default=2)
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument(
        "--bucket",
        type=int,
        default=2_000_000,
        help="hash buckets for word n-grams (fastText's default; the model is bucket*dim*4 bytes)",
    )
    p.add_argument("--threads", type=int, default=1, help="fastText threads (1: reproducible)")
    p.add_argument("--seed", type=int, default=0)


def _fail(msg: str) -> int:
    print(f"tamis: error: {msg}", file=sys.stderr)
    return 2


def cmd_train(args: argparse.Namespace) -> int:
    from tamis.classify.train import train_classifier

    if not 0 < args.held_out < 1:
        return _fail(f"--held-out: must be between 0 and 1 (got {args.held_out})")
    if not 0 < args.keep_rate <= 1:
        return _fail(f"--keep-rate: must be in (0, 1] (got {args.keep_rate})")
    if args.label_positive == args.label_negative:
        return _fail("--label-positive and --label-negative must differ")
    try:
        r = train_classifier(
            args.positive,
            args.negative,
            args.output,
            label_positive=args.label_positive,
            label_negative=args.label_negative,
            text_field=args.text_field,
            newline=args.newline,
            held_out=args.held_out,
            keep_rate=args.keep_rate,
            seed=args.seed,
            dim=args.dim,
            epoch=args.epoch,
            lr=args.lr,
            word_ngrams=args.word_ngrams,
            min_count=args.min_count,
            bucket=args.bucket,
            threads=args.threads,
            max_per_class=args.max_per_class,
        )
    except ValueError as exc:
        return _fail(str(exc))
    pos, neg = args.label_positive, args.label_negative
    print(f"model: {r.model_path}  (labels: {pos}, {neg})")
    print(f"trained on {r.n_train[pos]:,} {pos} and {r.n_train[neg]:,} {neg} documents")
    print(
        f"held out: {r.n_held_out[pos]:,} {pos} and {r.n_held_out[neg]:,} {neg}; "
        f"ROC AUC of the {pos} score: {r.auc:.4f}"
    )
    print(
        f"threshold keeping {r.keep_rate:.0%} of the held-out documents: {r.threshold:.6g} "
        f"(keeps {r.kept_share[pos]:.1%} of {pos}, {r.kept_share[neg]:.1%} of {neg})"
    )
    print(f"use it:  - classifier: {{model: {r.model_path}, keep: {{{pos}: {r.threshold:.6g}}}}}")
    return 0


CLASSIFY_COMMANDS = {"train-classifier": cmd_train}
