"""The command line. Exit codes: 0 success, 1 a check failed or the run crashed, 2 bad usage,
configuration or input (reported before any work starts, with OUT left untouched)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tamis import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, help="worker processes (default: CPU count)")
    p.add_argument(
        "--output-format",
        choices=["jsonl", "jsonl.gz", "jsonl.zst", "parquet"],
        help="format of the output shards (default jsonl.zst)",
    )
    p.add_argument(
        "--executor", choices=["local", "inprocess", "ray"], help="where tasks run (default local)"
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="with --executor ray: 'auto' or a cluster address (default: start a local Ray)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument(
        "--no-report",
        dest="report",
        action="store_false",
        default=None,
        help="skip writing report.html (write it later with 'tamis report OUT')",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tamis",
        description="Clean, deduplicate and quality-label scraped text; explain every change.",
    )
    parser.add_argument("--version", action="version", version=f"tamis {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="on a failure, print the full traceback too"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("clean", help="run a pipeline over input files into OUT")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--config", metavar="FILE", help="pipeline YAML (default: the default recipe)")
    p.add_argument("--stages", metavar="NAME,NAME", help="run only these stages, in this order")
    p.add_argument("--text-field", help="input field holding the text (default: text)")
    p.add_argument("--id-field", help="input field holding the id (default: id)")
    p.add_argument(
        "--dedup-index",
        metavar="PATH",
        help="deduplicate against a previous run's output (its dedup-index/ folder)",
    )
    from tamis.tokenize.cli import add_clean_tokenize_option

    add_clean_tokenize_option(p)
    _add_run_options(p)

    p = sub.add_parser("run", help="run a pipeline file (inputs and output inside it)")
    p.add_argument("pipeline", metavar="PIPELINE.yaml")
    _add_run_options(p)

    p = sub.add_parser("recipe", help="built-in recipes")
    rsub = p.add_subparsers(dest="recipe_command", required=True, metavar="ACTION")
    rp = rsub.add_parser("show", help="print a recipe's resolved YAML")
    rp.add_argument("name", help="recipe name (default)")

    p = sub.add_parser("verify", help="check that OUT accounts for every input record")
    p.add_argument("out", metavar="OUT")

    p = sub.add_parser(
        "rethreshold",
        help="re-decide keep/reject of an output from its stored signals under new thresholds",
    )
    p.add_argument("out", metavar="OUT")
    p.add_argument(
        "--config",
        required=True,
        metavar="NEW.yaml",
        help="a pipeline file whose quality stages carry the new options",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT2")

    p = sub.add_parser("schema", help="the record schema of an output (or of a recipe's runs)")
    p.add_argument("out", metavar="OUT", nargs="?", help="an output folder (default: a recipe)")
    p.add_argument("--recipe", default="default", help="recipe whose stages to show, without OUT")
    p.add_argument(
        "--format",
        choices=["text", "json", "arrow", "duckdb"],
        default="text",
        help="text; json (schema.json); arrow (pyarrow schemas); duckdb (read_json columns)",
    )

    p = sub.add_parser("stages", help="list the stages and their options")

    from tamis.tokenize.cli import add_tokenize_command

    add_tokenize_command(sub)

    from tamis.report.commands import add_report_commands

    add_report_commands(sub)

    from tamis.classify.commands import add_classify_commands

    add_classify_commands(sub)

    p = sub.add_parser("demo-corpus", help="generate the demo corpus (deterministic)")
    p.add_argument("dest", metavar="DIR")
    p.add_argument("--docs", type=int, default=2400, help="number of documents (default 2400)")
    p.add_argument("--seed", type=int, default=7)
    return parser


def _fail(msg: str, code: int = EXIT_USAGE) -> int:
    print(f"tamis: error: {msg}", file=sys.stderr)
    return code


def _cmd_clean(args: argparse.Namespace) -> int:
    from tamis.config import load_config

    if args.command == "clean":
        from tamis.tokenize.cli import check_clean_tokenize

        check_clean_tokenize(args)
        overrides = {
            "inputs": list(args.inputs),
            "output": args.output,
            "text_field": args.text_field,
            "id_field": args.id_field,
        }
        cfg = load_config(
            args.config, args.stages, overrides | _run_overrides(args), args.dedup_index
        )
    else:
        cfg = load_config(args.pipeline, None, _run_overrides(args))
    return _execute(cfg, args)


def _run_overrides(args: argparse.Namespace) -> dict:
    return {
        "workers": args.workers,
        "output_format": args.output_format,
        "executor": args.executor,
        "ray_address": args.ray_address,
        "report": args.report,
    }


def _execute(cfg, args: argparse.Namespace) -> int:
    from tamis.run.driver import run_pipeline

    console = None  # a quiet run shows nothing: rich is not even imported
    if not args.quiet:
        from rich.console import Console

        console = Console(stderr=True)
    show_progress = console is not None and console.is_terminal
    args.out_dir = cfg.run.output  # named by a failure that names no file
    result = run_pipeline(cfg, overwrite=args.overwrite, show_progress=show_progress)
    if console is not None:
        from tamis.report.summary import print_summary

        print_summary(result, console)
    if not result.manifest["accounting_holds"]:
        return EXIT_FAIL
    if getattr(args, "tokenize", None):
        from tamis.tokenize.cli import tokenize_after_clean

        return tokenize_after_clean(args, cfg, show_progress)
    return EXIT_OK


def _cmd_recipe(args: argparse.Namespace) -> int:
    from tamis.config import build_config, recipe_data

    sys.stdout.write(build_config(recipe_data(args.name)).to_yaml())
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from tamis.io.storage import is_url
    from tamis.tokenize.cli import is_tokenize_output, verify_tokenize_output
    from tamis.verify import print_problems, verify_output

    if not is_url(args.out) and is_tokenize_output(Path(args.out)):
        return verify_tokenize_output(Path(args.out))
    problems, summary = verify_output(args.out)
    print(summary)
    if problems:
        print_problems(problems)
        return EXIT_FAIL
    print("OK: input = kept + rejected + quarantined, record by record; checksums match")
    return EXIT_OK


def _cmd_rethreshold(args: argparse.Namespace) -> int:
    from tamis.config import load_yaml, parse_stage_item
    from tamis.quality.rethreshold import rethreshold

    data = load_yaml(args.config)
    items = data.get("stages", []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return _fail(f"{args.config}: 'stages' must be a list of '- name: {{options}}' items")
    changes = {}
    for i, item in enumerate(items):
        name, _ = parse_stage_item(item, f"stages[{i}]")  # validates name and options
        ((_, options),) = item.items() if isinstance(item, dict) else ((name, {}),)
        changes[name] = options or {}
    from tamis.run.object_lock import lock_for
    from tamis.run.outstore import OutStore, local_output

    args.out_dir = args.output
    src = local_output(args.out)  # a URL's output is read from a local copy
    try:
        with lock_for(args.output, "rethreshold") as lock:
            dst = OutStore(args.output, lock.token)  # a URL's is written locally, then published
            dst.reset()
            if dst.remote and any(n != ".tamis" for n in dst.names()):
                return _fail(f"{args.output} is not empty; choose another output")
            moved = rethreshold(src, changes, dst.local)
            dst.push_tree(".")
            lock.keep()
            dst.discard()
    except ValueError as exc:
        return _fail(str(exc))
    import orjson

    was = orjson.loads((src / "stats.json").read_bytes())
    docs = moved["documents"]
    print(
        f"kept {moved['kept']:,} (was {was['kept']['records']:,}), "
        f"rejected {moved['rejected']:,} (was {was['rejected']['records']:,})"
    )
    for key, n in docs.items():
        print(f"  {key}: {n:,}")
    for rule, c in sorted(moved["rules"].items()):
        if c.get("newly_failing") or c.get("newly_passing"):
            print(
                f"  {rule}: {c.get('newly_failing', 0):,} newly failing, {c.get('newly_passing', 0):,} newly passing"
            )
    print(f"output: {args.output}  (check it: tamis verify {args.output})")
    return EXIT_OK


def _type_name(annotation: object) -> str:
    """An option's type as a user writes it in a recipe, not as ``typing`` prints it."""
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("None" if a is type(None) else _type_name(a) for a in args)
    if origin is None and isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _cmd_stages(args: argparse.Namespace) -> int:
    from tamis.stages.base import stage_class, stage_names

    for name in stage_names():
        cls = stage_class(name)
        kind = "global" if cls.is_global else "per-document"
        print(f"{name}  ({kind})")
        for key, f in cls.Options.model_fields.items():
            print(f"    {key}: {_type_name(f.annotation)} = {f.default!r}")
            if f.description:
                print(f"        {f.description}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    import orjson

    from tamis.io.schema import RunSchema, describe

    if args.out:
        try:
            schema = RunSchema.load(args.out)
        except FileNotFoundError as exc:
            return _fail(str(exc))
    else:
        from tamis.config import build_config, recipe_data
        from tamis.pipeline import Pipeline

        schema = RunSchema(signals=Pipeline(build_config(recipe_data(args.recipe))).signal_kinds())
    if args.format == "json":
        sys.stdout.write(schema.dumps().decode())
    elif args.format == "arrow":
        for kind in ("kept", "rejected", "quarantine"):
            print(f"# {kind}\n{schema.arrow_schema(kind).to_string(show_schema_metadata=False)}\n")
    elif args.format == "duckdb":
        cols = {k: schema.duckdb_columns(k) for k in ("kept", "rejected", "quarantine")}
        print(orjson.dumps(cols, option=orjson.OPT_INDENT_2).decode())
    else:
        if not args.out:
            print(f"(recipe {args.recipe!r}: source and meta are settled per run from its inputs)")
        sys.stdout.write(describe(schema))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from tamis.demo import write_demo_corpus

    paths = write_demo_corpus(Path(args.dest), args.docs, args.seed)
    for p in paths:
        print(p)
    return EXIT_OK


COMMANDS = {
    "clean": _cmd_clean,
    "run": _cmd_clean,
    "recipe": _cmd_recipe,
    "verify": _cmd_verify,
    "stages": _cmd_stages,
    "schema": _cmd_schema,
    "rethreshold": _cmd_rethreshold,
    "demo-corpus": _cmd_demo,
}


def main(argv: list[str] | None = None) -> int:
    from tamis.config import ConfigError
    from tamis.report.commands import REPORT_COMMANDS

    COMMANDS.update(REPORT_COMMANDS)
    from tamis.classify.commands import CLASSIFY_COMMANDS

    COMMANDS.update(CLASSIFY_COMMANDS)
    from tamis.tokenize.cli import TOKENIZE_COMMANDS

    COMMANDS.update(TOKENIZE_COMMANDS)
    from tamis.io.pandas_probe import mark_command_process
    from tamis.io.storage import StorageError
    from tamis.run.faults import explain
    from tamis.run.plan import InputError

    mark_command_process()
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line, not only before the command
    args = build_parser().parse_args([a for a in argv if a != "--debug"])
    args.debug = debug
    try:
        return COMMANDS[args.command](args)
    except (ConfigError, InputError, StorageError) as exc:
        _traceback(args)
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("tamis: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as exc:
        _traceback(args)
        known = explain(exc, getattr(args, "out_dir", None))
        if known is None:  # a bug in tamis
            where = " (rerun with --debug for the traceback)" if not args.debug else ""
            return _fail(
                f"internal error: {type(exc).__name__}: {str(exc)[:300]}{where}; please report "
                "it. Finished shards are kept: run the same command again to resume",
                EXIT_FAIL,
            )
        return _fail(*known)


def _traceback(args: argparse.Namespace) -> None:
    if getattr(args, "debug", False):
        import traceback

        traceback.print_exc()


if __name__ == "__main__":
    sys.exit(main())
