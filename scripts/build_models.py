#!/usr/bin/python3
"""(Re)write the graphical models shipped in palsar2_plugin/models/ (run inside QGIS's Python).

The provider offers every ``*.model3`` of that folder as an algorithm ``palsar2:<model name>``, with a display
name and help in the user's language from processing_provider/shipped_models.py (add the new model there).
Run ``scripts/test.sh tests/qgis/test_shipped_models.py`` afterwards.
Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/build_models.py
"""

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource as Source,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)

MODELS = Path(__file__).resolve().parents[1] / "palsar2_plugin" / "models"


def l11_to_nrb_layers() -> QgsProcessingModelAlgorithm:
    """L1.1 product + DEM -> palsar2:terraincorrection -> palsar2:loadnrb (gamma0 layers, mask, LIA)."""
    model = QgsProcessingModelAlgorithm("l11tonrblayers", "Terrain correction")
    model.setHelpContent({
        "ALG_DESC": "From a PALSAR-2 L1.1 product (ScanSAR or stripmap) and a DEM to terrain-corrected gamma0 "
                    "layers on the map: palsar2:terraincorrection writes a CEOS-ARD NRB product, "
                    "palsar2:loadnrb loads it styled (dB grey, data mask, local incidence angle). "
                    "Data provided by JAXA (提供:JAXA).",
        "product": "The L1.1 product: folder, zip or any of its files.",
        "dem": "A DEM raster covering the scene (any CRS).",
        "dem_height_reference": "0 = EGM96 geoid (SRTM, ASTER, Copernicus), 1 = EGM2008 geoid, 2 = WGS84 ellipsoid.",
        "pixel_size": "Output pixel size in metres (UTM of the scene centre).",
    })
    params = [
        QgsProcessingParameterFile("product", "L1.1 product (folder, zip or any of its files)",
                                   behavior=QgsProcessingParameterFile.File, fileFilter="All files (*)"),
        QgsProcessingParameterRasterLayer("dem", "DEM"),
        QgsProcessingParameterEnum("dem_height_reference", "DEM height reference",
                                   options=["EGM96 geoid", "EGM2008 geoid", "WGS84 ellipsoid"], defaultValue=0),
        QgsProcessingParameterNumber("pixel_size", "Pixel size (m)", type=QgsProcessingParameterNumber.Double,
                                     defaultValue=25.0, minValue=1.0),
    ]
    for x, param in enumerate(params):
        component = QgsProcessingModelParameter(param.name())
        component.setPosition(component.position().__class__(120, 80 + 70 * x))
        model.addModelParameter(param, component)

    correct = QgsProcessingModelChildAlgorithm("palsar2:terraincorrection")
    correct.setChildId("correct")
    correct.setDescription("Terrain correction (gamma0 NRB)")
    correct.addParameterSources("INPUT", [Source.fromModelParameter("product")])
    correct.addParameterSources("DEM", [Source.fromModelParameter("dem")])
    correct.addParameterSources("DEM_HEIGHT_REFERENCE", [Source.fromModelParameter("dem_height_reference")])
    correct.addParameterSources("PIXEL_SIZE", [Source.fromModelParameter("pixel_size")])
    nrb = QgsProcessingModelOutput("nrb_folder", "NRB product folder")
    nrb.setChildId("correct")
    nrb.setChildOutputName("OUTPUT_FOLDER")
    correct.setModelOutputs({"nrb_folder": nrb})
    correct.setPosition(correct.position().__class__(420, 150))
    model.addChildAlgorithm(correct)

    load = QgsProcessingModelChildAlgorithm("palsar2:loadnrb")
    load.setChildId("load")
    load.setDescription("Load NRB product as layers")
    load.addParameterSources("INPUT", [Source.fromChildOutput("correct", "METADATA")])
    load.addParameterSources("SCALE", [Source.fromStaticValue(0)])
    load.addParameterSources("STYLE", [Source.fromStaticValue(0)])
    load.addParameterSources("LOAD_ANCILLARY", [Source.fromStaticValue(True)])
    # no OUTPUT_FOLDER: the layer files go beside the NRB product (or the plugin's layer folder), where they last
    load.setPosition(load.position().__class__(720, 150))
    model.addChildAlgorithm(load)
    return model


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    MODELS.mkdir(exist_ok=True)
    path = MODELS / "l11_to_nrb_layers.model3"
    assert l11_to_nrb_layers().toFile(str(path)), path
    print(path)
    app.exitQgis()


if __name__ == "__main__":
    main()
