"""The output CRS of a terrain-corrected product must be projected with its axes in metres.

The whole chain works in metres (pixel size, facet size, halo, the NRB XML's "25 m"); a CRS in feet
or degrees would give pixels of 25 feet or 25 degrees labelled as metres, so it is refused with a
message that names the unit and says what to choose instead.
"""

from __future__ import annotations

from ..errors import Palsar2Error


class OutputCrsError(Palsar2Error):
    """The output CRS is not a projected CRS in metres."""


def check_metre_crs(crs: str) -> None:
    """Raise :class:`OutputCrsError` unless ``crs`` (anything pyproj reads) is projected with both
    horizontal axes in metres."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        c = CRS.from_user_input(crs)
    except CRSError as error:
        raise OutputCrsError(f"The output CRS {crs!r} is not a coordinate reference system PROJ knows ({error}); "
                             "choose a projected CRS in metres, e.g. the scene's UTM zone.") from None
    name = c.name or str(crs)
    if c.is_compound:
        c = next((s for s in c.sub_crs_list if s.is_projected or s.is_geographic), c)
    if not c.is_projected:
        raise OutputCrsError(f"The output CRS {name} is not projected (its coordinates are angles): choose a "
                             "projected CRS in metres (e.g. UTM), or leave the CRS empty for the scene's UTM zone.")
    units = {(a.unit_name, float(a.unit_conversion_factor)) for a in c.axis_info[:2]}
    if any(abs(factor - 1.0) > 1e-12 for _, factor in units):
        unit = ", ".join(sorted(u for u, _ in units))
        raise OutputCrsError(f"The output CRS {name} measures in {unit}, not metres: the pixel size and the NRB "
                             "metadata are in metres, so choose a CRS in metres (e.g. the scene's UTM zone, or leave "
                             "the CRS empty).")
