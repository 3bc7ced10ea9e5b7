/**
 * Schedule expressions as EventBridge Scheduler takes them: `cron(...)` or
 * `rate(...)`, parsed into a form {@link nextRun} can evaluate.
 */
import { parseCron, type CronSchedule } from './cron.js';
import { ScheduleError } from './errors.js';
import { formatRate, parseRate, type RateSchedule } from './rate.js';

/** A parsed schedule expression. */
export type ParsedExpression = { kind: 'cron'; expression: string; cron: CronSchedule } | { kind: 'rate'; expression: string; rate: RateSchedule };

/**
 * Parses and canonicalises a `cron(...)` or `rate(...)` expression (single
 * spaces between cron fields; `rate(1 hour)`, `rate(5 minutes)`).
 *
 * @param text - the expression
 * @returns the parsed expression with its canonical text
 * @throws ScheduleError when Scheduler would refuse it
 */
export function parseExpression(text: string): ParsedExpression {
  const match = /^\s*(cron|rate)\((.*)\)\s*$/i.exec(text);
  if (!match) throw new ScheduleError('schedule.expression', `expected cron(...) or rate(...), got "${text}"`);
  const body = match[2]!;
  if (match[1]!.toLowerCase() === 'rate') {
    const rate = parseRate(body);
    return { kind: 'rate', expression: formatRate(rate), rate };
  }
  const cron = parseCron(body);
  return { kind: 'cron', expression: `cron(${body.trim().split(/\s+/).join(' ')})`, cron };
}
