#!/usr/bin/env node
// Writes generated/schema-validators.js: the JSON Schema's validators as ajv
// standalone code (why: src/core/config/schema-validators.ts). Run by
// `npm run build` after tsc; needs dist/.
const { mkdirSync } = require('node:fs');
const { dirname, relative } = require('node:path');
const { GENERATED_VALIDATORS_PATH, validatorModuleCode } = require('../dist/core/config/schema-validators');
const { writeFileAtomic } = require('../dist/core/fs/atomic-write');

mkdirSync(dirname(GENERATED_VALIDATORS_PATH), { recursive: true });
writeFileAtomic(GENERATED_VALIDATORS_PATH, validatorModuleCode(), { durable: false });
process.stdout.write(`generated ${relative(process.cwd(), GENERATED_VALIDATORS_PATH)}\n`);
