"""Errors of the catalogue layer (all are :class:`~..errors.Palsar2Error`)."""

from __future__ import annotations

from ..errors import Palsar2Error


class CatalogError(Palsar2Error):
    """A catalogue service could not be reached or answered something we cannot read."""


class SearchInputError(Palsar2Error):
    """The search parameters themselves are wrong (empty area, reversed dates, unknown level...)."""
