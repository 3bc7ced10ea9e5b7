/**
 * EventBridge operations → the authorizations AWS makes (the `events` part
 * of Haven's operation map). PutEvents is authorized per entry, on the
 * entry's bus (the default bus when it names none), with the entry's
 * `events:source` and `events:detail-type`.
 */
import { Arn } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import { authorization, unique, type ServiceRules } from './rule.js';

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
}

/** The EventBridge entries of the operation map. */
export const EVENTS_RULES: ServiceRules = {
  PutEvents: (input) => {
    const entries = input.params.Entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new MissingParameterError(input.operation, 'Entries');
    return unique(
      (entries as PutEventsEntry[]).map((entry) =>
        authorization('events:PutEvents', Arn.eventBus(input.scope, entry.EventBusName), {
          'events:source': entry.Source,
          'events:detail-type': entry.DetailType,
        }),
      ),
    );
  },
};
