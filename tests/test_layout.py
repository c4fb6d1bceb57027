"""Guards on the project's layout (see DESIGN.md, Layout)."""

import importlib
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_platform_is_still_the_standard_library_module():
    module = importlib.import_module("platform")
    assert Path(module.__file__).parent == Path(sysconfig.get_paths()["stdlib"])
    assert callable(module.python_version)


def test_the_platform_folder_is_not_a_python_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_no_top_level_package_shadows_the_standard_library():
    packages = [p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    assert sorted(packages) == [
        "accounts",
        "art_tasks",
        "community",
        "config",
        "core",
        "curation",
        "gallery",
        "generation",
        "moderation",
    ]
    assert not set(packages) & set(sys.stdlib_module_names)
