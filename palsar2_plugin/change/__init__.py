"""Pre/post-event change detection on NRB backscatter: speckle filters, log-ratio, change polygons."""
