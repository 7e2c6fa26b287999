"""Default service endpoints. They change (G-Portal moved in October 2026): keep them all here.

Every value can be overridden by the caller (the QGIS glue reads overrides from settings or the
SERVICE_URL parameter).
"""

#: Anonymous HTTPS endpoint of JAXA's open-data bucket ``jaxaalos2`` (AWS region us-west-2).
OPEN_DATA_BUCKET_URL = "https://jaxaalos2.s3.us-west-2.amazonaws.com"

#: Bucket prefixes crawled by default: L2.2 STAC items and the disaster-event L1.1 folders.
OPEN_DATA_DEFAULT_PREFIXES = ("palsar2/L2.2/", "palsar2-scansar/")

#: G-Portal CSW catalogue (GetRecords, JSON). The new system opened on 2026-10-01.
GPORTAL_CSW_URL = "https://csw.gportal.jaxa.jp/csw"
#: The legacy catalogue (planned to stop at the end of October 2026).
GPORTAL_CSW_URL_LEGACY = "https://gportal.jaxa.jp/csw/csw"

#: G-Portal's search page, where registered users order products (free of charge for PALSAR-2 ScanSAR).
GPORTAL_SEARCH_URL = "https://gportal.jaxa.jp/gpr/search"

#: G-Portal's (undocumented) dataset tree, used to discover dataset ids.
GPORTAL_DATASET_TREE_URL = "https://gportal.jaxa.jp/gpr/search/service/satsensor.json"

#: Hosts a G-Portal authentication configuration may be sent to over HTTPS (the legacy system's
#: downloads; the new one serves products over SFTP only).
GPORTAL_HTTPS_HOSTS = ("gportal.jaxa.jp",)

#: SFTP of the new G-Portal: public-key login only.
GPORTAL_SFTP_HOST = "sftp.gportal.jaxa.jp"
GPORTAL_SFTP_PORT = 22
#: SFTP of the legacy G-Portal: user name and password.
GPORTAL_SFTP_HOST_LEGACY = "ftp.gportal.jaxa.jp"
GPORTAL_SFTP_PORT_LEGACY = 2051

#: Rewrite of a CSW ``product.fileName`` to an SFTP path, as (regular expression, replacement).
#: New system: ``product.gportal.jaxa.jp:/products/Standard/...`` -> ``/product/Standard/...``.
GPORTAL_SFTP_PATH_RULE = (r"^.*?/Standard/", "/product/Standard/")
#: Legacy system: ``https://gportal.jaxa.jp/download/standard/...`` -> ``/standard/...``.
GPORTAL_SFTP_PATH_RULE_LEGACY = (r"^https?://[^/]+/download/", "/")
