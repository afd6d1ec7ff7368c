/** A registration's steps as they arrive: one line per progress event, announced politely. */
import type * as op from '../../../cli/operations';
import type { RegistrationStep, StepStatus } from '../../../schema/generated/graphql';

export const STEP_LABELS: Record<RegistrationStep, string> = {
  STARTED: 'Registration started',
  SCREENING: 'Checking the photo',
  DUPLICATE_CHECK: 'Looking for the face among other users',
  ID_CARD_MATCH: 'Comparing with the ID card',
  VERIFYING_IDENTITY: 'Checking it is you',
  INDEXING: 'Enrolling the face',
  SAVING: 'Saving',
  ROLLBACK: 'Undoing what was done',
  COMPLETED: 'Finished',
};

const MARKS: Record<StepStatus, { symbol: string; word: string }> = {
  STARTED: { symbol: '…', word: 'started' },
  SUCCEEDED: { symbol: '✓', word: 'done' },
  FAILED: { symbol: '✗', word: 'failed' },
};

export interface ShownEvent {
  event: op.ProgressEvent;
  /** ms after the registration was sent; null for events read from the stored history. */
  afterMs: number | null;
}

export function ProgressList({ events, label = 'Registration progress' }: { events: ShownEvent[]; label?: string }) {
  const sorted = [...events].sort((a, b) => a.event.seq - b.event.seq);
  return (
    <ol className="progress" aria-label={label} aria-live="polite">
      {sorted.map(({ event, afterMs }) => (
        <li key={event.seq} className={`step ${event.status.toLowerCase()}`} data-seq={event.seq} data-step={event.step} data-status={event.status}>
          <span className="mark" aria-hidden="true">
            {MARKS[event.status].symbol}
          </span>
          <span className="label">
            {STEP_LABELS[event.step]} <span className="visually-hidden">{MARKS[event.status].word}</span>
          </span>
          {event.message && event.message !== STEP_LABELS[event.step] && <span className="message">{event.errorType ? `${event.errorType}: ` : ''}{event.message}</span>}
          <span className="time">{afterMs === null ? 'from history' : `+${afterMs} ms`}</span>
        </li>
      ))}
    </ol>
  );
}
