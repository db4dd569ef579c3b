import type { PlatformBudgetOptions } from './budget-options';
import { checkEmail } from './monitoring-checks';
import { invalid, isToken } from '../private/validation';

/** AWS Budgets accepts at most this many e-mail subscribers per notification. */
export const MAX_BUDGET_EMAILS = 10;

/** Validates budget options; `prefix` names the props in error messages. */
export function validateBudgetOptions(options: PlatformBudgetOptions, prefix: string, hasTopic: boolean): void {
  const limit = options.monthlyLimitUsd;
  if (!isToken(limit) && !(limit > 0)) {
    invalid(`${prefix}.monthlyLimitUsd`, limit, 'Use an amount in US dollars above 0.');
  }
  const emails = options.emails ?? [];
  if (emails.length > MAX_BUDGET_EMAILS) {
    invalid(`${prefix}.emails`, emails, `AWS Budgets notifies at most ${MAX_BUDGET_EMAILS} e-mail addresses; use a topic for more.`);
  }
  emails.forEach((email) => checkEmail(`${prefix}.emails`, email));
  if (emails.length === 0 && !hasTopic) {
    invalid(`${prefix}.emails`, emails, 'Give at least one e-mail address, or a topic to notify.');
  }
  const percentages = [...(options.actualPercentages ?? []), ...(options.forecastPercentage === undefined ? [] : [options.forecastPercentage])];
  if (options.actualPercentages !== undefined && options.actualPercentages.length === 0) {
    invalid(`${prefix}.actualPercentages`, [], 'Give at least one percentage.');
  }
  for (const percentage of percentages) {
    if (!isToken(percentage) && !(percentage > 0 && percentage <= 1000)) {
      const prop = options.actualPercentages?.includes(percentage) ? 'actualPercentages' : 'forecastPercentage';
      invalid(`${prefix}.${prop}`, percentage, 'Use a percentage of the limit above 0 and at most 1000.');
    }
  }
}
