import { DEFAULT_TRACING } from './collector';
import type { TracingOptions } from './tracing-options';
import { checkInteger, invalid, isToken } from '../private/validation';

/** Characters X-Ray accepts in a segment name, and its length limit. */
const SERVICE_NAME = /^[\p{L}\p{N}\p{Z}_.:/%&#=+\\\-@]{1,64}$/u;

/** Memory the server's container keeps at least, in MiB, once the collector and the Service Connect proxy have theirs. */
export const MIN_SERVER_MEMORY_MIB = 256;

/**
 * Validates tracing options; `prefix` names the props in error messages. `taskMemoryMiB` and
 * `reservedMiB` (what other companions of the server take) check that the collector leaves the
 * server enough of the task.
 */
export function validateTracingOptions(options: TracingOptions, prefix: string, taskMemoryMiB: number, reservedMiB: number): void {
  const ratio = options.samplingRatio;
  if (ratio !== undefined && !isToken(ratio) && !(ratio >= 0 && ratio <= 1)) {
    invalid(`${prefix}.samplingRatio`, ratio, 'Use a share of traces from 0 to 1, e.g. 0.05 for 5%.');
  }
  const name = options.serviceName;
  if (name !== undefined && !isToken(name) && !SERVICE_NAME.test(name)) {
    invalid(`${prefix}.serviceName`, name, 'Use 1 to 64 letters, digits, spaces and _ . : / % & # = + \\ - @ (the characters X-Ray accepts).');
  }
  checkInteger(`${prefix}.collectorMemoryMiB`, options.collectorMemoryMiB, 96, 1024);
  const collectorMiB = options.collectorMemoryMiB ?? DEFAULT_TRACING.collectorMemoryMiB;
  if (!isToken(taskMemoryMiB) && taskMemoryMiB - reservedMiB - collectorMiB < MIN_SERVER_MEMORY_MIB) {
    invalid(`${prefix}.collectorMemoryMiB`, collectorMiB, `The task has ${taskMemoryMiB} MiB; with ${reservedMiB} MiB for the Service`
      + ` Connect proxy, the server would keep less than ${MIN_SERVER_MEMORY_MIB} MiB: give the task more memory or the collector less.`);
  }
}
