"""Line cleaning: rules that remove site furniture and wire residue from one document.

:mod:`tamis.clean.rules` holds the rules, :mod:`tamis.clean.patterns` the per-language lists of
furniture lines, :mod:`tamis.clean.segments` the line and sentence segmentation shared with the
learned ``boilerplate`` stage, and :mod:`tamis.clean.sitekey` how a document's site is named.
"""
