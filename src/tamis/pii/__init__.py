"""Personal data detection (see :mod:`tamis.pii.detectors`); the ``pii`` stage redacts with it."""
