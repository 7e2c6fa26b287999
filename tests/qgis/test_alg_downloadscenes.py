"""``palsar2:downloadscenes`` (HTTP from a loopback bucket, SFTP from a real sshd) and a search -> download model."""

from __future__ import annotations
from sample_data import GPORTAL_EXAMPLE, L22

import copy
import importlib
import io
import json
import zipfile
from pathlib import Path

import processing
import pytest
from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback, QgsProcessingModelAlgorithm,
                       QgsProcessingModelChildAlgorithm, QgsProcessingModelChildParameterSource,
                       QgsProcessingModelOutput, QgsProcessingModelParameter, QgsProcessingParameterString,
                       QgsProject)

from model_results import child_output
from servers.bucket_samples import L22_PREFIX, fill_bucket
from servers.fixtures import http_server, https_server, sshd_server, tls_certificate  # noqa: F401
from servers.http_server import Fault

EXAMPLE = json.loads(GPORTAL_EXAMPLE.read_text())
SCENE1 = "ALOS2437590501-220611_WWDR2.2GUA"


def search(server, tmp_path, output="memory:", extent="95,120,0,20 [EPSG:4326]"):
    return processing.run("palsar2:searchscenes", {
        "EXTENT": extent, "START_DATE": "2022-06-01", "END_DATE": "2022-06-30", "SOURCE": 0,
        "SERVICE_URL": server.base_url, "INDEX_PATH": str(tmp_path / "index.gpkg"), "OUTPUT": output})["OUTPUT"]


def master_password():
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("palsar2-test-master", True)
    return manager


def store_auth(method: str, name: str, values: dict) -> str:
    manager = master_password()
    config = QgsAuthMethodConfig(method)
    config.setName(name)
    for key, value in values.items():
        config.setConfig(key, value)
    assert manager.storeAuthenticationConfig(config)[0]
    return config.id()


@pytest.mark.slow
def test_downloads_selected_scenes_byte_identical(http_server, tmp_path):
    fill_bucket(http_server)
    layer = search(http_server, tmp_path)
    assert layer.featureCount() == 5
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByExpression(f"\"record_id\" = '{SCENE1}'")
        http_server.add_fault(L22_PREFIX + SCENE1 + "_HH_SLP.tif", Fault("status", code=503, retry_after="0"))
        result = processing.run("palsar2:downloadscenes", {
            "SCENES": QgsProcessingFeatureSourceDefinition(layer.id(), True),
            "DESTINATION": str(tmp_path / "out")})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    folder = tmp_path / "out" / SCENE1
    assert result["FILES"] == [str(folder)] and result["FILE_COUNT"] == 1
    assert result["FIRST_PRODUCT"] == str(folder) and result["OUTPUT_FOLDER"] == str(tmp_path / "out")
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert names == sorted(SCENE1 + s for s in ("_HH_SLP.tif", "_HV_SLP.tif", "_LIN.tif", "_MSK.tif",
                                                "_summary.xml", ".kml"))
    for name in names:
        assert (folder / name).read_bytes() == http_server.objects[L22_PREFIX + name]
    assert [d.name for d in (tmp_path / "out").iterdir()] == [SCENE1]


def test_service_url_redirects_the_files(http_server, tmp_path):
    fill_bucket(http_server)
    layer = search(http_server, tmp_path, extent="103.5,104,10.5,11 [EPSG:4326]")
    other = type(http_server)().start()
    try:
        fill_bucket(other)
        result = processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "o"),
                                                           "SERVICE_URL": other.base_url, "TRANSPORT": 1})
        assert len(other.requests_for(L22_PREFIX + SCENE1 + "_MSK.tif")) == 1
        assert result["FILE_COUNT"] == 1
    finally:
        other.stop()


def test_http_credentials_never_leak(https_server, tmp_path):
    fill_bucket(https_server)
    layer = search(https_server, tmp_path, extent="103.5,104,10.5,11 [EPSG:4326]")
    for f in layer.getFeatures():
        for value in f.attributes():
            assert "s3cret" not in str(value)
    https_server.add_fault(L22_PREFIX + SCENE1 + "_HH_SLP.tif", Fault("status", code=403))
    authcfg = store_auth("Basic", "palsar2 http test", {"username": "alice", "password": "s3cret-pw"})
    with pytest.raises(QgsProcessingException) as error:
        processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "o"),
                                                  "AUTH_CONFIG": authcfg, "MAX_PARALLEL": 1,
                                                  "SERVICE_URL": https_server.base_url})
    assert "refused" in str(error.value) and "s3cret" not in str(error.value) and "alice" not in str(error.value)
    sent = [r["headers"].get("Authorization", "") for r in https_server.requests_for(L22_PREFIX + SCENE1 + "_HH_SLP.tif")]
    assert sent and all(h.startswith("Basic ") for h in sent)  # the credentials did reach the server


def test_sftp_with_a_key_from_the_auth_manager(http_server, sshd_server, tmp_path):
    remote_dir = sshd_server.data / "product" / "Standard" / "ALOS-2" / "2023" / "02" / "17"
    remote_dir.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("ALOS2471852900-230217_WBDR2.2GUD/ALOS2471852900-230217_WBDR2.2GUD_HH_SLP.tif",
                         bytes(range(256)) * 4000)
    payload = buf.getvalue()
    (remote_dir / "ALOS2471852900-230217_WBDR2.2GUD.zip").write_bytes(payload)
    feature = copy.deepcopy(EXAMPLE["features"][0])
    props = feature["properties"]
    props.update(identifier="ALOS2471852900-230217_WBDR2.2GUD", processingLevel="L2.2",
                 beginPosition="2023-02-17T09:21:10Z", endPosition="2023-02-17T09:22:05Z")
    props["product"]["fileName"] = ("product.gportal.jaxa.jp:/products/Standard/ALOS-2/2023/02/17/"
                                    "ALOS2471852900-230217_WBDR2.2GUD.zip")
    props["product"]["size"] = len(payload)
    feature["geometry"]["coordinates"] = [[[36, 36], [38, 36], [38, 38], [36, 38], [36, 36]]]
    http_server.csw_features = [feature]
    layer = processing.run("palsar2:searchscenes", {
        "EXTENT": "36.5,37,36.5,37 [EPSG:4326]", "START_DATE": "2023-02-17", "END_DATE": "2023-02-17", "SOURCE": 2,
        "SERVICE_URL": http_server.base_url + "/csw", "DATASET_IDS": "L2.2=1", "OUTPUT": "memory:"})["OUTPUT"]
    assert layer.featureCount() == 1
    authcfg = store_auth("PKI-Paths", "palsar2 sftp key", {"certpath": "", "keypath": str(sshd_server.user_key),
                                                          "keypass": ""})
    params = {"SCENES": layer, "DESTINATION": str(tmp_path / "sftp"), "AUTH_CONFIG": authcfg,
              "SERVICE_URL": f"sftp://127.0.0.1:{sshd_server.port}", "SFTP_USER": sshd_server.user,
              "SFTP_PATH_RULE": f"^.*?/Standard/ => {sshd_server.data}/product/Standard/"}
    result = processing.run("palsar2:downloadscenes", params)
    folder = Path(result["FIRST_PRODUCT"])
    assert folder.name == "ALOS2471852900-230217_WBDR2.2GUD"
    assert (folder / "ALOS2471852900-230217_WBDR2.2GUD.zip").read_bytes() == payload
    extracted = folder / "ALOS2471852900-230217_WBDR2.2GUD" / "ALOS2471852900-230217_WBDR2.2GUD_HH_SLP.tif"
    assert extracted.read_bytes() == bytes(range(256)) * 4000
    with pytest.raises(QgsProcessingException, match="authentication configuration"):
        processing.run("palsar2:downloadscenes", dict(params, AUTH_CONFIG=None, DESTINATION=str(tmp_path / "x")))


def test_search_then_download_model(http_server, tmp_path):
    fill_bucket(http_server)
    model = QgsProcessingModelAlgorithm("search and download", "palsar2 tests")
    model.addModelParameter(QgsProcessingParameterString("url", "url"), QgsProcessingModelParameter("url"))
    model.addModelParameter(QgsProcessingParameterString("index", "index"), QgsProcessingModelParameter("index"))
    s = QgsProcessingModelChildAlgorithm("palsar2:searchscenes")
    s.setChildId("search")
    for key, value in {"EXTENT": "103.5,104,10.5,11 [EPSG:4326]", "START_DATE": "2022-06-01",
                       "END_DATE": "2022-06-30", "SOURCE": 0}.items():
        s.addParameterSources(key, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    s.addParameterSources("SERVICE_URL", [QgsProcessingModelChildParameterSource.fromModelParameter("url")])
    s.addParameterSources("INDEX_PATH", [QgsProcessingModelChildParameterSource.fromModelParameter("index")])
    s.addParameterSources("OUTPUT", [QgsProcessingModelChildParameterSource.fromStaticValue("TEMPORARY_OUTPUT")])
    model.addChildAlgorithm(s)
    d = QgsProcessingModelChildAlgorithm("palsar2:downloadscenes")
    d.setChildId("download")
    d.addParameterSources("SCENES", [QgsProcessingModelChildParameterSource.fromChildOutput("search", "OUTPUT")])
    d.addParameterSources("DESTINATION", [QgsProcessingModelChildParameterSource.fromStaticValue(str(tmp_path / "m"))])
    out = QgsProcessingModelOutput("products")
    out.setChildId("download")
    out.setChildOutputName("FIRST_PRODUCT")
    d.setModelOutputs({"products": out})
    model.addChildAlgorithm(d)
    result = processing.run(model, {"url": http_server.base_url, "index": str(tmp_path / "idx.gpkg")},
                            context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    first = Path(child_output(result, "download", "products", "FIRST_PRODUCT"))
    assert first == tmp_path / "m" / SCENE1 and len([p for p in first.iterdir() if p.is_file()]) == 6


def test_through_qgis_process(http_server, tmp_path, qgis_process_run):
    fill_bucket(http_server)
    gpkg = tmp_path / "scenes.gpkg"
    search(http_server, tmp_path, output=str(gpkg), extent="106.5,107,10.5,11 [EPSG:4326]")
    run = qgis_process_run("palsar2:downloadscenes", {"SCENES": str(gpkg), "DESTINATION": str(tmp_path / "q")})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.results["FILE_COUNT"] == 1
    folder = Path(run.results["FIRST_PRODUCT"])
    assert folder.name == "ALOS2437590502-220612_WWDR2.2GUA"
    assert (folder / "ALOS2437590502-220612_WWDR2.2GUA_MSK.tif").read_bytes() == bytes([2]) * 102


def test_url_and_path_rule_helpers(plugin_package):
    module = plugin_package.processing_provider.alg_downloadscenes
    assert module.rebase_url("https://jaxaalos2.s3.us-west-2.amazonaws.com/palsar2/a.tif",
                             "http://127.0.0.1:8080/mirror/") == "http://127.0.0.1:8080/mirror/palsar2/a.tif"
    assert module.rebase_url("/product/Standard/x.zip", "http://h") == "/product/Standard/x.zip"
    rule = module.parse_path_rule(r"^.*?/Standard/ => /data/Standard/")
    assert rule.apply("product.gportal.jaxa.jp:/products/Standard/A/b.zip") == "/data/Standard/A/b.zip"
    assert module.parse_path_rule("") is None
    with pytest.raises(QgsProcessingException, match="must look like"):
        module.parse_path_rule("no arrow")
    with pytest.raises(QgsProcessingException, match="invalid"):
        module.parse_path_rule("([ => x")
    search = plugin_package.processing_provider.alg_searchscenes
    assert search.parse_dataset_ids("L1.1=1, 2; 2.2=3\nbad") == {"L1.1": ["1", "2"], "L2.2": ["3"]}


def test_scenes_layer_without_records_is_refused(tmp_path):
    from qgis.core import QgsVectorLayer
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "x", "memory")
    from qgis.core import QgsFeature, QgsGeometry
    f = QgsFeature(layer.fields())
    f.setAttributes(["a"])
    f.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0,1 0,1 1,0 0))"))
    layer.dataProvider().addFeatures([f])
    with pytest.raises(QgsProcessingException, match="lacks the field"):
        processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "d")})


def test_search_download_load_model(http_server, tmp_path, plugin_package):
    """A model search -> download -> palsar2:loadnrb on a small real-format L2.2 product in the bucket."""
    import numpy as np

    from servers.bucket_samples import make_item
    from synthetic import jaxa_nrb as synthetic
    stem = synthetic.DEFAULT_STEM
    written = synthetic.write_l22_product(
        str(tmp_path / "src"), {"HH": np.full((40, 50), 3000, np.uint16), "HV": np.full((40, 50), 900, np.uint16)},
        mask=np.ones((40, 50), np.uint8), lia_dn=np.full((40, 50), 3500, np.uint16),
        summary_xml=str(L22 / f"{stem}_summary.xml"), kml=str(L22 / "ALOS2437590500-220630-WWDR2.2GUA.kml"))
    item = make_item("ALOS2437590500-220630", "WWDR2.2GUA", "2022-06-30T15:58:28.26Z", lon0=122.0, lat0=24.5)
    item["assets"] = {role: {"href": "./" + Path(path).name} for role, path in written.items()}
    http_server.put(L22_PREFIX + stem + ".json", json.dumps(item).encode())
    for path in written.values():
        http_server.put(L22_PREFIX + Path(path).name, Path(path).read_bytes())

    model = QgsProcessingModelAlgorithm("search, download and load", "palsar2 tests")
    model.addModelParameter(QgsProcessingParameterString("url", "url"), QgsProcessingModelParameter("url"))
    search_step = QgsProcessingModelChildAlgorithm("palsar2:searchscenes")
    search_step.setChildId("search")
    for key, value in {"EXTENT": "123,124,25,26 [EPSG:4326]", "START_DATE": "2022-06-30", "END_DATE": "2022-06-30",
                       "SOURCE": 0, "INDEX_PATH": str(tmp_path / "idx.gpkg"), "OUTPUT": "TEMPORARY_OUTPUT"}.items():
        search_step.addParameterSources(key, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    search_step.addParameterSources("SERVICE_URL", [QgsProcessingModelChildParameterSource.fromModelParameter("url")])
    model.addChildAlgorithm(search_step)
    download_step = QgsProcessingModelChildAlgorithm("palsar2:downloadscenes")
    download_step.setChildId("download")
    download_step.addParameterSources("SCENES", [QgsProcessingModelChildParameterSource.fromChildOutput("search", "OUTPUT")])
    download_step.addParameterSources("DESTINATION", [
        QgsProcessingModelChildParameterSource.fromStaticValue(str(tmp_path / "products"))])
    model.addChildAlgorithm(download_step)
    load_step = QgsProcessingModelChildAlgorithm("palsar2:loadnrb")
    load_step.setChildId("load")
    load_step.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromChildOutput("download",
                                                                                                   "FIRST_PRODUCT")])
    load_step.addParameterSources("OUTPUT_FOLDER", [
        QgsProcessingModelChildParameterSource.fromStaticValue(str(tmp_path / "vrt"))])
    out = QgsProcessingModelOutput("count")
    out.setChildId("load")
    out.setChildOutputName("PRODUCT_COUNT")
    load_step.setModelOutputs({"count": out})
    model.addChildAlgorithm(load_step)
    result = processing.run(model, {"url": http_server.base_url}, context=QgsProcessingContext(),
                            feedback=QgsProcessingFeedback())
    assert child_output(result, "load", "count", "PRODUCT_COUNT") == 1
    folder = tmp_path / "products" / stem
    assert (folder / f"{stem}_HH_SLP.tif").read_bytes() == Path(written["HH"]).read_bytes()
