"""How this run is run, apart from what it computes: the resolved config's `run_control` section.

The orchestrator writes it (docs/architecture.md): resume_from_checkpoint (an
absolute checkpoint folder of this very run, or null for a fresh run),
save_on_interrupt, and disk_check. It is kept out of `train` so that none of it
is part of the train config hash: resuming or not never changes what a run
computes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError


@dataclass
class RunControl:
    resume_from_checkpoint: str | None = None
    save_on_interrupt: bool = True
    disk_check: bool = True


def load_run_control(config_path: str | Path) -> RunControl:
    """Reads the section from the resolved config file (already validated JSON by load_config)."""
    raw = json.loads(Path(config_path).read_text(encoding="utf-8"))
    section = raw.get("run_control") if isinstance(raw, dict) else None
    if section is None:
        return RunControl()
    if not isinstance(section, dict):
        raise ConfigError(f"{config_path}: key 'run_control' must be an object")
    out = RunControl()
    for name, types in (("resume_from_checkpoint", (str, type(None))), ("save_on_interrupt", (bool,)),
                        ("disk_check", (bool,))):
        if name in section:
            if not isinstance(section[name], types):
                raise ConfigError(f"{config_path}: key 'run_control.{name}' has the wrong type "
                                  f"({json.dumps(section[name])[:60]})")
            setattr(out, name, section[name])
    return out



def check_resume_target(run_dir: Path, cfg, control: RunControl) -> int:
    """The checkpoint to resume must be a checkpoint-<N> of this run (same folder, run id, config hash); returns N."""
    from .errors import CheckpointError
    from .run_record import RUN_RECORD_FILE

    ck = Path(control.resume_from_checkpoint or "")
    name = ck.name.split("-")
    if ck.parent.resolve() != run_dir.resolve() or len(name) != 2 or name[0] != "checkpoint" or not name[1].isdigit():
        raise ConfigError(f"run_control.resume_from_checkpoint {ck} is not a checkpoint-<step> folder of the run "
                          f"folder {run_dir}")
    if not (ck / "trainer_state.json").is_file():
        raise CheckpointError(f"cannot resume from {ck}: it has no trainer_state.json (not a complete HF Trainer "
                              f"checkpoint); run the train target with --fresh to start over")
    try:
        old = json.loads((run_dir / RUN_RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if not isinstance(old, dict) or old.get("run_id") != cfg.run_id or old.get("config_hash") != cfg.config_hash:
        raise ConfigError(f"cannot resume in {run_dir}: its {RUN_RECORD_FILE} is not run {cfg.run_id} with config "
                          f"hash {cfg.config_hash} (a different run or train config); start a fresh run")
    return int(name[1])
