"""The data mask of an NRB product: JAXA's L2.2 values (values, not bit flags), one set for the
whole plugin (terrain correction, product metadata, reading and styling, interferometry)."""

from __future__ import annotations

from typing import Dict

MASK_NODATA, MASK_VALID, MASK_LAYOVER, MASK_SHADOW, MASK_OCEAN, MASK_INVALID = 0, 1, 2, 3, 4, 5

#: Each value's meaning (English; the GUI translates it).
MASK_CLASSES: Dict[int, str] = {
    MASK_NODATA: "No data",
    MASK_VALID: "Valid",
    MASK_LAYOVER: "Layover",
    MASK_SHADOW: "Shadow",
    MASK_OCEAN: "Ocean water",
    MASK_INVALID: "Invalid data",
}
