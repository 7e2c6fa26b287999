"""Polygons of the classes of a classified raster, with area and mean value per polygon.

Uses GDAL's own streaming algorithms (sieve, polygonize, rasterize: they work line by line, not
on the whole scene in memory), then accumulates each polygon's mean value tile by tile.
Output fields: ``change`` (the class name, e.g. "increase" / "decrease" of the log-ratio or
"coherence loss"), the mean of the value raster (``mean_db`` for the log-ratio, named by the
caller), ``area_m2`` (m², geodesic on WGS 84 if the CRS is geographic), ``pixels``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional

import numpy as np

from ..errors import Palsar2Error
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .logratio import CLASS_NAMES

_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
            ".fgb": "FlatGeobuf", ".sqlite": "SQLite", ".kml": "KML"}


def _driver_for(path: str) -> str:
    return _DRIVERS.get(os.path.splitext(path)[1].lower(), "GPKG")


@dataclass(frozen=True)
class PolygonSummary:
    """What :func:`polygonize_classes` wrote: the number of polygons and their area per class name (m²)."""

    count: int
    area_m2: Dict[str, float] = field(default_factory=dict)


def polygonize_changes(classes_path: str, ratio_path: str, out_path: str, min_pixels: int = 1,
                       tile_size: int = 512, progress: Optional[ProgressCallback] = None,
                       is_cancelled: Optional[CancelCheck] = None) -> int:
    """Polygons of the increase/decrease classes of a thresholded log-ratio (``mean_db`` per polygon);
    returns their count. See :func:`polygonize_classes`."""
    return polygonize_classes(classes_path, ratio_path, out_path, CLASS_NAMES, "mean_db", min_pixels=min_pixels,
                              tile_size=tile_size, progress=progress, is_cancelled=is_cancelled).count


def polygonize_classes(classes_path: str, values_path: str, out_path: str, class_names: Mapping[int, str],
                       mean_field: str, *, layer_name: str = "changes", min_pixels: int = 1, tile_size: int = 512,
                       progress: Optional[ProgressCallback] = None,
                       is_cancelled: Optional[CancelCheck] = None) -> PolygonSummary:
    """Write the polygons of the non-zero classes of ``classes_path`` (uint8; names in ``class_names``)
    to ``out_path`` (format from its extension, GeoPackage by default) as layer ``layer_name``.

    Regions smaller than ``min_pixels`` (8-connected) are removed first. ``values_path`` is a raster
    on the same grid whose mean over each polygon goes into the field ``mean_field``.
    """
    from osgeo import gdal, ogr, osr

    classes_ds = gdal.OpenEx(classes_path, gdal.OF_RASTER | gdal.OF_UPDATE)
    band = classes_ds.GetRasterBand(1)
    if min_pixels > 1:
        gdal.SieveFilter(band, None, band, int(min_pixels), 8)
        band.FlushCache()
    check_cancelled(is_cancelled)
    report(progress, 0.2, "Tracing polygons")

    srs = osr.SpatialReference()
    srs.ImportFromWkt(classes_ds.GetProjection())
    memory = ogr.GetDriverByName("Memory").CreateDataSource("changes")
    layer = memory.CreateLayer("changes", srs=srs, geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
    if gdal.Polygonize(band, band, layer, 0, ["8CONNECTED=8"]) != 0:
        raise Palsar2Error(f"GDAL could not trace the polygons of {classes_path}.")
    count = layer.GetFeatureCount()
    report(progress, 0.5, f"{count} polygons")

    # label raster: polygon number (1..n) per pixel, for the per-polygon mean
    labels_path = classes_path + ".labels.tif"
    labels_ds = gdal.GetDriverByName("GTiff").Create(
        labels_path, classes_ds.RasterXSize, classes_ds.RasterYSize, 1, gdal.GDT_Int32,
        ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"])
    labels_ds.SetGeoTransform(classes_ds.GetGeoTransform())
    labels_ds.SetProjection(classes_ds.GetProjection())
    layer.CreateField(ogr.FieldDefn("label", ogr.OFTInteger))
    code_index = layer.GetLayerDefn().GetFieldIndex("code")
    label_index = layer.GetLayerDefn().GetFieldIndex("label")
    layer.ResetReading()
    for number, feature in enumerate(layer, start=1):
        feature.SetField(label_index, number)
        layer.SetFeature(feature)
    if count:
        gdal.RasterizeLayer(labels_ds, [1], layer, options=["ATTRIBUTE=label"])
    labels_ds.FlushCache()
    check_cancelled(is_cancelled)

    sums = np.zeros(count + 1)
    pixels = np.zeros(count + 1, dtype=np.int64)
    values_ds = gdal.Open(values_path)
    values_band = values_ds.GetRasterBand(1)
    label_band = labels_ds.GetRasterBand(1)
    width, height = classes_ds.RasterXSize, classes_ds.RasterYSize
    for row in range(0, height, tile_size):
        check_cancelled(is_cancelled)
        rows = min(tile_size, height - row)
        for col in range(0, width, tile_size):
            cols = min(tile_size, width - col)
            labels = label_band.ReadAsArray(col, row, cols, rows).ravel()
            values = values_band.ReadAsArray(col, row, cols, rows).astype(np.float64).ravel()
            keep = (labels > 0) & np.isfinite(values)
            sums += np.bincount(labels[keep], weights=values[keep], minlength=count + 1)[:count + 1]
            pixels += np.bincount(labels[keep], minlength=count + 1)[:count + 1]
        report(progress, 0.5 + 0.3 * min(1.0, (row + rows) / height), "Measuring polygons")

    geographic = bool(srs.IsGeographic())
    unit = srs.GetLinearUnits() if not geographic else 1.0
    driver = ogr.GetDriverByName(_driver_for(out_path))
    if os.path.exists(out_path):
        driver.DeleteDataSource(out_path)
    out_ds = driver.CreateDataSource(out_path)
    if out_ds is None:
        raise Palsar2Error(f"Cannot create {out_path}: check the folder exists and is writable.")
    out_layer = out_ds.CreateLayer(layer_name, srs=srs, geom_type=ogr.wkbPolygon)
    for name, kind in (("change", ogr.OFTString), (mean_field, ogr.OFTReal), ("area_m2", ogr.OFTReal),
                       ("pixels", ogr.OFTInteger64)):
        out_layer.CreateField(ogr.FieldDefn(name, kind))
    areas: Dict[str, float] = {}
    out_layer.StartTransaction()
    out_defn = out_layer.GetLayerDefn()
    change_i, mean_i, area_i, pixels_i = (out_defn.GetFieldIndex(n) for n in ("change", mean_field, "area_m2", "pixels"))
    layer.ResetReading()
    for feature in layer:
        number = feature.GetFieldAsInteger(label_index)
        geometry = feature.GetGeometryRef()
        out_feature = ogr.Feature(out_defn)
        out_feature.SetGeometry(geometry)
        name = class_names.get(feature.GetFieldAsInteger(code_index), "unknown")
        out_feature.SetField(change_i, name)
        if pixels[number]:
            out_feature.SetField(mean_i, float(sums[number] / pixels[number]))
        area = _area_m2(geometry, geographic, unit)
        areas[name] = areas.get(name, 0.0) + area
        out_feature.SetField(area_i, area)
        out_feature.SetField(pixels_i, int(pixels[number]))
        out_layer.CreateFeature(out_feature)
    out_layer.CommitTransaction()
    out_ds = None
    labels_ds = None
    values_ds = None
    classes_ds = None
    gdal.Unlink(labels_path)
    report(progress, 1.0, "Polygons written")
    return PolygonSummary(count, areas)


def _area_m2(geometry, geographic: bool, unit: float) -> float:
    if not geographic:
        return float(geometry.GetArea()) * unit * unit
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    total = 0.0
    for index in range(geometry.GetGeometryCount()):
        ring = geometry.GetGeometryRef(index)
        points = ring.GetPoints()
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        area, _ = geod.polygon_area_perimeter(lons, lats)
        total += abs(area) if index == 0 else -abs(area)
    return total
