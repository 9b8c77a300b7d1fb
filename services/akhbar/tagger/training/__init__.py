"""Training-time code of the tagger: corpus reader, training, evaluation, data builds.

Nothing under :mod:`akhbar.tagger` imports this package at run time; it needs the
ANERcorp file (shipped in the repository's ``data/anercorp/``) and, for the data builds,
the ``knowledge`` extra.
"""
