/** A user's registrations (the audit trail), newest first; each one's steps on demand. */
import { useState } from 'react';
import * as op from '../../../cli/operations';
import type { RegistrationKind } from '../../../schema/generated/graphql';
import { ProgressList } from '../app/ProgressList';
import { request, type Auth } from '../shared/api';
import { ErrorBox, formatDate } from '../shared/components';
import { useLoad } from '../shared/useLoad';

const KINDS: Record<RegistrationKind, string> = {
  REGISTER: 'Registration',
  REGISTER_WITH_ID_CARD: 'Registration with ID card',
  UPDATE_PHOTO: 'Photo update',
};

export function RegistrationHistory({ userId, auth }: { userId: string; auth: Auth }) {
  const first = useLoad(userId, () => request<op.RegistrationsData, op.RegistrationsVars>(op.REGISTRATIONS, { userId, limit: 10 }, auth).then((d) => d.registrations));
  // Older pages, fetched on request after the first.
  const [older, setOlder] = useState<op.RegistrationsData['registrations'][]>([]);
  const [olderError, setOlderError] = useState<unknown>(null);
  const pages = first.data ? [first.data, ...older] : [];
  const items = pages.flatMap((p) => p.items);
  const nextToken = pages.at(-1)?.nextToken ?? null;
  const error = first.error ?? olderError;

  const loadOlder = (token: string) =>
    request<op.RegistrationsData, op.RegistrationsVars>(op.REGISTRATIONS, { userId, limit: 10, nextToken: token }, auth).then(
      (d) => setOlder((list) => [...list, d.registrations]),
      (e: unknown) => setOlderError(e),
    );

  return (
    <section aria-labelledby="history-title" className="card">
      <h2 id="history-title">Registration history</h2>
      {error !== null && <ErrorBox error={error} />}
      {first.data && items.length === 0 && <p>No registrations on record (they are kept as long as the registration TTL).</p>}
      <ol className="history">
        {items.map((r) => (
          <HistoryItem key={r.registrationId} registration={r} auth={auth} />
        ))}
      </ol>
      {nextToken && (
        <button type="button" onClick={() => void loadOlder(nextToken)}>
          Older registrations
        </button>
      )}
    </section>
  );
}

function HistoryItem({ registration: r, auth }: { registration: op.RegistrationSummaryOut; auth: Auth }) {
  const [events, setEvents] = useState<op.ProgressEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const show = () =>
    request<op.RegistrationData, op.RegistrationVars>(op.REGISTRATION, { registrationId: r.registrationId }, auth).then(
      (d) => setEvents(d.registration?.events ?? []),
      (e: unknown) => setError(e),
    );
  return (
    <li data-registration={r.registrationId} data-status={r.status}>
      <p>
        <strong>{KINDS[r.kind]}</strong> <span className={`badge ${r.status.toLowerCase()}`}>{r.status}</span> {formatDate(r.startedAt)}
        {r.errorType && (
          <span className="small">
            {' '}
            — {r.errorType}
            {r.errorMessage ? `: ${r.errorMessage}` : ''}
          </span>
        )}
      </p>
      {events === null ? (
        <button type="button" className="link" onClick={() => void show()} aria-label={`Show the steps of the ${KINDS[r.kind].toLowerCase()} of ${formatDate(r.startedAt)}`}>
          Show steps
        </button>
      ) : (
        <ProgressList events={events.map((event) => ({ event, afterMs: null }))} label={`Steps of registration ${r.registrationId}`} />
      )}
      {error !== null && <ErrorBox error={error} />}
    </li>
  );
}
