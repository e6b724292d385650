"""The README's transcripts are run: each `$ tipgraph ...` line in a console block must exit as
shown and print the first line shown. Every command of the CLI must be documented."""

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from tipgraph.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def transcripts():
    """(command words, expected output lines, expected exit status) in README order."""
    steps = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        current = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = [shlex.split(line[2:]), [], 0]
                steps.append(current)
            elif current is not None:
                exit_status = re.fullmatch(r"\(exit (\d+)\)", line.strip())
                if exit_status:
                    current[2] = int(exit_status.group(1))
                else:
                    current[1].append(line)
    return steps


def test_readme_has_the_two_command_quick_start():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make \w+$", quick, flags=re.M) == ["make demo", "make test"]


def test_readme_transcripts_run(tmp_path, monkeypatch):
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    monkeypatch.chdir(tmp_path)
    steps = transcripts()
    assert len(steps) >= 8
    for words, expected, status in steps:
        assert words[0] == "tipgraph"
        result = CliRunner().invoke(cli, words[1:])
        shown = (result.stdout + result.stderr).splitlines()
        assert result.exit_code == status, (words, result.output)
        if expected:  # counts (of triples, nodes) change as mappers improve; words must not
            assert shown and _words(shown[0]) == _words(expected[0]), (words, shown[:3])


def _words(line: str) -> str:
    return re.sub(r"\d+", "N", line.rstrip())


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"$ tipgraph {name}" in README or f"tipgraph {name}" in README, name
        assert f"### {name}" in README or f"### queries and {name}" in README, name
