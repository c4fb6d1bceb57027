"""Guards on the project's layout (see DESIGN.md, Layout)."""

import ast
import importlib
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


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
        "integrations",
        "moderation",
    ]
    assert not set(packages) & set(sys.stdlib_module_names)


# The test kit: conftest modules hold fixtures, helpers live in modules -------


def conftest_imports(folder: Path) -> list[str]:
    """Return `path:line` of each import of a conftest module under `folder`."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [module, *(f"{module}.{a.name}" for a in node.names)]
            else:
                continue
            if any("conftest" in name.split(".") for name in names):
                found.append(f"{path.relative_to(folder.parent)}:{node.lineno}")
    return found


def not_fixtures(conftest: Path) -> list[str]:
    """Return the top-level names in `conftest` that are neither fixture nor hook."""
    found = []
    for node in ast.parse(conftest.read_text(), filename=str(conftest)).body:
        if isinstance(node, ast.ClassDef):
            found.append(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            if not fixture and not node.name.startswith("pytest_"):
                found.append(node.name)
    return found


def test_no_test_module_imports_from_a_conftest_module():
    assert conftest_imports(TESTS) == []


def test_conftest_modules_hold_fixtures_only():
    conftests = sorted(TESTS.rglob("conftest.py"))
    assert conftests
    assert {str(c.relative_to(ROOT)): not_fixtures(c) for c in conftests} == {
        str(c.relative_to(ROOT)): [] for c in conftests
    }


def test_the_kit_checks_catch_conftest_imports_and_helpers(tmp_path):
    tests = tmp_path / "tests"
    (tests / "shop").mkdir(parents=True)
    (tests / "shop" / "test_cart.py").write_text(
        "from tests.shop.conftest import make_cart\n"
    )
    (tests / "test_late.py").write_text("def test_x():\n    import tests.conftest\n")
    (tests / "test_relative.py").write_text("from . import conftest\n")
    (tests / "test_fine.py").write_text("from tests.images import png_bytes\n")
    (tests / "conftest.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\ndef cart():\n    return []\n\n"
        "def pytest_configure(config):\n    pass\n\n"
        "def make_cart():\n    return []\n"
    )

    assert conftest_imports(tests) == [
        "tests/shop/test_cart.py:1",
        "tests/test_late.py:2",
        "tests/test_relative.py:1",
    ]
    assert not_fixtures(tests / "conftest.py") == ["make_cart"]


APPS = ("core", "accounts", "art_tasks", "curation", "generation", "gallery")
APPS += ("moderation", "community", "integrations")


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
