"""autoexp_trainer: train, predict and score summarization models for autoexp.

Commands run as ``python -m autoexp_trainer <train|predict|score> ...``;
see README.md for options and exit codes.
"""

import csv as _csv
import sys as _sys

__version__ = "0.1.0"

# Dialogues and summaries can be long; the csv module's default field limit is 128 KiB. Raised here, once
# for every command, so a CSV never reads differently depending on which modules happened to be imported.
_csv.field_size_limit(min(_sys.maxsize, 2**31 - 1))
