"""The ``caselit`` command line."""
