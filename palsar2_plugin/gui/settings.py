"""The plugin's settings: every key, its default and its help, and the QGIS glue that reads them.

Non-secret values live in QgsSettings under ``palsar2/`` (passwords and SSH keys only in the QGIS
authentication manager). :func:`setting_specs` lists them for the Options page
(``gui/options_page.py``); the dock, its background actions and the Processing algorithms read
them through :func:`setting`, so a value changed in Settings › Options › PALSAR-2 applies
everywhere on the next run. Also here: the QGIS proxy as a ``requests`` proxies dict and the
folders in the QGIS profile. Main thread (QgsSettings), except :func:`layer_folder_for`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, Optional, Tuple
from urllib.parse import quote

from qgis.core import QgsApplication, QgsProcessingException, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

from ..catalog import endpoints
from ..catalog.index import default_index_path

GROUP = "palsar2"

#: Where the layer files (VRTs) and the dock's change-detection results are written.
LAYER_FILES_BESIDE = "beside"      # a folder LAYER_SUBFOLDER next to the product's files
LAYER_FILES_FOLDER = "folder"      # the folder of the setting layer_folder
LAYER_SUBFOLDER = "palsar2_layers"


def tr(text: str) -> str:
    return QCoreApplication.translate("Palsar2Settings", text)


# ------------------------------------------------------------------------------------------ reading

def setting(key: str, default=None):
    """The setting ``palsar2/<key>`` (``default`` when unset or empty)."""
    value = QgsSettings().value(f"{GROUP}/{key}", default)
    return default if value in (None, "") else value


def numeric_setting(key: str, default: float) -> float:
    """A number from the setting ``palsar2/<key>``; a clear error when it holds something else."""
    value = setting(key, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise QgsProcessingException(QCoreApplication.translate(
            "SearchScenesAlgorithm", "The setting palsar2/{} is {!r}, not a number: correct it (Settings > Options > "
            "Advanced settings) or remove it.").format(key, value)) from None


def set_setting(key: str, value) -> None:
    """Store ``palsar2/<key>``; an empty value removes it (the default applies again)."""
    settings = QgsSettings()
    if value in (None, ""):
        settings.remove(f"{GROUP}/{key}")
    else:
        settings.setValue(f"{GROUP}/{key}", value)


def profile_folder() -> str:
    """The active QGIS profile folder."""
    return QgsApplication.qgisSettingsDirPath()


def plugin_data_folder() -> str:
    """``<profile>/palsar2``: the plugin's own files (scene index, known_hosts, layer files)."""
    return os.path.join(profile_folder(), "palsar2")


def qgis_proxies() -> Optional[Dict[str, str]]:
    """The QGIS proxy settings as a ``requests`` proxies dict (None when no proxy is enabled).

    The proxy password, if any, is put in the proxy URL that requests uses; it never appears in
    messages (error texts use :func:`~..net.urls.redact_url`).
    """
    s = QgsSettings()
    enabled = str(s.value("proxy/proxyEnabled", "false")).lower() in ("true", "1")
    host = s.value("proxy/proxyHost", "") or ""
    if not enabled or not host:
        return None
    port = s.value("proxy/proxyPort", "") or ""
    kind = str(s.value("proxy/proxyType", "HttpProxy"))
    scheme = "socks5h" if "socks" in kind.lower() else "http"
    user = s.value("proxy/proxyUser", "") or ""
    password = s.value("proxy/proxyPassword", "") or ""
    auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    url = f"{scheme}://{auth}{host}" + (f":{port}" if port else "")
    return {"http": url, "https": url}


# ------------------------------------------------------------------------------------ the settings

@dataclass(frozen=True)
class SettingSpec:
    """One setting of the Options page.

    ``kind``: "folder", "file", "url", "text", "int", "choice" (``choices`` = (value, label) pairs)
    or "path_rule" ('<regular expression> => <replacement>'). ``default`` is what applies while the
    setting is unset (shown as the field's placeholder).
    """

    key: str
    section: str
    kind: str
    label: str
    help: str
    default: object = ""
    choices: Tuple[Tuple[str, str], ...] = ()
    minimum: int = 0
    maximum: int = 0


def default_download_folder() -> str:
    return os.path.join(os.path.expanduser("~"), "PALSAR-2")


def default_layer_folder() -> str:
    return os.path.join(plugin_data_folder(), "layers")


def default_known_hosts() -> str:
    return os.path.join(plugin_data_folder(), "known_hosts")


def sections() -> Tuple[Tuple[str, str], ...]:
    """(id, title) of the Options page's groups, in order."""
    return (("folders", tr("Folders")), ("opendata", tr("JAXA open-data bucket")),
            ("gportal", tr("JAXA G-Portal catalogue")), ("sftp", tr("G-Portal SFTP downloads")),
            ("dask", tr("Many scenes (Dask)")))


def setting_specs() -> Tuple[SettingSpec, ...]:
    """Every setting the plugin reads, with its label, help and default (in the user's language)."""
    rule = endpoints.GPORTAL_SFTP_PATH_RULE
    return (
        SettingSpec("download_folder", "folders", "folder", tr("Download folder"),
                    tr("Where the dock's Download puts products, one folder per product."),
                    default_download_folder()),
        SettingSpec("data_folder", "folders", "folder", tr("Data folder"),
                    tr("Where the dock's Load looks for downloaded or processed products of a scene "
                       "(searched with its subfolders). Empty: the download folder."), ""),
        SettingSpec("dem_path", "folders", "file", tr("DEM for interferograms"),
                    tr("The DEM the dock's Interferogram uses (any raster GDAL reads, covering the scenes). Empty: "
                       "asked the first time."), ""),
        SettingSpec("dem_height_reference", "folders", "choice", tr("DEM heights above"),
                    tr("What the heights of that DEM are measured from (SRTM, ASTER GDEM, Copernicus: the EGM96 "
                       "geoid)."), "egm96",
                    choices=(("egm96", tr("EGM96 geoid")), ("egm2008", tr("EGM2008 geoid")),
                             ("ellipsoid", tr("WGS84 ellipsoid")))),
        SettingSpec("layer_files", "folders", "choice", tr("Layer files"),
                    tr("Loaded products are shown through small VRT files, and the dock's comparison writes a "
                       "log-ratio raster and change polygons. They must last for a saved project to open again: "
                       "write them in a folder palsar2_layers beside the product's files (a product on the web "
                       "or in a read-only folder uses the layer folder instead), or always in the layer folder."),
                    LAYER_FILES_BESIDE,
                    choices=((LAYER_FILES_BESIDE, tr("Beside the product")),
                             (LAYER_FILES_FOLDER, tr("In the layer folder")))),
        SettingSpec("layer_folder", "folders", "folder", tr("Layer folder"),
                    tr("Layer files of products on the web or in read-only folders, or of every product when "
                       "chosen above. Default: a folder in the QGIS profile."), default_layer_folder()),
        SettingSpec("index_path", "folders", "file", tr("Scene index"),
                    tr("The local GeoPackage that keeps the open-data bucket's listing, so searches are fast "
                       "and work offline."), default_index_path(profile_folder())),
        SettingSpec("opendata/bucket_url", "opendata", "url", tr("Bucket address"),
                    tr("HTTPS address of JAXA's open-data bucket (anonymous access)."),
                    endpoints.OPEN_DATA_BUCKET_URL),
        SettingSpec("opendata/prefixes", "opendata", "text", tr("Folders to list"),
                    tr("Comma-separated prefixes of the bucket that searches list."),
                    ", ".join(endpoints.OPEN_DATA_DEFAULT_PREFIXES)),
        SettingSpec("opendata/max_age_hours", "opendata", "int", tr("Reuse a listing for (hours)"),
                    tr("A bucket listing younger than this is reused instead of listed again."),
                    24, minimum=0, maximum=24 * 365),
        SettingSpec("gportal/csw_url", "gportal", "url", tr("Catalogue address (CSW)"),
                    tr("G-Portal's catalogue service, searched by 'Search PALSAR-2 scenes' with the G-Portal "
                       "source."), endpoints.GPORTAL_CSW_URL),
        SettingSpec("gportal/dataset_ids", "gportal", "text", tr("Dataset ids"),
                    tr("G-Portal does not publish the ids of the PALSAR-2 datasets: give them per level, e.g. "
                       "'L1.1=123,124; L2.2=456', or search once with DATASET_IDS 'discover' and copy the ids "
                       "it lists."), ""),
        SettingSpec("gportal/dataset_tree_url", "gportal", "url", tr("Dataset tree address"),
                    tr("Where 'discover' reads G-Portal's dataset tree."), endpoints.GPORTAL_DATASET_TREE_URL),
        SettingSpec("gportal/sftp_host", "sftp", "text", tr("SFTP server"),
                    tr("Host name of G-Portal's SFTP server."), endpoints.GPORTAL_SFTP_HOST),
        SettingSpec("gportal/sftp_port", "sftp", "int", tr("SFTP port"), tr("Port of the SFTP server."),
                    endpoints.GPORTAL_SFTP_PORT, minimum=1, maximum=65535),
        SettingSpec("gportal/sftp_user", "sftp", "text", tr("SFTP user name"),
                    tr("Your G-Portal user name for SFTP with an SSH key. The key itself (or a password) is "
                       "kept only in QGIS's authentication manager (Settings › Options › Authentication)."), ""),
        SettingSpec("gportal/sftp_path_rule", "sftp", "path_rule", tr("SFTP path rule"),
                    tr("'<regular expression> => <replacement>' that turns a product location of the "
                       "catalogue into a path on the SFTP server."), f"{rule[0]} => {rule[1]}"),
        SettingSpec("gportal/known_hosts", "sftp", "file", tr("Known hosts file"),
                    tr("The SSH host keys the plugin trusts; a new server's key is added on first use."),
                    default_known_hosts()),
        SettingSpec("dask/scheduler", "dask", "text", tr("Dask scheduler address"),
                    tr("A running dask.distributed scheduler, e.g. tcp://host:8786, used by 'Batch terrain "
                       "correction (many scenes, Dask)' when it runs on a remote scheduler. Its workers must see "
                       "the output folder."), ""),
    )


def validation_error(spec: SettingSpec, value) -> str:
    """Why ``value`` is not acceptable for ``spec`` ("" when it is, or when empty: the default applies)."""
    import re

    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    if spec.kind == "url" and not re.match(r"^https?://[^/\s]+", text):
        return tr("Give an address that starts with https:// (or http://).")
    if spec.kind == "path_rule":
        if "=>" not in text:
            return tr("Write the rule as '<regular expression> => <replacement>'.")
        try:
            re.compile(text.split("=>", 1)[0].strip())
        except re.error as error:
            return tr("The regular expression is not valid: {}").format(error)
    if spec.key == "dask/scheduler" and not re.match(r"^[a-z]+://[^/\s]+:\d+$", text):
        return tr("Give the scheduler as protocol://host:port, e.g. tcp://192.168.1.10:8786.")
    return ""


# ------------------------------------------------------------------------------------- layer files

def layer_files_mode() -> str:
    value = str(setting("layer_files", LAYER_FILES_BESIDE))
    return value if value in (LAYER_FILES_BESIDE, LAYER_FILES_FOLDER) else LAYER_FILES_BESIDE


def layer_folder() -> str:
    return str(setting("layer_folder", "") or default_layer_folder())


def layer_folder_for(product_file: str, mode: Optional[str] = None, fallback: Optional[str] = None) -> str:
    """Where the layer files of the product that ``product_file`` belongs to go (created if needed).

    "beside": ``<folder of the product's files (or of its zip)>/palsar2_layers``, when that folder
    can be written; else, and for web products or mode "folder", the layer folder. Both last
    beyond the QGIS session (unlike the Processing temporary folder). ``mode`` and ``fallback``
    default to the settings (read them in the main thread and pass them to worker threads).
    """
    mode = mode or layer_files_mode()
    fallback = fallback or layer_folder()
    local = product_file and "://" not in product_file and not product_file.startswith("/vsi")
    if mode == LAYER_FILES_BESIDE and local:
        beside = os.path.join(os.path.dirname(os.path.abspath(product_file)), LAYER_SUBFOLDER)
        try:
            os.makedirs(beside, exist_ok=True)
            if os.access(beside, os.W_OK):
                return beside
        except OSError:
            pass
    os.makedirs(fallback, exist_ok=True)
    return fallback
