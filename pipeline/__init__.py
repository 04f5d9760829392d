"""caselit's library: read -> tag -> assemble -> evaluate -> store.

Each stage is a sub-package with a small front door; all share :mod:`pipeline.schema`.
Nothing here imports Prefect: flows live in :mod:`flows`.
"""

# Bump on any change that alters extractions: the manifest reprocesses every document
# whose record was made by another version.
__version__ = "0.1.0"
