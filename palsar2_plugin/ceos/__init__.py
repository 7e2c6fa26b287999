"""Reading and writing ALOS-2/PALSAR-2 CEOS L1.1/L1.5 products.

- ``open_product(path) -> Scene`` (reader): product folder, zip, or any one of its files.
- ``Scene`` / ``BeamImage`` (scene): the immutable metadata model.
- ``image``: memory-mapped, block-wise line access, multilooking.
- ``writer``: ``ProductDescription``, ``BeamGrid``, ``write_product`` (byte-exact L1.1 products).
- ``layouts`` / ``fields``: the declarative record layouts shared by reader and writer.
"""

from .reader import open_product  # noqa: F401
from .scene import BeamImage, Corners, CoordinatePolynomials, MapGeoreference, Scene, StateVector  # noqa: F401
from .writer import BeamGrid, ProductDescription, write_product  # noqa: F401
