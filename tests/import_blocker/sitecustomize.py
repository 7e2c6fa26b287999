"""Makes the packages named in PALSAR2_TEST_BLOCK (comma-separated) unimportable, as if they were not
installed: put this folder on PYTHONPATH (tests/qgis/test_missing_packages.py does it for QGIS sessions
and qgis_process). A finder first on sys.meta_path raises ModuleNotFoundError for them and their
submodules, before any real finder looks."""

import os
import sys

BLOCKED = tuple(name for name in os.environ.get("PALSAR2_TEST_BLOCK", "").split(",") if name)


class ImportBlocker:
    def find_spec(self, name, path=None, target=None):
        if any(name == blocked or name.startswith(blocked + ".") for blocked in BLOCKED):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


if BLOCKED:
    sys.meta_path.insert(0, ImportBlocker())
