"""Competition CSV loading (fname, dialogue, summary, topic) with checks that
name the file, the row and the column when something is wrong (exit 3)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError

@dataclass
class Example:
    fname: str
    dialogue: str
    summary: str | None
    row: int  # 1-based data row (header excluded), for messages


def load_examples(path: str | Path, *, need_summary: bool, limit: int | None = None,
                  what: str = "data") -> list[Example]:
    """Read a competition CSV. `need_summary` for train/dev; test has only fname, dialogue."""
    p = Path(path)
    required = ["fname", "dialogue"] + (["summary"] if need_summary else [])
    if not p.is_file():
        raise DataError(f"{what} file not found: {p}. Check data.* paths in the config "
                        f"(or --input) and that the file exists.")
    try:
        with p.open("r", encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"{p}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                                f"the header is {header!r}. The file needs columns {', '.join(required)}.")
            examples: list[Example] = []
            seen: dict[str, int] = {}
            for i, rec in enumerate(reader, start=1):
                fname = (rec.get("fname") or "").strip()
                where = f"{p}: row {i} (line {reader.line_num})"
                if not fname:
                    raise DataError(f"{where}: empty fname. Every row needs a unique fname.")
                if fname in seen:
                    raise DataError(f"{where}: duplicate fname {fname!r} (first at row {seen[fname]}). "
                                    f"fnames must be unique.")
                seen[fname] = i
                dialogue = rec.get("dialogue")
                if dialogue is None or not dialogue.strip():
                    raise DataError(f"{where}: empty dialogue for fname {fname!r}. "
                                    f"Fill it in or remove the row.")
                summary = rec.get("summary")
                if need_summary and (summary is None or not summary.strip()):
                    raise DataError(f"{where}: empty summary for fname {fname!r}. "
                                    f"Training and dev rows need a reference summary.")
                examples.append(Example(fname=fname, dialogue=dialogue, summary=summary, row=i))
                if limit is not None and len(examples) >= limit:
                    break
    except UnicodeDecodeError as exc:
        raise DataError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start}). "
                        f"Save the file as UTF-8.") from None
    except csv.Error as exc:
        raise DataError(f"{p}: malformed CSV: {exc}") from None
    if not examples:
        raise DataError(f"{p}: no data rows. The {what} file must hold at least one row.")
    return examples
