import { join } from 'node:path';
import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { readCompetitionConfig } from './competition-config';

const workspace = (base: string | null) => tempWorkspace('autoexp-competition', base === null ? {} : { 'config/base.yaml': base });

describe('readCompetitionConfig', () => {
  it('reads config/base.yaml and fills what it leaves out', () => {
    expect(readCompetitionConfig(workspace('launcher: local\ncompetition:\n  daily_limit: 5\n  reset: { timezone: Asia/Seoul }\n'))).toEqual({
      daily_limit: 5,
      reset: { time: '00:00', timezone: 'Asia/Seoul' },
    });
  });

  it('no base file or no section: unknown limit, midnight UTC', () => {
    const defaults = { daily_limit: null, reset: { time: '00:00', timezone: 'UTC' } };
    expect(readCompetitionConfig(workspace(null))).toEqual(defaults);
    expect(readCompetitionConfig(workspace('launcher: local\n'))).toEqual(defaults);
  });

  it('the shipped config/base.yaml is valid', () => {
    const c = readCompetitionConfig(join(__dirname, '../../../../..'));
    expect(c.daily_limit).toBeGreaterThan(0);
  });

  it.each([
    ['competition:\n  daily_limit: 0\n', /config\/base\.yaml:2 \(key: competition\.daily_limit\): must be >= 1/],
    ['competition:\n  reset:\n    time: "9:00"\n', /config\/base\.yaml:3 \(key: competition\.reset\.time\): '9:00' does not match .*HH:MM/],
    ['competition:\n  reset:\n    timezone: Asia/Seol\n', /config\/base\.yaml:3 \(key: competition\.reset\.timezone\): unknown time zone 'Asia\/Seol'\n  fix: use an IANA time zone name/],
    ['competition:\n  daily_limt: 5\n', /config\/base\.yaml:2 \(key: competition\.daily_limt\): unknown key 'daily_limt'\. Did you mean 'daily_limit'\?/],
  ])('a bad value names the file, line and key: %j', (yaml, message) => {
    expect(() => readCompetitionConfig(workspace(yaml))).toThrow(message);
  });
});
