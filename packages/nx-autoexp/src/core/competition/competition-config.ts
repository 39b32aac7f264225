import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IANAZone } from 'luxon';
import { ConfigError, ConfigErrors } from '../config/config-error';
import { BASE_CONFIG } from '../config/experiment-files';
import { describeSchemaErrors, sectionValidator } from '../config/schema';
import type { CompetitionConfig } from '../config/types';
import { lineOf, readYamlSource } from '../config/yaml-source';

/**
 * The `competition` section of config/base.yaml, validated and default-filled.
 * Read from the base file alone: the quota is the team's, not an experiment's.
 */
export function readCompetitionConfig(workspaceRoot: string): CompetitionConfig {
  const path = join(workspaceRoot, BASE_CONFIG);
  const src = existsSync(path) ? readYamlSource(path, BASE_CONFIG) : null;
  const raw = src?.value.competition;
  const value = raw === undefined || raw === null ? {} : structuredClone(raw);
  const validate = sectionValidator('competition');
  if (!validate(value)) {
    throw new ConfigErrors(
      describeSchemaErrors(validate.errors ?? []).map((p) => {
        const key = ['competition', ...p.path];
        return new ConfigError(p.message, BASE_CONFIG, src ? lineOf(src, key) : null, key.join('.'), 'see the competition section of packages/nx-autoexp/schema/experiment.schema.json');
      }),
    );
  }
  const config = value as CompetitionConfig;
  if (!IANAZone.isValidZone(config.reset.timezone)) {
    const key = ['competition', 'reset', 'timezone'];
    throw new ConfigError(`unknown time zone '${config.reset.timezone}'`, BASE_CONFIG, src ? lineOf(src, key) : null, key.join('.'), 'use an IANA time zone name such as Asia/Seoul, Europe/Berlin or UTC');
  }
  return config;
}
