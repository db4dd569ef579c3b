/** A monthly AWS Budget for the account the platform runs in. */
export interface PlatformBudgetOptions {
  /** The monthly cost limit in US dollars. */
  readonly monthlyLimitUsd: number;

  /**
   * E-mail addresses notified directly by AWS Budgets (at most 10).
   *
   * @default - none; the alarm topic is notified when the platform has monitoring on
   */
  readonly emails?: string[];

  /**
   * Percentages of the limit at which actual spending notifies.
   *
   * @default [80, 100]
   */
  readonly actualPercentages?: number[];

  /**
   * Percentage of the limit at which the month's forecast notifies.
   *
   * @default 100
   */
  readonly forecastPercentage?: number;
}
