"""The command line: ``python -m classic.experiments list|run|show``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from classic.experiments.registry import EXPERIMENTS, names
from classic.experiments.runner import run
from classic.experiments.storage import load, result_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m classic.experiments",
        description="The course's experiments: list them, run them, show stored results.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every experiment, and which results are stored")
    runner = commands.add_parser("run", help="train every arm and seed; resumable")
    runner.add_argument("names", nargs="+", help="experiment names, or 'all'")
    runner.add_argument("--profile", default="cpu", help="ci, cpu or gpu (default cpu)")
    runner.add_argument("--fresh", action="store_true", help="start the stored result over")
    runner.add_argument("--data-dir", default=None, help="folder of local copies")
    runner.add_argument("--results", default=None, help="results folder (default results/)")
    runner.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="these seeds only (default: the setting's)")
    runner.add_argument("--setting", default=None,
                        help="train this profile's setting instead of --profile's, with "
                             "--profile's precision and compilation (the gpu check: cpu)")
    show = commands.add_parser("show", help="the stored result of an experiment")
    show.add_argument("name")
    show.add_argument("--profile", default="cpu")
    show.add_argument("--results", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        for experiment in EXPERIMENTS.values():
            stored = []
            for profile in experiment.settings:
                path = result_path(experiment, profile, None)
                if path.is_file():
                    stored.append(f"{profile}: {_stored_state(experiment, profile)}")
            print(f"{experiment.name:24} {experiment.notebook:12} "
                  f"{len(experiment.arms)} arms; stored: {'; '.join(stored) or 'none'}")
        return 0
    if args.command == "show":
        results = load(args.name, args.profile, root=args.results)
        for table in (results.paper(), results.summary(), results.comparisons()):
            print(table, end="\n\n")
        p = results.provenance
        backend = p.get("backend")
        version = p.get(backend) if backend in ("jax", "tensorflow") else None
        machine = p.get("gpu") or f"{p.get('cpu')} ({p.get('cores')} cores)"
        print(f"made with classic {p.get('classic')} ({p.get('commit')}), Keras {p.get('keras')} "
              f"({backend}{' ' + version if version else ''}), on {machine}, "
              f"{p.get('updated')}, {p.get('seconds')} s")
        return 0
    wanted = names() if args.names == ["all"] else args.names
    for name in wanted:
        run(name, args.profile, save=True, fresh=args.fresh, root=args.results,
            data_dir=args.data_dir, seeds=args.seeds, setting=args.setting)
    return 0


def _stored_state(experiment, profile) -> str:
    try:
        results = load(experiment, profile)
    except ValueError as error:
        return str(error).split(":")[0]
    seeds = [len(results.seeds(a.name)) for a in experiment.arms]
    minutes = results.provenance.get("seconds", 0) / 60
    return f"{min(seeds)}-{max(seeds)} seeds per arm, {minutes:.0f} min on {_machine(results)}"


def _machine(results) -> str:
    p = results.provenance
    return p.get("gpu") or f"{p.get('cores')} cores"
