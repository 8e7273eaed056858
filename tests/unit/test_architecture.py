"""Layering, checked on the source (parsed with ast, never imported): data flows one way.

domain/ is plain Python; only storage/ speaks SQL; only export/ touches reportlab; storage/ knows
nothing of Qt or the layers above it; and starting the app does not load reportlab.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "trouble_mapper"
PACKAGE = "trouble_mapper"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module an import statement anywhere in ``source`` names, relative imports resolved.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c`` (c may be a submodule).
    Imports inside functions and under TYPE_CHECKING count too: they are still dependencies.
    """
    found: set[str] = set()
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[:len(package_parts) - (node.level - 1)]
                base = ".".join([*base_parts, node.module] if node.module else base_parts)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def all_modules() -> dict[str, set[str]]:
    """module name -> the modules it imports, for every .py file in the package."""
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name = module_name(path)
        modules[name] = imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
    return modules


MODULES = all_modules()


def in_layer(module: str, layer: str) -> bool:
    return module == f"{PACKAGE}.{layer}" or module.startswith(f"{PACKAGE}.{layer}.")


def matches(imported: str, forbidden: str) -> bool:
    return imported == forbidden or imported.startswith(forbidden + ".")


def offending(modules: dict[str, set[str]], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, the imports that fall under one of ``forbidden``."""
    result = {}
    for module, imported in modules.items():
        bad = sorted(name for name in imported if any(matches(name, f) for f in forbidden))
        if bad:
            result[module] = bad
    return result


def layer(name: str) -> dict[str, set[str]]:
    return {m: imports for m, imports in MODULES.items() if in_layer(m, name)}


def outside(*names: str) -> dict[str, set[str]]:
    return {m: imports for m, imports in MODULES.items() if not any(in_layer(m, n) for n in names)}


UPPER_LAYERS = tuple(f"{PACKAGE}.{name}" for name in ("service", "commands", "ui", "canvas", "export", "app"))


def test_the_package_is_found_and_parsed():
    """The scan sees the package's real modules and their imports (so the rules below are not vacuous)."""
    assert {"trouble_mapper.domain.model", "trouble_mapper.storage.repository",
            "trouble_mapper.service"} <= set(MODULES)
    assert layer("domain") and layer("storage")
    assert "sqlite_utils" in MODULES["trouble_mapper.storage.repository"]
    assert "PySide6.QtGui" in MODULES["trouble_mapper.service"]
    assert "trouble_mapper.domain.model" in MODULES["trouble_mapper.domain.document"]


def test_import_collector_sees_every_form_of_import():
    """Plain, dotted, from, relative, aliased and function-level imports are all collected."""
    source = (
        "import os, sqlite3 as db\n"
        "from PySide6.QtCore import Qt\n"
        "from . import rules\n"
        "from ..storage import codec\n"
        "from .model import Card\n"
        "def later():\n"
        "    import reportlab.platypus\n"
        "if True:\n"
        "    from typing import TYPE_CHECKING\n"
    )
    found = imports_of(source, "trouble_mapper.domain.document")
    assert {"os", "sqlite3", "PySide6.QtCore", "trouble_mapper.domain.rules",
            "trouble_mapper.storage.codec", "trouble_mapper.domain.model", "reportlab.platypus",
            "typing"} <= found
    assert "trouble_mapper.domain" in imports_of("from . import x\n", "trouble_mapper.domain", True)
    assert offending({"m": found}, ("reportlab",)) == {"m": ["reportlab.platypus"]}


def test_domain_is_plain_python():
    """domain/ imports no Qt, no SQL, no reportlab and none of the layers built on it."""
    forbidden = ("PySide6", "shiboken6", "sqlite_utils", "sqlite3", "reportlab",
                 f"{PACKAGE}.storage", *UPPER_LAYERS)
    assert offending(layer("domain"), forbidden) == {}


def test_only_storage_speaks_sql():
    """sqlite3 and sqlite_utils are imported under storage/ only, service included."""
    assert offending(outside("storage"), ("sqlite3", "sqlite_utils")) == {}


def test_only_export_imports_reportlab():
    """reportlab is imported under export/ only (it is slow to import and parses markup)."""
    assert offending(outside("export"), ("reportlab",)) == {}


def test_storage_knows_nothing_of_qt_or_the_layers_above():
    """storage/ imports no PySide6 and none of service, commands, ui, canvas, export, app."""
    assert offending(layer("storage"), ("PySide6", "shiboken6", *UPPER_LAYERS)) == {}


@pytest.mark.parametrize("module", ["trouble_mapper.app", "trouble_mapper.cli",
                                    "trouble_mapper.ui.main_window"])
def test_start_up_path_does_not_load_reportlab(module):
    """Importing the entry point, the CLI or the main window (in a fresh interpreter) loads no reportlab."""
    code = (f"import json, sys, {module}\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'reportlab')))\n"
            f"print({module!r} in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    loaded, imported = result.stdout.splitlines()
    assert imported == "True"
    assert json.loads(loaded) == []

