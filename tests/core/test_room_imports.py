"""The rooms import each other one way: the Processing glue uses the GUI room (settings, styles, layer
metadata), never the reverse; and no module reaches for another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path):
    """(module as written, imported names) of every import in ``path``, with its level of dots."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield "." * node.level + (node.module or ""), [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_the_gui_room_does_not_import_the_processing_glue():
    for path in sorted((ROOT / "palsar2_plugin" / "gui").glob("*.py")):
        for module, _names in imports(path):
            assert "processing_provider" not in module, f"{path.name} imports {module}"


def test_no_private_names_cross_modules():
    for folder in ("palsar2_plugin/gui", "processing_provider"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for module, names in imports(path):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                assert not private, f"{path.relative_to(ROOT)} imports {private} from {module}"
