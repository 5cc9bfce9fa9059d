"""Executors, shard planning and resume markers."""
