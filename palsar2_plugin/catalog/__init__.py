"""Finding PALSAR-2 scenes: the scene record, the catalogue sources and the local scene index.

- :mod:`.record`: :class:`SceneRecord` (one scene of one product) and :class:`RemoteFile`.
- :mod:`.query`: :class:`SearchQuery` (area, dates, level, mode, polarisations, pass) with validation.
- :mod:`.opendata`: the open-data S3 bucket (ListObjectsV2 crawl, static STAC items, flat L1.1 folders).
- :mod:`.gportal`: the JAXA G-Portal CSW catalogue (JSON GetRecords with paging) and its dataset tree.
- :mod:`.index`: the local GeoPackage scene index with an R-tree, for fast local searches.
- :mod:`.endpoints`: every default URL, host and prefix in one place.
"""

from .errors import CatalogError, SearchInputError
from .query import SearchQuery
from .record import RemoteFile, SceneRecord

__all__ = ["CatalogError", "SearchInputError", "SearchQuery", "RemoteFile", "SceneRecord"]
