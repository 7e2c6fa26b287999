"""The small real sample files the tests read, shipped in the repository (tests/data; sources, licences and
JAXA's credit in tests/data/README.md). Nothing outside the checkout is read."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CEOS_L15 = DATA / "ceos" / "0000022708_001001_ALOS2015976960-140909"   # JAXA L1.5 FBD, IMG and TRL cut to descriptors
L22 = DATA / "l22"                                                     # JAXA L2.2 metadata, KML, MSK, STAC item
DEM = DATA / "dem"
HAKONE_DEM = DEM / "hakone_aster_gdem2_1arcsec.tif"                    # ASTER GDEM v2, EGM96 heights
GPORTAL_EXAMPLE = DATA / "catalog" / "gportal_csw_getrecords_example_GCOM-C_abridged.json"
