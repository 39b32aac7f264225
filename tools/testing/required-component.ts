/**
 * A test suite that needs a real component CI installs (the SLURM test
 * cluster, Chromium) and finds it missing: outside CI it is skipped
 * with the reason printed; under CI=true it fails with that reason, so a
 * green CI never hides tests that did not run.
 *
 * Decided at module load: Jest picks describe vs describe.skip while it
 * collects, before any hook runs.
 */

export type Availability = { ok: true } | { ok: false; reason: string };

export type Decision = 'run' | 'skip' | 'fail';

/** CI=true (as CI systems set it) makes a missing component a failure. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.CI ?? '');
}

export function decide(availability: Availability, env: NodeJS.ProcessEnv = process.env): Decision {
  if (availability.ok) return 'run';
  return inCi(env) ? 'fail' : 'skip';
}

/**
 * `describe` when the component is there. Otherwise, outside CI, `describe.skip`
 * with the reason printed once; under CI, a describe whose only test fails
 * naming the component and the reason (the suite's own tests are not run).
 */
export function describeRequiring(component: string, availability: Availability, env: NodeJS.ProcessEnv = process.env): jest.Describe {
  const decision = decide(availability, env);
  if (decision === 'run') return describe;
  const reason = availability.ok ? '' : availability.reason;
  if (decision === 'skip') {
    // eslint-disable-next-line no-console
    console.warn(`${component}: tests skipped (${reason}); under CI=true this fails instead`);
    return describe.skip;
  }
  const failing = ((name: string) => {
    describe(name, () => {
      it(`needs ${component}`, () => {
        throw new Error(`${component} is unavailable under CI=true, so these tests cannot run: ${reason}`);
      });
    });
  }) as unknown as jest.Describe;
  return failing;
}
