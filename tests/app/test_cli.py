"""The command line an operator uses: serve options, backup, restore, create-admin, import-households."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Str0ng-passw0rd!x"


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP"))}
    env |= {"DOORSTEP_DATA_DIR": str(data_dir), "DOORSTEP_ARGON2_TIME_COST": "1",
            "DOORSTEP_ARGON2_MEMORY_KIB": "8", "DOORSTEP_ARGON2_PARALLELISM": "1"}
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], input=stdin, capture_output=True,
                          text=True, cwd=data_dir.parent, env=env, timeout=120)


@pytest.mark.parametrize("args", [["--port", "http"], ["frobnicate"], ["restore", "no-such-file.tar.gz"]])
def test_cli_bad_arguments_exit_2_with_a_message(tmp_path: Path, args: list[str]) -> None:
    result = run(tmp_path / "data", *args)
    assert result.returncode == 2
    assert "error:" in result.stderr and "usage: python app.py" in result.stderr


def test_cli_help_lists_the_commands(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "--help")
    assert result.returncode == 0
    for word in ("--host", "--port", "--demo", "backup", "restore", "create-admin", "import-households"):
        assert word in result.stdout


def test_cli_operator_day_create_admin_import_backup_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = run(data, "create-admin", "--username", "boss", "--name", "Boss", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    again = run(data, "create-admin", "--username", "boss", "--name", "Boss", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "already used" in again.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("head_name,address,members_count\n张三,,two\n", encoding="utf-8")
    refused = run(data, "import-households", str(bad), "--as", "boss")
    assert refused.returncode == 1 and "row 2" in refused.stderr and "nothing was imported" in refused.stderr

    good = tmp_path / "households.csv"
    good.write_text("head_name,address,phone\n张三,一号楼1单元,13912345678\n李四,二号楼,\n", encoding="utf-8")
    assert run(data, "import-households", str(good), "--as", "nobody").returncode == 1
    imported = run(data, "import-households", str(good), "--as", "boss")
    assert imported.returncode == 0 and "2 households imported" in imported.stdout, imported.stderr

    backup = tmp_path / "backup.tar.gz"
    assert run(data, "backup", str(backup)).returncode == 0
    restored = run(data, "restore", str(backup), "--data-dir", str(tmp_path / "restored"))
    assert restored.returncode == 0, restored.stderr
    assert (tmp_path / "restored" / "doorstep.db").is_file()
