"""The terrain-correction parameters shared by ``palsar2:terraincorrection`` and
``palsar2:batchterraincorrection`` (same names, defaults and help, so models can swap them)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from .base import make_advanced, with_dem_widget

CONTEXT = "CorrectionParameters"

#: PERMANENT enum values (models store the index): append only.
HEIGHT_REFERENCE_VALUES = ("egm96", "egm2008", "ellipsoid")
POLARISATION_VALUES = ("HH", "HV", "VH", "VV")

DEM = "DEM"
DEM_HEIGHT_REFERENCE = "DEM_HEIGHT_REFERENCE"
POLARISATIONS = "POLARISATIONS"
CRS = "CRS"
PIXEL_SIZE = "PIXEL_SIZE"
EXTENT = "EXTENT"
OVERSAMPLING = "OVERSAMPLING"


class CorrectionParameterNames:
    """The shared parameters' names as class attributes (``self.DEM`` ...) for the algorithms that
    add them with :func:`add_correction_parameters`."""

    DEM = DEM
    DEM_HEIGHT_REFERENCE = DEM_HEIGHT_REFERENCE
    POLARISATIONS = POLARISATIONS
    CRS = CRS
    PIXEL_SIZE = PIXEL_SIZE
    EXTENT = EXTENT
    OVERSAMPLING = OVERSAMPLING


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def add_dem_parameters(algorithm: QgsProcessingAlgorithm, optional: bool = False) -> None:
    """Add DEM and DEM_HEIGHT_REFERENCE (``optional``: an algorithm that needs the DEM only for some inputs)."""
    dem = QgsProcessingParameterRasterLayer(DEM, tr("DEM"), optional=optional)
    dem.setHelp(tr("A raster of terrain heights covering the scene, in any CRS."))
    algorithm.addParameter(with_dem_widget(dem))
    ref = QgsProcessingParameterEnum(DEM_HEIGHT_REFERENCE, tr("DEM height reference"),
                                     options=[tr("EGM96 geoid"), tr("EGM2008 geoid"), tr("WGS84 ellipsoid")],
                                     defaultValue=0)
    ref.setHelp(tr("What the DEM heights are measured from (SRTM/ASTER: EGM96)."))
    algorithm.addParameter(ref)


def add_grid_parameters(algorithm: QgsProcessingAlgorithm) -> None:
    """Add CRS, PIXEL_SIZE and EXTENT."""
    crs = QgsProcessingParameterCrs(CRS, tr("Output CRS (empty = UTM of the scene centre)"), optional=True)
    crs.setHelp(tr("A projected CRS in metres; empty chooses the UTM zone of the scene centre."))
    algorithm.addParameter(crs)
    pixel = QgsProcessingParameterNumber(PIXEL_SIZE, tr("Pixel size (m)"), type=QgsProcessingParameterNumber.Double,
                                         defaultValue=25.0, minValue=1.0, maxValue=10000.0)
    pixel.setHelp(tr("Output pixel size in metres (JAXA L2.2: 25 m)."))
    algorithm.addParameter(pixel)
    extent = QgsProcessingParameterExtent(EXTENT, tr("Area of interest (empty = whole scene)"), optional=True)
    extent.setHelp(tr("Limit the product to this extent (clipped to the scene)."))
    algorithm.addParameter(extent)


def add_correction_parameters(algorithm: QgsProcessingAlgorithm) -> None:
    """Add DEM, DEM_HEIGHT_REFERENCE, POLARISATIONS, CRS, PIXEL_SIZE, EXTENT and OVERSAMPLING."""
    add_dem_parameters(algorithm)
    pols = QgsProcessingParameterEnum(POLARISATIONS, tr("Polarisations (none = all)"),
                                      options=list(POLARISATION_VALUES), allowMultiple=True, optional=True,
                                      defaultValue=[])
    pols.setHelp(tr("gamma0 layers to make; leave empty for all the product has."))
    algorithm.addParameter(pols)
    add_grid_parameters(algorithm)
    over = QgsProcessingParameterNumber(OVERSAMPLING, tr("DEM oversampling for the area computation"),
                                        type=QgsProcessingParameterNumber.Integer, defaultValue=2, minValue=1,
                                        maxValue=8)
    over.setHelp(tr("DEM facets per output pixel side (2 = 12.5 m facets for 25 m pixels)."))
    algorithm.addParameter(make_advanced(over))


def dem_and_grid_arguments(algorithm, parameters, context) -> dict:
    """dem_path, height_reference, crs, pixel_size_m, extent, extent_crs from the shared parameters
    (raises QgsProcessingException with what to do)."""
    from qgis.core import QgsProcessingException

    dem_layer = algorithm.parameterAsRasterLayer(parameters, DEM, context)
    if dem_layer is None or not dem_layer.isValid():
        raise QgsProcessingException(tr("Choose a DEM raster layer."))
    if dem_layer.providerType() != "gdal":
        raise QgsProcessingException(tr("The DEM must be a raster file GDAL reads (not a web service); "
                                        "save it as a GeoTIFF first."))
    crs = algorithm.parameterAsCrs(parameters, CRS, context)
    crs_text = None
    if crs.isValid():
        if crs.isGeographic():
            raise QgsProcessingException(tr("Choose a projected CRS in metres (e.g. UTM), or leave CRS empty."))
        crs_text = crs.authid() or crs.toWkt()
    extent = extent_crs = None
    if parameters.get(EXTENT) not in (None, ""):
        rect = algorithm.parameterAsExtent(parameters, EXTENT, context)
        if not rect.isNull() and not rect.isEmpty():
            e_crs = algorithm.parameterAsExtentCrs(parameters, EXTENT, context)
            extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
            extent_crs = (e_crs.authid() or e_crs.toWkt()) if e_crs.isValid() else "EPSG:4326"
    return dict(dem_path=dem_layer.source(),
                height_reference=HEIGHT_REFERENCE_VALUES[algorithm.parameterAsEnum(parameters, DEM_HEIGHT_REFERENCE,
                                                                                  context)],
                crs=crs_text, pixel_size_m=algorithm.parameterAsDouble(parameters, PIXEL_SIZE, context),
                extent=extent, extent_crs=extent_crs)
