"""``palsar2:downloadscenes``: fetch the products of selected footprints, verified and resumable."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputFolder,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from qgis.PyQt.QtCore import QCoreApplication

from ..palsar2_plugin.catalog import endpoints
from ..palsar2_plugin.catalog.record import ATTRIBUTE_TYPES, RemoteFile, SceneRecord
from ..palsar2_plugin.gui.settings import default_known_hosts, numeric_setting, qgis_proxies, setting
from ..palsar2_plugin.net.urls import redact_url
from .base import Palsar2Algorithm, core_callbacks, make_advanced

#: TRANSPORT enum values by index. PERMANENT: append only.
TRANSPORT_VALUES = ("auto", "http", "sftp")


def default_parallel() -> int:
    """The core's default number of parallel transfers (its module needs requests; without requests the
    algorithm cannot run anyway and says so, so any default does)."""
    try:
        from ..palsar2_plugin.download.batch import DEFAULT_PARALLEL
    except ImportError:
        return 1
    return DEFAULT_PARALLEL


def resolve_auth(authcfg: str) -> Tuple[str, Optional[str], Optional[str], Optional[str]]:
    """(user name, password, private key path, key passphrase) of a QGIS authentication configuration.

    Supported methods: "Basic" (user name + password: legacy G-Portal SFTP, HTTP basic auth) and
    "PKI-Paths" (its key file is the SSH private key, its key passphrase the key's passphrase:
    new G-Portal SFTP). The values are used in memory only.
    """
    if not authcfg:
        return "", None, None, None
    config = QgsAuthMethodConfig()
    manager = QgsApplication.authManager()
    if not manager.loadAuthenticationConfig(authcfg, config, True) or not config.isValid():
        raise QgsProcessingException(
            f"The authentication configuration {authcfg} cannot be read: check it in Settings > Options > "
            "Authentication (and that the master password is set).")
    method = config.method()
    if method == "Basic":
        return config.config("username", ""), config.config("password", "") or None, None, None
    if method == "PKI-Paths":
        return "", None, config.config("keypath", "") or None, config.config("keypass", "") or None
    raise QgsProcessingException(
        f"The authentication configuration {authcfg} uses the method {method}: use 'Basic' (user name and "
        "password) or 'PKI-Paths' (SSH private key file) for PALSAR-2 downloads.")


def record_from_feature(feature) -> SceneRecord:
    """The scene record stored in a footprint feature written by ``palsar2:searchscenes``."""
    names = feature.fields().names()
    missing = [n for n in ("record_id", "files") if n not in names]
    if missing:
        raise QgsProcessingException(
            "The scenes layer lacks the field(s) " + ", ".join(missing) + ": use the footprints written by "
            "'Search PALSAR-2 scenes'.")
    attrs = {name: feature[name] for name, _ in ATTRIBUTE_TYPES if name in names}
    ring = ()
    geom = feature.geometry()
    if geom is not None and not geom.isEmpty() and geom.type() == QgsWkbTypes.PolygonGeometry:
        polygon = geom.asMultiPolygon()[0] if geom.isMultipart() else geom.asPolygon()
        ring = tuple((p.x(), p.y()) for p in polygon[0])
    try:
        return SceneRecord.from_attributes(attrs, ring)
    except (ValueError, TypeError, KeyError) as error:
        raise QgsProcessingException(QCoreApplication.translate(
            "DownloadScenesAlgorithm", "Feature {} of the scenes layer has unreadable record attributes ({}): use the "
            "footprints written by 'Search PALSAR-2 scenes'.").format(feature.id(), error)) from None


def rebase_url(url: str, service_url: str) -> str:
    """``url`` with its scheme, host and port replaced by ``service_url``'s (whose path is prefixed)."""
    if not re.match(r"^https?://", url):
        return url
    base = urlsplit(service_url)
    old = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + old.path, old.query, ""))


def parse_path_rule(text: str):
    """``"<regex> => <replacement>"`` -> :class:`SftpPathRule` (None for empty text)."""
    from ..palsar2_plugin.catalog.gportal import SftpPathRule
    if not text:
        return None
    if "=>" not in text:
        raise QgsProcessingException("The SFTP path rule must look like '<regular expression> => <replacement>'.")
    pattern, replacement = (p.strip() for p in text.split("=>", 1))
    try:
        re.compile(pattern)
    except re.error as error:
        raise QgsProcessingException(f"The SFTP path rule's expression is invalid ({error}).") from None
    return SftpPathRule(pattern, replacement)


class DownloadScenesAlgorithm(Palsar2Algorithm):
    """Downloads the products of the chosen footprints over HTTPS or SFTP."""

    NAME = "downloadscenes"
    REQUIRES = ("requests",)
    DISPLAY_NAME = "Download PALSAR-2 scenes"
    GROUP_ID = "data"
    TAGS = ("download", "G-Portal", "SFTP", "HTTPS", "open data", "resume")
    HELP_EN = (
        "Downloads the products of the footprints of a 'Search PALSAR-2 scenes' result (use 'selected "
        "features only' to take a few) into DESTINATION/<scene>_<product>/, one folder per product. Transfers "
        "are written to .part files and renamed only when complete. 'Verified' means the size and a content "
        "validator agree: the MD5 checksum (from the catalogue, or the open-data bucket's ETag of a single-part "
        "upload) or a strong ETag the server sent with every part; a file for which the source gives neither (SFTP "
        "without a catalogue checksum, servers without ETags) is 'unverified', and the log and the results say so. "
        "A web page answered in place of a product file is an error, never kept. A .part is resumed only when the "
        "server proves it is the same file (If-Range with the ETag or the modification time recorded when it was "
        "started), otherwise it is started again; an existing file is skipped only when it is proven the same "
        "(its recorded validator or checksum), otherwise fetched again. Zips are extracted safely (size and "
        "compression ratio checked against the free space first). Failed transfers are retried with exponential "
        "backoff (honouring Retry-After).\n\n"
        "AUTH_CONFIG: a QGIS authentication configuration, never a password parameter. 'Basic' = user name and "
        "password (legacy G-Portal SFTP, or HTTP basic authentication); 'PKI-Paths' = its key file is your SSH "
        "private key (the new G-Portal, October 2026: key login only, user name in SFTP_USER). The open-data "
        "bucket needs none. HTTP credentials are sent only over HTTPS and only to G-Portal's host or to the host "
        "of SERVICE_URL, never to another host a footprint names.\n"
        "TRANSPORT: 0 = automatic (SFTP for G-Portal products, HTTPS for other web addresses), 1 = HTTPS, "
        "2 = SFTP. Advanced: "
        "SERVICE_URL replaces the server (https://host for web files, sftp://host:port for SFTP), SFTP_USER, "
        "SFTP_PATH_RULE ('<regex> => <replacement>', default turns G-Portal's product location into "
        "/product/Standard/...), MAX_PARALLEL (default 2).\n"
        "Results: OUTPUT_FOLDER, FILES (the product folders, for 'Read CEOS product' / 'Load NRB' in a model), "
        "FIRST_PRODUCT (the first of them), FILE_COUNT, VERIFICATION ('verified', or 'unverified: N of M files') "
        "and UNVERIFIED_FILES."
    )
    HELP_JA = (
        "「PALSAR-2シーンの検索」の結果のフットプリント(「選択した地物のみ」で一部を指定可)のプロダクトを "
        "DESTINATION/<シーン>_<プロダクト>/ に1プロダクト1フォルダでダウンロードします。.partファイルに書き込み、"
        "完了してから名前を変更します。「検証済み」とは、サイズと内容の検証子が一致したことを意味します:"
        "MD5チェックサム(カタログ、またはオープンデータのバケットの単一パートアップロードのETag)か、"
        "サーバーがすべての部分で返した強いETagです。どちらも得られないファイル(カタログのチェックサムがないSFTP、"
        "ETagを返さないサーバー)は「未検証」となり、ログと出力にそう表示されます。プロダクトファイルの代わりに"
        "Webページが返された場合はエラーとし、保存しません。.partは、開始時に記録したETagまたは更新時刻"
        "(If-Range)で同じファイルであるとサーバーが示した場合にのみ続きから再開し、そうでなければ最初から"
        "やり直します。既存のファイルは、記録した検証子またはチェックサムで同じと確認できた場合にのみ飛ばし、"
        "そうでなければ取り直します。zipは安全に展開します(展開後のサイズと圧縮率を空き容量と照合してから)。"
        "失敗した転送は間隔を延ばしながら(Retry-Afterに従い)再試行します。\n\n"
        "AUTH_CONFIG: QGISの認証設定(パスワードを直接入力するパラメータはありません)。「Basic」= ユーザー名と"
        "パスワード(旧G-PortalのSFTP、HTTPベーシック認証)、「PKI-Paths」= 鍵ファイルにSSH秘密鍵を指定"
        "(2026年10月からの新G-Portalは公開鍵認証のみ。ユーザー名はSFTP_USER)。オープンデータには不要です。"
        "HTTPの認証情報はHTTPSでのみ、G-PortalのホストまたはSERVICE_URLのホストにだけ送り、フットプリントが示す"
        "別のホストには送りません。\n"
        "TRANSPORT: 0 = 自動(G-Portalのプロダクトは SFTP、その他のWebアドレスは HTTPS)、1 = HTTPS、2 = SFTP。"
        "詳細設定: "
        "SERVICE_URL(https://ホスト または sftp://ホスト:ポート)、SFTP_USER、SFTP_PATH_RULE"
        "('<正規表現> => <置換>')、MAX_PARALLEL(既定 2)。\n"
        "出力: OUTPUT_FOLDER、FILES(プロダクトのフォルダ。モデルで「CEOSプロダクトの読み込み」等に渡せます)、"
        "FIRST_PRODUCT(その最初のもの)、FILE_COUNT、VERIFICATION(「verified」または「unverified: N of M "
        "files」)、UNVERIFIED_FILES(未検証のファイル)。"
    )

    SCENES = "SCENES"
    DESTINATION = "DESTINATION"
    AUTH_CONFIG = "AUTH_CONFIG"
    TRANSPORT = "TRANSPORT"
    SERVICE_URL = "SERVICE_URL"
    SFTP_USER = "SFTP_USER"
    SFTP_PATH_RULE = "SFTP_PATH_RULE"
    MAX_PARALLEL = "MAX_PARALLEL"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    FILES = "FILES"
    FIRST_PRODUCT = "FIRST_PRODUCT"
    FILE_COUNT = "FILE_COUNT"
    VERIFICATION = "VERIFICATION"
    UNVERIFIED_FILES = "UNVERIFIED_FILES"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        def add(param, help_text, advanced=False):
            param.setHelp(self.tr(help_text))
            self.addParameter(make_advanced(param) if advanced else param)

        add(QgsProcessingParameterFeatureSource(self.SCENES, self.tr("Scenes (footprints from a search)"),
                                                [QgsProcessing.TypeVectorPolygon]),
            "Footprints written by 'Search PALSAR-2 scenes'; tick 'selected features only' to take a few.")
        add(QgsProcessingParameterFolderDestination(self.DESTINATION, self.tr("Destination folder")),
            "Products go to <folder>/<scene>_<product>/.")
        add(QgsProcessingParameterAuthConfig(self.AUTH_CONFIG, self.tr("Authentication (G-Portal)"), optional=True),
            "A QGIS authentication configuration: Basic (user/password) or PKI-Paths (SSH private key).")
        add(QgsProcessingParameterEnum(self.TRANSPORT, self.tr("Transport"), options=[
            self.tr("Automatic"), self.tr("HTTPS"), self.tr("SFTP (G-Portal)")], defaultValue=0),
            "0 = automatic, 1 = HTTPS, 2 = SFTP.")
        add(QgsProcessingParameterString(self.SERVICE_URL, self.tr("Service URL (overrides the server)"),
                                         optional=True),
            "https://host[:port] replaces the web server of every file; sftp://host[:port] the SFTP server.", True)
        add(QgsProcessingParameterString(self.SFTP_USER, self.tr("SFTP user name"), optional=True),
            "User name for SFTP with a key (default: the setting palsar2/gportal/sftp_user).", True)
        add(QgsProcessingParameterString(self.SFTP_PATH_RULE, self.tr("SFTP path rule"), optional=True),
            "'<regular expression> => <replacement>' turning a product location into an SFTP path. Default: "
            f"'{endpoints.GPORTAL_SFTP_PATH_RULE[0]} => {endpoints.GPORTAL_SFTP_PATH_RULE[1]}'.", True)
        add(QgsProcessingParameterNumber(self.MAX_PARALLEL, self.tr("Parallel transfers"),
                                         QgsProcessingParameterNumber.Integer, defaultValue=default_parallel(),
                                         minValue=1, maxValue=8),
            "How many files are transferred at the same time.", True)
        self.addOutput(QgsProcessingOutputFolder(self.OUTPUT_FOLDER, self.tr("Destination folder")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.FILES, self.tr("Downloaded products (folders)")))
        self.addOutput(QgsProcessingOutputFolder(self.FIRST_PRODUCT, self.tr("First downloaded product")))
        self.addOutput(QgsProcessingOutputNumber(self.FILE_COUNT, self.tr("Number of products")))
        self.addOutput(QgsProcessingOutputString(self.VERIFICATION, self.tr("Verification")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.UNVERIFIED_FILES, self.tr("Unverified files")))

    def _sftp_settings(self, parameters, context, service_url, user, password, key_path, passphrase):
        from ..palsar2_plugin.download.sftp import SftpSettings
        host = setting("gportal/sftp_host", endpoints.GPORTAL_SFTP_HOST)
        port = int(numeric_setting("gportal/sftp_port", endpoints.GPORTAL_SFTP_PORT))
        if service_url.startswith("sftp://"):
            parts = urlsplit(service_url)
            host, port = parts.hostname or host, parts.port or 22
        user = (self.parameterAsString(parameters, self.SFTP_USER, context) or user
                or setting("gportal/sftp_user", ""))
        if not user:
            raise QgsProcessingException("Give the SFTP user name (SFTP_USER or the setting palsar2/gportal/sftp_user).")
        if not key_path and not password:
            raise QgsProcessingException("SFTP needs an authentication configuration (AUTH_CONFIG): an SSH key "
                                         "(PKI-Paths) for the new G-Portal, or user and password for the legacy one.")
        known_hosts = setting("gportal/known_hosts", None) or default_known_hosts()
        return SftpSettings(host=host, port=port, username=user, key_path=key_path, password=password,
                            key_passphrase=passphrase, known_hosts=known_hosts)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.download.batch import DEFAULT_PARALLEL, download_scenes
        from ..palsar2_plugin.net.session import make_session

        progress, is_cancelled = core_callbacks(feedback)
        source = self.parameterAsSource(parameters, self.SCENES, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.SCENES))
        destination = self.parameterAsString(parameters, self.DESTINATION, context)
        transport = TRANSPORT_VALUES[self.parameterAsEnum(parameters, self.TRANSPORT, context)]
        service_url = (self.parameterAsString(parameters, self.SERVICE_URL, context) or "").strip()
        rule = parse_path_rule(self.parameterAsString(parameters, self.SFTP_PATH_RULE, context)
                               or setting("gportal/sftp_path_rule", ""))
        parallel = self.parameterAsInt(parameters, self.MAX_PARALLEL, context) or DEFAULT_PARALLEL
        records: List[SceneRecord] = [record_from_feature(f) for f in source.getFeatures()]
        if not records:
            raise QgsProcessingException(self.tr("No scenes to download: the layer (or its selection) is empty."))
        if transport == "auto":  # G-Portal products come over SFTP; web addresses of other sources over HTTPS
            first = records[0].files[0].url if records[0].files else records[0].download_path
            transport = ("sftp" if service_url.startswith("sftp://") or records[0].source == "gportal"
                         or not re.match(r"^https?://", first) else "http")
        user, password, key_path, passphrase = resolve_auth(
            self.parameterAsString(parameters, self.AUTH_CONFIG, context))
        if transport == "http" and service_url and not service_url.startswith("sftp://"):
            records = [r.with_files(RemoteFile(rebase_url(f.url, service_url), f.size, f.md5, f.etag)
                                    for f in (r.files or [RemoteFile(r.download_path, r.size_bytes)]))
                       for r in records]
        if transport == "sftp":
            self.require(("paramiko",), "SFTP")
        sftp_settings = (self._sftp_settings(parameters, context, service_url, user, password, key_path, passphrase)
                         if transport == "sftp" else None)
        http_auth = None
        if transport == "http" and user and password:
            http_auth = self._http_auth(feedback, records, user, password, service_url)
        proxies = qgis_proxies()
        feedback.pushInfo(self.tr("Downloading {} products over {} into {} ({} at a time).").format(
            len(records), transport.upper(), destination, parallel))
        with self.core_errors():
            done = download_scenes(records, destination, transport=transport, sftp_settings=sftp_settings,
                                   sftp_rule=rule, session_factory=lambda: make_session(proxies, http_auth),
                                   max_parallel=parallel, progress=progress, is_cancelled=is_cancelled)
        files = [str(f) for f in done.folders]
        counts = done.verification_counts()
        unverified = [str(p) for p in done.unverified]
        feedback.pushInfo(self.tr("{} files verified by MD5 checksum, {} by ETag, {} unverified.").format(
            counts["md5"], counts["etag"], counts["unverified"]))
        if unverified:
            feedback.pushWarning(self.tr("Unverified (complete by size only: the source gives no checksum or strong "
                                         "ETag to check their content against): {}").format(", ".join(unverified)))
        # a result value for models and scripts: the same words in every language
        verification = "verified" if not unverified else f"unverified: {len(unverified)} of {len(done.files)} files"
        feedback.pushInfo(self.tr("{} products ready ({}). Data provided by JAXA.").format(len(files), verification))
        return {self.OUTPUT_FOLDER: destination, self.DESTINATION: destination, self.FILES: files,
                self.FIRST_PRODUCT: files[0] if files else "", self.FILE_COUNT: len(files),
                self.VERIFICATION: verification, self.UNVERIFIED_FILES: unverified}

    def _http_auth(self, feedback, records, user: str, password: str, service_url: str):
        """Credentials bound to the service URL's host (or G-Portal's), sent over HTTPS only; warns when
        some files will be fetched without them."""
        from ..palsar2_plugin.net.auth import HostBoundAuth   # requests: imported when running

        origins = [service_url] if service_url else list(endpoints.GPORTAL_HTTPS_HOSTS)
        auth = HostBoundAuth(user, password, origins)
        urls = [f.url for r in records for f in (r.files or [RemoteFile(r.download_path, r.size_bytes)])]
        others = sorted({redact_url(u).split("/")[2] if "://" in u else u for u in urls if not auth.allows(u)})
        if others:
            allowed = ", ".join(sorted(h for h, _ in auth.allowed)) or "-"
            feedback.pushWarning(self.tr("The credentials of the authentication configuration are sent only over "
                                         "HTTPS to {}; files on {} are downloaded without them.").format(
                allowed, ", ".join(others[:5])))
        return auth
