"""The README and the pages under docs/ agree with the code: every link leads to a file, every
command they show parses with that command's own parser and names things that exist, and every
environment variable they name is one the code reads."""

import re
import shlex
from pathlib import Path

import pytest

import classic.experiments
import classic.train
from classic import refresh
from classic.data import command as data_command
from classic.data.sets import DOWNLOADABLE
from classic.experiments import cli as experiments_cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "classic").rglob("*.py")))


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _commands() -> list[tuple[str, str]]:
    """(page, command line) of every ``python -m classic.X ...`` in a code block or span."""
    found = []
    for page in PAGES:
        spans = re.findall(r"```\w*\n(.*?)```", _text(page), re.S)
        spans += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", _text(page), flags=re.S))
        for span in spans:
            for line in span.splitlines():
                line = line.split("  #")[0].strip()
                if re.match(r"([A-Z_]+=\S+\s+)*\S*python3? -m classic\.\w+ ", line):
                    found.append((page.name, line))
    return found


COMMANDS = _commands()


def test_the_pages_show_the_commands_of_each_tool():
    shown = {re.search(r"python -m (classic\.\w+)", line).group(1) for _, line in COMMANDS}
    assert shown == {"classic.data", "classic.experiments", "classic.refresh"}


@pytest.mark.parametrize("page, line", COMMANDS, ids=[line for _, line in COMMANDS])
def test_every_command_parses_and_names_what_exists(page, line):
    words = shlex.split(line)
    env = dict(w.split("=", 1) for w in words[: words.index(next(w for w in words
                                                                 if "python" in w))])
    tool, argv = words[words.index("-m") + 1], words[words.index("-m") + 2:]
    assert set(env) <= {"CLASSIC_DATA_DIR", "CLASSIC_PROFILE", "KERAS_BACKEND"}, env
    if tool == "classic.experiments":
        args = experiments_cli._parser().parse_args(argv)
        names = getattr(args, "names", None) or [getattr(args, "name", None)]
        known = set(classic.experiments.names()) | {"all", None}
        assert set(names) <= known, (page, names)
        assert getattr(args, "profile", "cpu") in classic.train.PROFILES
    elif tool == "classic.data":
        args = data_command._parser()[0].parse_args(argv)
        assert set(args.names) <= set(DOWNLOADABLE)
    else:
        args = refresh._parser().parse_args(argv)
        assert all((ROOT / path).is_file() for path in args.notebooks), args.notebooks


def test_every_environment_variable_named_is_read_by_the_code():
    named = {v for page in PAGES for v in re.findall(r"\bCLASSIC_[A-Z_]+\b", _text(page))}
    assert named  # the pages name some
    for variable in named:
        assert f'"{variable}"' in CODE, f"{variable} is named in the docs, read nowhere"
    for page in PAGES:  # and a profile named in one is a profile
        for profile in re.findall(r"CLASSIC_PROFILE=(\w+)", _text(page)):
            assert profile in classic.train.PROFILES, (page.name, profile)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(page):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", _text(page)):
        if re.match(r"\w+://", target):
            continue
        assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_the_front_page_is_short_and_clones_the_repository():
    readme = _text(ROOT / "README.md")
    prose = re.sub(r"\(https?://[^)]*\)", "", readme)  # link targets are not words a reader reads
    assert len(prose.split()) < 1000
    setup = (ROOT / "notebooks" / "01_lenet.ipynb").read_text(encoding="utf-8")
    address = re.search(r'REPOSITORY = \\"([^"\\]+)\\"', setup).group(1)
    assert f"git clone {address}.git" in readme
    for page in sorted((ROOT / "docs").glob("*.md")):  # every page is reachable from it
        assert f"(docs/{page.name})" in readme, page.name
