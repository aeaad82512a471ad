"""The Meltano commands of docs/operations.md run as written, in this project, against the
emulator. `meltano run` itself is run by test_meltano_postgres.py (with the backfill line)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

from conftest import TOKEN
from meltano_project import MeltanoProject

README = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"### {title}")
    end = README.find("\n### ", start + 1)
    return README[start:end]


def bash_lines(text: str) -> list[list[str]]:
    """The commands of the first ```bash block, each as argv (comments and `\\` joins handled)."""
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def test_everyday_commands_run_and_check_spends_one_cheap_call(tmp_path, emulator):
    emulator.now = dt.datetime(2026, 3, 1, 12)
    meltano = MeltanoProject(
        tmp_path,
        {
            "TAP_WOLKVOX_API_URL": emulator.url,
            "TAP_WOLKVOX_TOKEN": TOKEN,
            "TAP_WOLKVOX_START_DATE": "2026-02-25",
        },
    )
    commands = bash_lines(section("Everyday commands"))
    assert [c[0] for c in commands] == ["meltano"] * len(commands)
    ran = []
    for argv in commands:
        if "run" in argv:
            continue  # test_meltano_postgres.py
        if argv[1:3] == ["state", "get"]:
            meltano("state", "set", "--force", argv[3], '{"singer_state": {"bookmarks": {}}}')
        before = len(emulator.calls)
        result = meltano(*argv[1:])
        calls = [call.api for call in emulator.calls[before:]]
        ran.append(argv[1:])
        if "--check" in argv:
            assert calls == ["campaigns"]  # one information call, no report
        elif argv[-2:] == ["test", "tap-wolkvox"]:
            assert "campaign_3" in calls  # `config test` spends a report call
            assert "Plugin configuration is valid" in result.stdout + result.stderr
        elif "--list" in argv:
            assert "campaign_3.conn_id" in result.stdout
        elif argv[1:2] == ["--environment=demo"] and "list" in argv:
            assert "Group 2: api_url, start_date, token" in result.stdout
    assert len(ran) == len(commands) - 1


def test_state_recipes_set_get_and_clear(tmp_path):
    meltano = MeltanoProject(tmp_path, {})
    recipes = [
        argv for argv in bash_lines(section("Backfill and restatement")) if argv[:2] == ["meltano", "state"]
    ]
    assert [argv[1:3] for argv in recipes] == [["state", "clear"], ["state", "set"]]
    clear, set_ = recipes
    meltano(*set_[1:])
    assert meltano.bookmarks(set_[4]) == {"101": "2026-01-01T05:00:00+00:00"}
    meltano(*clear[1:])
    assert clear[-1] not in meltano("state", "list").stdout.split()
