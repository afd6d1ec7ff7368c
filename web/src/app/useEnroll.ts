import { useState } from 'react';
import type * as op from '../../../cli/operations';
import { useAction } from '../shared/useAction';
import { enroll, type EnrollPhase, type EnrollRequest } from './enroll';
import type { ShownEvent } from './ProgressList';

export interface EnrollState {
  phase: EnrollPhase | null;
  registrationId: string | null;
  events: ShownEvent[];
  result: op.RegistrationOutcome | null;
  error: unknown;
  busy: boolean;
}

/** One enrollment at a time (register, update my photo), its steps collected as they arrive (enroll.ts). */
export function useEnroll(): EnrollState & { start(req: () => EnrollRequest): Promise<op.RegistrationOutcome | null> } {
  const [phase, setPhase] = useState<EnrollPhase | null>(null);
  const [registrationId, setRegistrationId] = useState<string | null>(null);
  const [events, setEvents] = useState<ShownEvent[]>([]);
  const { busy, result, error, run } = useAction<op.RegistrationOutcome>();

  /** `req` is read inside, so a form check that throws (needPhoto) shows as the error. */
  function start(req: () => EnrollRequest): Promise<op.RegistrationOutcome | null> {
    setEvents([]);
    let sentAt = 0;
    return run(() =>
      enroll(req(), {
        onPhase: (p, id) => {
          setPhase(p);
          setRegistrationId(id);
          if (p === 'registering') sentAt = performance.now();
        },
        onEvent: (event, live) => setEvents((list) => [...list, { event, afterMs: live ? Math.round(performance.now() - sentAt) : null }]),
      }),
    );
  }

  return { phase, registrationId, events, result, error, busy, start };
}
