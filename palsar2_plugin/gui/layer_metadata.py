"""JAXA attribution on QGIS layers (texts from :mod:`palsar2_plugin.attribution`).

Every layer the plugin adds goes through :func:`apply_attribution`: rights, licences, a link to
JAXA's terms, JAXA as distributor contact, and the layer's attribution property (shown in
QGIS Server capabilities and the layer properties).
"""

from __future__ import annotations

from typing import ClassVar, List

from qgis.core import (
    QgsAbstractMetadataBase,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
)

from .. import attribution


def apply_attribution(layer: QgsMapLayer) -> QgsMapLayer:
    """Write JAXA's credit into ``layer``'s metadata and attribution; returns the layer."""
    metadata = layer.metadata()
    rights = list(metadata.rights())
    for statement in attribution.rights_statements():
        if statement not in rights:
            rights.append(statement)
    metadata.setRights(rights)
    licences = list(metadata.licenses())
    if attribution.LICENCE_EN not in licences:
        licences.append(attribution.LICENCE_EN)
    metadata.setLicenses(licences)

    if not any(link.url == attribution.TERMS_URL for link in metadata.links()):
        link = QgsAbstractMetadataBase.Link("JAXA G-Portal terms of use", "WWW:LINK", attribution.TERMS_URL)
        link.description = attribution.CREDIT_EN
        metadata.addLink(link)
    if not any(contact.organization == attribution.DISTRIBUTOR_EN for contact in metadata.contacts()):
        contact = QgsAbstractMetadataBase.Contact()
        contact.organization = attribution.DISTRIBUTOR_EN
        contact.role = "distributor"
        contact.email = attribution.CONTACT_EMAIL
        metadata.addContact(contact)
    layer.setMetadata(metadata)
    _set_attribution_property(layer, f"{attribution.CREDIT_EN} ({attribution.CREDIT_JA})", attribution.TERMS_URL)
    return layer


def has_attribution(layer: QgsMapLayer) -> bool:
    """True if ``layer`` carries JAXA's credit in its metadata rights."""
    return any(attribution.CREDIT_EN in right for right in layer.metadata().rights())


def _set_attribution_property(layer: QgsMapLayer, text: str, url: str) -> None:
    server = getattr(layer, "serverProperties", None)
    target = server() if callable(server) else None
    if target is not None and hasattr(target, "setAttribution"):  # QGIS >= 3.38
        target.setAttribution(text)
        target.setAttributionUrl(url)
    else:  # QGIS 3.22 .. 3.36
        layer.setAttribution(text)
        layer.setAttributionUrl(url)


def layer_attribution_text(layer: QgsMapLayer) -> str:
    """The layer's attribution property, whichever QGIS version holds it."""
    server = getattr(layer, "serverProperties", None)
    target = server() if callable(server) else None
    if target is not None and hasattr(target, "attribution"):
        return target.attribution()
    return layer.attribution()


class AttributionPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies JAXA attribution to an algorithm's output layer when QGIS loads it."""

    #: QGIS does not own post-processors: keep them referenced or they are garbage-collected.
    _alive: ClassVar[List["AttributionPostProcessor"]] = []

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        apply_attribution(layer)

    @classmethod
    def attach(cls, context: QgsProcessingContext, layer_id: str) -> None:
        """Make ``context`` attribute the output layer ``layer_id`` (a destination/layer id)."""
        if context.willLoadLayerOnCompletion(layer_id):
            processor = cls()
            cls._alive.append(processor)
            context.layerToLoadOnCompletionDetails(layer_id).setPostProcessor(processor)
