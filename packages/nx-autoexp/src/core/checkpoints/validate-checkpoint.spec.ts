import { mkdirSync, rmSync, truncateSync, unlinkSync, writeFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { safetensorsBytes, tmpRoot, writeCheckpoint, writeJson } from './__fixtures__/build-tree';
import { readSafetensorsHeader } from './safetensors-header';
import { validateCheckpoint } from './validate-checkpoint';

let root: string;
beforeEach(() => {
  root = tmpRoot();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('readSafetensorsHeader', () => {
  it('accepts a complete file and returns its header bytes', () => {
    const f = join(root, 'a.safetensors');
    writeFileSync(f, safetensorsBytes(2));
    const h = readSafetensorsHeader(f);
    expect(h.ok).toBe(true);
    expect(h.headerBytes!.length).toBe(statSync(f).size - 8);
  });

  it('catches a file cut inside the data section', () => {
    const f = join(root, 'a.safetensors');
    writeFileSync(f, safetensorsBytes(2));
    truncateSync(f, statSync(f).size - 3);
    expect(readSafetensorsHeader(f)).toMatchObject({ ok: false, problem: expect.stringMatching(/^truncated: \d+ bytes, header says \d+$/) });
  });

  it('catches a file cut inside the header and one shorter than 8 bytes', () => {
    const f = join(root, 'a.safetensors');
    writeFileSync(f, safetensorsBytes(2).subarray(0, 20));
    expect(readSafetensorsHeader(f).problem).toMatch(/header length \d+ does not fit/);
    writeFileSync(f, Buffer.alloc(5));
    expect(readSafetensorsHeader(f).problem).toMatch(/shorter than the 8-byte header length/);
  });

  it('rejects a header that is not JSON', () => {
    const f = join(root, 'a.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(4n);
    writeFileSync(f, Buffer.concat([len, Buffer.from('{{{{')]));
    expect(readSafetensorsHeader(f).problem).toMatch(/not valid JSON/);
  });
});

describe('validateCheckpoint', () => {
  it('accepts a full model with safetensors and a tokenizer', () => {
    const d = writeCheckpoint(join(root, 'checkpoint-10'));
    expect(validateCheckpoint(d)).toEqual({ valid: true, kind: 'full', reason: 'ok: full model (model.safetensors), tokenizer' });
  });

  it('accepts sharded safetensors when every shard in the index is complete', () => {
    const d = writeCheckpoint(join(root, 'c'), { kind: 'sharded' });
    expect(validateCheckpoint(d)).toMatchObject({ valid: true, kind: 'full', reason: expect.stringContaining('2 shard(s)') });
  });

  it('rejects a sharded model with a missing shard, naming it', () => {
    const d = writeCheckpoint(join(root, 'c'), { kind: 'sharded' });
    unlinkSync(join(d, 'model-00002-of-00002.safetensors'));
    expect(validateCheckpoint(d)).toEqual({ valid: false, kind: 'full', reason: 'model-00002-of-00002.safetensors is missing (named in model.safetensors.index.json)' });
  });

  it('rejects a sharded model with a truncated shard', () => {
    const d = writeCheckpoint(join(root, 'c'), { kind: 'sharded' });
    truncateSync(join(d, 'model-00001-of-00002.safetensors'), 30);
    expect(validateCheckpoint(d).reason).toMatch(/^model-00001-of-00002\.safetensors: header length/);
  });

  it('rejects a truncated model.safetensors', () => {
    const d = writeCheckpoint(join(root, 'c'));
    const f = join(d, 'model.safetensors');
    truncateSync(f, statSync(f).size - 1);
    expect(validateCheckpoint(d)).toMatchObject({ valid: false, kind: 'full', reason: expect.stringMatching(/^model\.safetensors: truncated/) });
  });

  it('accepts legacy pytorch_model.bin and rejects an empty or truncated-zip one', () => {
    const d = writeCheckpoint(join(root, 'c'), { kind: 'bin' });
    expect(validateCheckpoint(d)).toMatchObject({ valid: true, kind: 'full', reason: expect.stringContaining('pytorch_model.bin') });
    writeFileSync(join(d, 'pytorch_model.bin'), '');
    expect(validateCheckpoint(d).reason).toBe('pytorch_model.bin: empty file');
    // torch.save zip format: local file header magic but no end-of-central-directory record.
    writeFileSync(join(d, 'pytorch_model.bin'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]));
    expect(validateCheckpoint(d).reason).toMatch(/pytorch_model\.bin: truncated \(zip end record missing\)/);
  });

  it('requires every shard of a sharded pytorch_model.bin', () => {
    const d = join(root, 'c');
    writeCheckpoint(d, { kind: 'bin' });
    unlinkSync(join(d, 'pytorch_model.bin'));
    writeJson(join(d, 'pytorch_model.bin.index.json'), { weight_map: { a: 'pytorch_model-00001-of-00002.bin', b: 'pytorch_model-00002-of-00002.bin' } });
    writeFileSync(join(d, 'pytorch_model-00001-of-00002.bin'), Buffer.from([0x80, 0x02]));
    expect(validateCheckpoint(d).reason).toBe('pytorch_model-00002-of-00002.bin is missing (named in pytorch_model.bin.index.json)');
  });

  it('rejects an empty folder as a crashed save', () => {
    mkdirSync(join(root, 'checkpoint-5'));
    expect(validateCheckpoint(join(root, 'checkpoint-5'))).toEqual({ valid: false, kind: null, reason: 'empty folder (a save that crashed or is still running?)' });
  });

  it('rejects a folder without weights, without config.json, or without a tokenizer', () => {
    const d = writeCheckpoint(join(root, 'c'));
    unlinkSync(join(d, 'tokenizer.json'));
    expect(validateCheckpoint(d).reason).toMatch(/^tokenizer_config\.json but no vocabulary file/);
    writeFileSync(join(d, 'spiece.model'), 'x');
    expect(validateCheckpoint(d).valid).toBe(true);
    unlinkSync(join(d, 'config.json'));
    expect(validateCheckpoint(d).reason).toBe('no config.json');
    unlinkSync(join(d, 'model.safetensors'));
    expect(validateCheckpoint(d).reason).toMatch(/^no model weights/);
  });

  it('accepts a PEFT adapter without a tokenizer when adapter_config.json names the base model', () => {
    const d = writeCheckpoint(join(root, 'a'), { kind: 'adapter', tokenizer: false });
    expect(validateCheckpoint(d)).toEqual({ valid: true, kind: 'adapter', reason: 'ok: adapter (adapter_model.safetensors), tokenizer from base model tiny/base' });
    writeJson(join(d, 'adapter_config.json'), { peft_type: 'LORA' });
    expect(validateCheckpoint(d)).toMatchObject({ valid: false, kind: 'adapter', reason: expect.stringContaining('records no base_model_name_or_path') });
  });

  it('rejects an adapter config without adapter weights', () => {
    const d = writeCheckpoint(join(root, 'a'), { kind: 'adapter' });
    unlinkSync(join(d, 'adapter_model.safetensors'));
    expect(validateCheckpoint(d).reason).toBe('adapter_config.json but no adapter_model.safetensors or adapter_model.bin');
  });

  it('reports a missing folder, a file in its place and a broken symlink without throwing', () => {
    expect(validateCheckpoint(join(root, 'nope')).reason).toBe('folder does not exist (or is a broken symlink)');
    writeFileSync(join(root, 'checkpoint-3'), 'x');
    expect(validateCheckpoint(join(root, 'checkpoint-3')).reason).toBe('not a folder (a file is in its place)');
    symlinkSync(join(root, 'gone'), join(root, 'checkpoint-4'));
    expect(validateCheckpoint(join(root, 'checkpoint-4')).reason).toBe('folder does not exist (or is a broken symlink)');
  });

  it('reports a weight file it cannot read (a folder where the file should be)', () => {
    const d = writeCheckpoint(join(root, 'c'));
    unlinkSync(join(d, 'model.safetensors'));
    mkdirSync(join(d, 'model.safetensors'));
    expect(validateCheckpoint(d)).toMatchObject({ valid: false, reason: expect.stringMatching(/model\.safetensors/) });
  });
});
