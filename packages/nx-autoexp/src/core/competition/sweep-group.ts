/** Sweep variants are Nx projects `exp-<name>--<variant>`: the naming module owns that form. */
export { sweepGroupOf } from '../naming/experiment-names';
