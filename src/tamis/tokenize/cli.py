"""The ``tokenize`` subcommand, and ``verify`` of a tokenize output, for cli.py to mount.

Each command returns an exit code: 0 done, 1 failed, 2 bad usage (the CLI turns
configuration and input errors into 2 before any work starts).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_tokenize_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tokenize", help="turn documents (or a 'tamis clean' output's kept/) into token ids"
    )
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files or folders; a clean OUT means its kept/"
    )
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument(
        "--tokenizer",
        required=True,
        metavar="PATH",
        help="a Hugging Face tokenizer.json, or a tiktoken NAME.tiktoken file (never downloaded)",
    )
    p.add_argument(
        "--format",
        choices=["megatron", "datatrove", "npy"],
        default="megatron",
        help="megatron .bin/.idx (default), datatrove .ds, or dolma-style .npy memmaps",
    )
    p.add_argument("--text-field", default="text", help="input field holding the text")
    p.add_argument(
        "--eos",
        metavar="TOKEN",
        help="token after every document (default: the tokenizer's end-of-text; '' for none)",
    )
    p.add_argument("--bos", metavar="TOKEN", help="token before every document (default none)")
    p.add_argument(
        "--shard-tokens",
        type=int,
        metavar="N",
        help="at most N tokens a file (a shard's tokens are cut at document boundaries)",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: CPU count)")
    p.add_argument(
        "--executor", choices=["local", "inprocess", "ray"], default="local", help="where tasks run"
    )
    p.add_argument("--ray-address", metavar="ADDR", help="with --executor ray: 'auto' or HOST:PORT")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _cmd_tokenize(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tamis.tokenize.job import TokenizeOptions, run_tokenize

    console = Console(stderr=True)
    opts = TokenizeOptions(
        inputs=list(args.inputs),
        output=args.output,
        tokenizer=args.tokenizer,
        format=args.format,
        text_field=args.text_field,
        eos=args.eos,
        bos=args.bos,
        shard_tokens=args.shard_tokens,
        workers=args.workers,
        executor=args.executor,
        ray_address=args.ray_address,
        overwrite=args.overwrite,
    )
    result = run_tokenize(opts, show_progress=console.is_terminal and not args.quiet)
    if not args.quiet:
        t = result.tokens["total"]
        rate = t["tokens"] / result.seconds if result.seconds else 0
        console.print(
            f"tamis: {t['documents']:,} documents -> {t['tokens']:,} tokens "
            f"({result.tokens['format']}, {result.tokens['dtype']}) in {result.out_dir}, "
            f"{result.seconds:.1f} s ({rate:,.0f} tokens/s)"
            + (f"; {t['unreadable']:,} unreadable input records" if t["unreadable"] else "")
        )
    return 0


def add_clean_tokenize_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tokenize",
        metavar="PATH",
        help="then tokenize the kept documents with this tokenizer into OUT/tokens/ "
        "(Megatron .bin/.idx, the tokenizer's end-of-text after each document)",
    )


def check_clean_tokenize(args: argparse.Namespace) -> None:
    """``clean --tokenize``: a bad tokenizer fails before the pipeline runs."""
    if getattr(args, "tokenize", None):
        from tamis.tokenize.tokenizer import open_tokenizer, resolve_framing

        resolve_framing(open_tokenizer(args.tokenize), None, None)


def tokenize_after_clean(args: argparse.Namespace, cfg, show_progress: bool) -> int:
    """The last step of ``clean --tokenize``: OUT/kept/ to OUT/tokens/, resumable like clean."""
    from tamis.tokenize.job import TokenizeOptions, run_tokenize

    out = Path(cfg.run.output)
    result = run_tokenize(
        TokenizeOptions(
            inputs=[str(out / "kept")],
            output=str(out / "tokens"),
            tokenizer=args.tokenize,
            workers=cfg.run.workers,
            executor=cfg.run.executor,
            ray_address=cfg.run.ray_address,
        ),
        show_progress=show_progress,
    )
    if not args.quiet:
        t = result.tokens["total"]
        print(
            f"tokens: {t['documents']:,} kept documents -> {t['tokens']:,} tokens in {out / 'tokens'}"
        )
    return 0


def is_tokenize_output(out: Path) -> bool:
    return (out / "tokens.json").exists() and not (out / "manifest.json").exists()


def verify_tokenize_output(out: Path) -> int:
    from tamis.tokenize.verify import verify_tokens
    from tamis.verify import print_problems

    problems, summary = verify_tokens(out)
    print(summary)
    if problems:
        print_problems(problems)
        return 1
    print("OK: every input document tokenized exactly once, ids checked; checksums match")
    return 0


TOKENIZE_COMMANDS = {"tokenize": _cmd_tokenize}
