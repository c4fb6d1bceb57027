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


APPS = ("core", "accounts", "art_tasks", "curation", "generation", "gallery")
APPS += ("moderation", "community")


def _top_level_imports(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_celery_tasks_import_their_services_inside_their_bodies():
    """Services import Celery tasks at the top, so tasks must not import services
    there: the two modules would form an import cycle."""
    offenders = []
    for app in APPS:
        tasks = ROOT / app / "tasks.py"
        if not tasks.exists():
            continue
        imported = _top_level_imports(tasks)
        offenders += [
            f"{app}/tasks.py imports {name} at module level"
            for name in imported
            if name.split(".")[0] in APPS
            and ".services" in f".{name}."
            or name.endswith(".services")
            or ".services." in name
        ]
    assert offenders == []
