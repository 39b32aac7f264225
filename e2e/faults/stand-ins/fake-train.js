#!/usr/bin/env node
/**
 * Stand-in trainer for the fault suite: writes fake-but-valid Hugging Face
 * checkpoints (config.json, model.safetensors with a real header, tokenizer.json,
 * trainer_state.json) under the run dir, so nx, the executors and the
 * CheckpointFinder run for real without a second of training.
 *
 * usage: node fake-train.js <mode> <run_dir> [pid_file]
 *   complete   checkpoint-10 and checkpoint-20, both whole (best: 20)
 *   partial    checkpoint-10 whole; checkpoint-20 with config.json but a truncated
 *              model.safetensors and no tokenizer, as a kill mid-save leaves it; exit 0
 *   killed     as partial, then the process kills itself with SIGKILL
 *   fail       logs a few steps, then exits 1 with an error on stderr
 *   enospc     checkpoint-10 whole, then "No space left on device" while saving 20; exit 1
 *   empty      creates the run dir, prints progress and exits 0 without writing a checkpoint
 *   sleep      writes its pid to pid_file, then sleeps (until killed); when pid_file
 *              already exists (a rerun after the interrupt), behaves as complete
 *   save-on-term  as sleep, and like the real trainer saves before it stops: on SIGTERM it
 *              prints a progress line every 200 ms for 3 s, then writes checkpoint-10 and
 *              <pid_file>.saved and exits 8 (interrupted after saving)
 */
const fs = require('node:fs');
const path = require('node:path');

const [mode, runDir, pidFile] = process.argv.slice(2);
if (!mode || !runDir) {
  console.error('usage: fake-train.js <mode> <run_dir> [pid_file]');
  process.exit(2);
}

function safetensors() {
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, Buffer.alloc(8)]);
}

function state(step, best) {
  return {
    global_step: step,
    best_metric: 0.3,
    best_model_checkpoint: best ? path.join(runDir, `checkpoint-${best}`) : null,
    log_history: [
      { step: 10, loss: 2.5 },
      { step: 10, eval_score: 0.2, eval_loss: 2.4 },
      ...(step >= 20 ? [{ step: 20, eval_score: 0.3, eval_loss: 2.2 }] : []),
    ],
  };
}

function writeCheckpoint(step, best, { partial = false } = {}) {
  const dir = path.join(runDir, `checkpoint-${step}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bart', d_model: 4 }));
  if (partial) {
    // A save killed halfway: the header promises 8 bytes of data that never arrived.
    fs.writeFileSync(path.join(dir, 'model.safetensors'), safetensors().subarray(0, 20));
    return;
  }
  fs.writeFileSync(path.join(dir, 'model.safetensors'), safetensors());
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' } }));
  fs.writeFileSync(path.join(dir, 'trainer_state.json'), JSON.stringify(state(step, best)));
}

const log = (o) => console.log(JSON.stringify(o));
log({ event: 'start', run_id: path.basename(runDir), max_steps: 20, device: 'cpu' });

switch (mode) {
  case 'complete':
    writeCheckpoint(10, 10);
    writeCheckpoint(20, 20);
    log({ event: 'done', run_id: path.basename(runDir), best_checkpoint: path.join(runDir, 'checkpoint-20'), final_metrics: { eval_score: 0.3 } });
    break;
  case 'partial':
  case 'killed':
    writeCheckpoint(10, 10);
    writeCheckpoint(20, 20, { partial: true });
    if (mode === 'killed') process.kill(process.pid, 'SIGKILL');
    break;
  case 'fail':
    log({ event: 'log', step: 5, max_steps: 20, epoch: 0.5, loss: 2.9, learning_rate: 0.001, eta_s: 3 });
    console.error('RuntimeError: stand-in trainer crashed at step 6 (simulated)');
    process.exit(1);
  case 'enospc':
    writeCheckpoint(10, 10);
    console.error(`OSError: [Errno 28] No space left on device: '${path.join(runDir, 'checkpoint-20', 'model.safetensors')}'`);
    process.exit(1);
  case 'empty':
    fs.mkdirSync(runDir, { recursive: true });
    log({ event: 'log', step: 20, max_steps: 20, epoch: 1, loss: 2.0, learning_rate: 0.001, eta_s: 0 });
    break;
  case 'save-on-term': {
    // `on` with a guard: one Ctrl-C arrives more than once (nx's tree kill, the step's own stop).
    let stopping = false;
    process.on('SIGTERM', () => {
      if (stopping) return;
      stopping = true;
      let n = 0;
      const saving = setInterval(() => {
        console.error(`stand-in trainer: SIGTERM received, saving a checkpoint (${++n})`);
        if (n < 15) return;
        clearInterval(saving);
        writeCheckpoint(10, 10);
        fs.writeFileSync(`${pidFile}.saved`, '');
        process.exit(8);
      }, 200);
    });
  }
  // falls through: started like sleep
  case 'sleep':
    if (mode === 'sleep' && fs.existsSync(pidFile)) {
      writeCheckpoint(10, 10);
      writeCheckpoint(20, 20);
      break;
    }
    fs.mkdirSync(runDir, { recursive: true });
    // Renamed into place: a test polling for the file must never read it empty (pid 0).
    fs.writeFileSync(`${pidFile}.tmp`, String(process.pid));
    fs.renameSync(`${pidFile}.tmp`, pidFile);
    log({ event: 'log', step: 1, max_steps: 20, epoch: 0.1, loss: 3, learning_rate: 0.001, eta_s: 600 });
    setInterval(() => {}, 1000);
    break;
  default:
    console.error(`fake-train.js: unknown mode ${mode}`);
    process.exit(2);
}
