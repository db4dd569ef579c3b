import * as ecs from 'aws-cdk-lib/aws-ecs';
import { NEXTJS_MANAGED_NAMES } from './nextjs-environment';
import type { NextjsOptions } from './nextjs-options';
import { checkInteger, invalid, isToken } from '../private/validation';
import { DEFAULT_TASK, SERVICE_CONNECT_PROXY_MIB, validateContainerServiceOptions } from '../services/container-service';
import { validateTracingOptions } from '../tracing/tracing-checks';

/**
 * Validates Next.js options; `prefix` names the props in error messages.
 */
export function validateNextjsOptions(options: NextjsOptions, prefix: string): void {
  validateContainerServiceOptions(prefix, options, NEXTJS_MANAGED_NAMES);
  checkInteger(`${prefix}.containerPort`, options.containerPort, 1024, 65535);
  if (options.fargateSpot && options.cpuArchitecture?._cpuArchitecture === ecs.CpuArchitecture.ARM64._cpuArchitecture) {
    invalid(`${prefix}.fargateSpot`, true, `Fargate Spot runs only X86_64 tasks, and ${prefix}.cpuArchitecture is ARM64:`
      + ' choose one of the two savings.');
  }
  const path = options.healthCheckPath;
  if (path !== undefined && !isToken(path) && !/^\/[\x21-\x7e]{0,1023}$/.test(path)) {
    invalid(`${prefix}.healthCheckPath`, path, 'Use a path that starts with "/" and has no spaces, at most 1024 characters.');
  }
  if (options.tracing) {
    validateTracingOptions(options.tracing, `${prefix}.tracing`, options.memoryLimitMiB ?? DEFAULT_TASK.memoryLimitMiB, SERVICE_CONNECT_PROXY_MIB);
  }
}
