import { Duration } from 'aws-cdk-lib';
import { ALARM_CATALOGUE, ThresholdKind } from './alarm-catalogue';
import type { PlatformMonitoringOptions } from './monitoring-options';
import { invalid, isToken } from '../private/validation';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates monitoring options; `prefix` names the props in error messages. */
export function validateMonitoringOptions(options: PlatformMonitoringOptions, prefix: string): void {
  for (const email of options.alarmEmails ?? []) {
    checkEmail(`${prefix}.alarmEmails`, email);
  }
  for (const entry of ALARM_CATALOGUE) {
    if (entry.option !== undefined) {
      checkThreshold(`${prefix}.${entry.option}`, options[entry.option], entry.kind);
    }
  }
}

function checkThreshold(prop: string, value: number | Duration | undefined, kind: ThresholdKind): void {
  if (value instanceof Duration) {
    if (!value.isUnresolved() && (value.toMilliseconds() <= 0 || value.toMilliseconds() > 120_000)) {
      invalid(prop, value.toHumanString(), 'Use a duration above 0 and at most 2 minutes.');
    }
  } else if (kind === ThresholdKind.PERCENT) {
    checkPercent(prop, value);
  } else {
    checkAtLeast(prop, value, kind === ThresholdKind.COUNT ? 1 : 0, kind === ThresholdKind.COUNT);
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
