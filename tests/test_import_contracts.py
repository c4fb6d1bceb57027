"""The import contracts in pyproject.toml hold, and they can fail.

`lint-imports` (import-linter) parses the source with grimp and never imports
it, so these tests need neither Django settings nor a database.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The console script next to the interpreter, as `make check` runs it.
# (`python -m importlinter.cli` would exit 0 without checking anything.)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS_CONTRACT = "Apps import only the apps below them"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `lint-imports` in `cwd` and return its result, output included."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def only_python_files(folder: str, names: list[str]) -> set[str]:
    """Tell `shutil.copytree` to skip everything but packages and modules."""
    return {
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not Path(folder, name).is_dir())
    }


def test_the_repository_keeps_its_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_of_a_higher_app_inside_a_function_breaks_the_layers(tmp_path):
    copy = tmp_path / "repo"
    for package in root_packages():
        shutil.copytree(ROOT / package, copy / package, ignore=only_python_files)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / "accounts" / "models.py").open("a") as models:
        models.write("\n\ndef _back_arrow():\n    from gallery import models  # noqa\n")

    result = lint_imports(copy)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"{LAYERS_CONTRACT} BROKEN" in output
    assert "accounts is not allowed to import gallery" in output
    assert "accounts.models -> gallery.models" in output
