import { useState } from 'react';
import type * as op from '../../../cli/operations';
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
  const [result, setResult] = useState<op.RegistrationOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);

  /** `req` is read inside, so a form check that throws (needPhoto) shows as the error. */
  async function start(req: () => EnrollRequest): Promise<op.RegistrationOutcome | null> {
    setEvents([]);
    setResult(null);
    setError(null);
    let sentAt = 0;
    try {
      const outcome = await enroll(req(), {
        onPhase: (p, id) => {
          setPhase(p);
          setRegistrationId(id);
          if (p === 'registering') sentAt = performance.now();
        },
        onEvent: (event, live) => setEvents((list) => [...list, { event, afterMs: live ? Math.round(performance.now() - sentAt) : null }]),
      });
      setResult(outcome);
      return outcome;
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setPhase('done');
    }
  }

  return { phase, registrationId, events, result, error, busy: phase !== null && phase !== 'done', start };
}
