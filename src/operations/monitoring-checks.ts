import type { PlatformMonitoringOptions } from './monitoring-options';
import { invalid, isToken } from '../private/validation';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates monitoring options; `prefix` names the props in error messages. */
export function validateMonitoringOptions(options: PlatformMonitoringOptions, prefix: string): void {
  for (const email of options.alarmEmails ?? []) {
    checkEmail(`${prefix}.alarmEmails`, email);
  }
  for (const name of ['loadBalancerErrorPercent', 'targetErrorPercent', 'serviceCpuPercent', 'serviceMemoryPercent',
    'databaseCpuPercent', 'databaseFreeStoragePercent', 'databaseFreeableMemoryPercent', 'databaseConnectionsPercent'] as const) {
    checkPercent(`${prefix}.${name}`, options[name]);
  }
  checkAtLeast(`${prefix}.unhealthyTargets`, options.unhealthyTargets, 1, true);
  checkAtLeast(`${prefix}.databaseCpuCreditBalance`, options.databaseCpuCreditBalance, 0, false);
  const responseTime = options.targetResponseTimeP99;
  if (responseTime !== undefined && !responseTime.isUnresolved()) {
    const ms = responseTime.toMilliseconds();
    if (ms <= 0 || ms > 120_000) {
      invalid(`${prefix}.targetResponseTimeP99`, responseTime.toHumanString(), 'Use a duration above 0 and at most 2 minutes.');
    }
  }
}

/** Checks an e-mail address for a subscription. */
export function checkEmail(prop: string, email: string): void {
  if (!isToken(email) && !EMAIL.test(email)) {
    invalid(prop, email, 'Use e-mail addresses such as "ops@example.com".');
  }
}

function checkPercent(prop: string, value: number | undefined): void {
  if (value !== undefined && !isToken(value) && !(value > 0 && value < 100)) {
    invalid(prop, value, 'Use a percentage above 0 and below 100.');
  }
}

function checkAtLeast(prop: string, value: number | undefined, min: number, integer: boolean): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!(value >= min) || (integer && !Number.isInteger(value))) {
    invalid(prop, value, `Use a ${integer ? 'whole ' : ''}number of ${min} or more.`);
  }
}
