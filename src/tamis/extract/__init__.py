"""Main-text extraction from HTML: extractors, page metadata, the block model, the scorers."""

from tamis.extract.core import EXTRACTORS, Extraction, extract

__all__ = ["EXTRACTORS", "Extraction", "extract"]
