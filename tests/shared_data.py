"""Where the project's shared facts and real sample data are: ``../shared`` beside the checkout (as on the
developers' machines and in CI), or the folder named by the environment variable PALSAR2_SHARED."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PALSAR2_SHARED", ROOT.parent / "shared"))
SHARED_DATA = SHARED / "data"
