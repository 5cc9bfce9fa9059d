"""Stages: one module per stage family; each registers its stages with ``tamis.stages.base``."""

from tamis.stages.base import GlobalStage, Stage, StageOptions, register

__all__ = ["GlobalStage", "Stage", "StageOptions", "register"]
