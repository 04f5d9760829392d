"""The unit of work of a run: one document, read to committed.

:func:`extract_document` reads, tags, assembles and writes one document, then commits
it to the output folder's journal; whatever goes wrong becomes the document's outcome,
never an exception, so the batch goes on.
"""

from __future__ import annotations

import time

from pipeline.batch import outcome_done, outcome_failed
from pipeline.errors import BadInputError
from pipeline.schema import DocumentOutcome, SourceFile

IO_RETRIES = 2
IO_RETRY_DELAY = 1.0  # seconds


def extract_document(source: SourceFile, reason: str, out_dir: str, fingerprint: str
                     ) -> DocumentOutcome:
    """One document, read to committed; its failure is an outcome, never an exception."""
    from pipeline.extract import extract
    from pipeline.store import commit, write_record

    started = time.perf_counter()
    attempt = 0
    while True:
        try:
            document, extraction = extract(source, fingerprint)
            write_record(document, extraction, out_dir)
            commit(out_dir, document.source, fingerprint, extraction.run.extracted_at)
            return outcome_done(source, reason, extraction, started)
        except BadInputError as error:
            return outcome_failed(source, reason, error, started)
        except OSError as error:  # an I/O hiccup (a network drive, a disk being cleared)
            if attempt == IO_RETRIES:
                return outcome_failed(source, reason, error, started)
            attempt += 1
            time.sleep(IO_RETRY_DELAY)
        except Exception as error:  # a bug: listed for this document, the batch goes on
            return outcome_failed(source, reason, error, started)
