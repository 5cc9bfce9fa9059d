"""Readers and writers, one module per format; readers register by file suffix."""
