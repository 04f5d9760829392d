"""Imported once by the zygote that document workers are forked from
(:mod:`pipeline.worker`): loading the tagger here means every worker starts with it loaded,
and shares its memory until it writes to it.

The tagger is loaded with the settings of the process that started the zygote. When it
cannot be (a data folder missing), the workers load it themselves and report why with
each document.
"""

from pipeline.tag import load_tagger

try:
    load_tagger()
except Exception:  # noqa: BLE001 - see the docstring: each worker reports it
    pass
