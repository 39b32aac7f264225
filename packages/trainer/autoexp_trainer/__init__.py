"""autoexp_trainer: train, predict and score summarization models for autoexp.

Commands run as ``python -m autoexp_trainer <train|predict|score> ...``;
see README.md for options and exit codes.
"""

__version__ = "0.1.0"
