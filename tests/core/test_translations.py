"""The Japanese translation covers every user-facing string and is up to date with the code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_japanese_ts_is_complete_and_current():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--check", "ja"],
                         capture_output=True, text=True)
    assert run.returncode == 0, (
        "i18n/palsar2_ja.ts is out of date or incomplete; run `make translations-update` and translate:\n"
        + run.stdout[-3000:])


def test_collector_finds_the_project_conventions():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import update_translations as ut
    finally:
        sys.path.pop(0)
    messages = set(ut.collect_messages())
    assert ("Palsar2Algorithm", "Terrain correction") in messages  # GROUPS table
    assert ("Palsar2Plugin", "PALSAR-2 disaster data") in messages  # self.tr in a class
    assert any(context == "EventDock" for context, _ in messages)  # module tr() with CONTEXT constant
    assert any(context == "TerrainCorrectionAlgorithm" for context, _ in messages)  # DISPLAY_NAME
