"""Deduplication algorithms: normalisation, hashing, MinHash/LSH, clustering and spill to disk.

The stages in :mod:`tamis.stages.dedup` are thin adapters over these modules, so that the
algorithms can be tested and benchmarked without the pipeline around them.
"""
