"""The algorithms the ``palsar2`` provider offers. Add a new algorithm class here (one line)."""

from __future__ import annotations

import importlib
from typing import List, Tuple, Type

#: (module, class) of every algorithm; modules are imported lazily so that a missing optional
#: dependency of one algorithm does not hide the others (the error is logged instead).
ALGORITHM_CLASSES: List[tuple] = [
    ("alg_eventscenes", "EventScenesAlgorithm"),
    ("alg_searchscenes", "SearchScenesAlgorithm"),
    ("alg_downloadscenes", "DownloadScenesAlgorithm"),
    ("alg_loadnrb", "LoadNrbAlgorithm"),
    ("alg_changedetection", "ChangeDetectionAlgorithm"),
    ("alg_readceos", "ReadCeosAlgorithm"),
    ("alg_terraincorrection", "TerrainCorrectionAlgorithm"),
    ("alg_batchterraincorrection", "BatchTerrainCorrectionAlgorithm"),
    ("alg_interferogram", "InterferogramAlgorithm"),
    ("alg_loadinterferogram", "LoadInterferogramAlgorithm"),
    ("alg_coherencechange", "CoherenceChangeAlgorithm"),
]


def algorithm_classes() -> Tuple[List[Type], List[str]]:
    """Import the algorithm classes; returns (classes, messages of those that failed to import)."""
    classes, failures = [], []
    for module_name, class_name in ALGORITHM_CLASSES:
        try:
            module = importlib.import_module(f".{module_name}", __package__)
            classes.append(getattr(module, class_name))
        except Exception as error:  # noqa: BLE001 - reported to the user by the provider
            failures.append(f"{module_name}.{class_name}: {error}")
    return classes, failures
