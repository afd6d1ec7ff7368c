/** Register (optionally with an ID card) and update photo: one form, the steps live below it. */
import { useState, type FormEvent } from 'react';
import type * as op from '../../../cli/operations';
import { needPhoto } from '../shared/useAction';
import { ErrorBox, Success, TextField, USER_ID_HINT, USER_ID_PATTERN, formatDate } from '../shared/components';
import { PhotoInput } from '../shared/PhotoInput';
import { enroll, type EnrollKind, type EnrollPhase } from './enroll';
import { ProgressList, type ShownEvent } from './ProgressList';

const PHASES: Record<EnrollPhase, string> = {
  uploading: 'Uploading the photo…',
  subscribing: 'Opening the live progress channel…',
  registering: 'Working…',
  done: '',
};

export function EnrollPage({ mode }: { mode: 'register' | 'update' }) {
  const [userId, setUserId] = useState('');
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [withCard, setWithCard] = useState(false);
  const [card, setCard] = useState<Blob | null>(null);
  const [phase, setPhase] = useState<EnrollPhase | null>(null);
  const [registrationId, setRegistrationId] = useState<string | null>(null);
  const [events, setEvents] = useState<ShownEvent[]>([]);
  const [result, setResult] = useState<op.RegistrationOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = phase !== null && phase !== 'done';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const kind: EnrollKind = mode === 'update' ? 'updatePhoto' : withCard ? 'registerWithIdCard' : 'registerUser';
    setEvents([]);
    setResult(null);
    setError(null);
    let sentAt = 0;
    try {
      const outcome = await enroll(
        { kind, userId: userId.trim(), photo: needPhoto(photo), idCard: card },
        {
          onPhase: (p, id) => {
            setPhase(p);
            setRegistrationId(id);
            if (p === 'registering') sentAt = performance.now();
          },
          onEvent: (event, live) => setEvents((list) => [...list, { event, afterMs: live ? Math.round(performance.now() - sentAt) : null }]),
        },
      );
      setResult(outcome);
    } catch (err) {
      setError(err);
    } finally {
      setPhase('done');
    }
  }

  const title = mode === 'update' ? 'Update your photo' : 'Register';
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <p className="lead">
        {mode === 'update'
          ? 'A newer photo keeps recognition reliable. It must match the face already enrolled; the newest three photos are kept.'
          : 'Enroll with a selfie, taken now with the camera or chosen from a file. Add an ID card to have the selfie checked against it.'}
      </p>
      <form onSubmit={submit} noValidate={false}>
        <TextField label="User ID" name="userId" value={userId} onChange={setUserId} required pattern={USER_ID_PATTERN} hint={USER_ID_HINT} autoComplete="username" />
        <PhotoInput legend="Your selfie" value={photo} onChange={setPhoto} disabled={busy} />
        {mode === 'register' && (
          <>
            <div className="check">
              <input id="with-card" type="checkbox" checked={withCard} onChange={(e) => setWithCard(e.target.checked)} />
              <label htmlFor="with-card">Also check my ID card</label>
            </div>
            {withCard && <PhotoInput legend="Your ID card" value={card} onChange={setCard} facing="environment" disabled={busy} />}
          </>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'update' ? 'Update photo' : 'Register'}
        </button>
      </form>

      {phase && phase !== 'done' && (
        <p className="phase" role="status">
          {PHASES[phase]}
        </p>
      )}
      {registrationId && (events.length > 0 || phase !== null) && (
        <div className="card">
          <h2>Progress</h2>
          <p className="small">
            Registration <code data-testid="registration-id">{registrationId}</code>
          </p>
          <ProgressList events={events} />
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
      {result && (
        <Success title={mode === 'update' ? `Updated the photo of ${result.userId}.` : `Registered ${result.userId}.`}>
          <dl className="facts">
            <dt>Face</dt>
            <dd>
              <code>{result.faceId}</code>
            </dd>
            <dt>Quality</dt>
            <dd>
              confidence {result.quality.confidence.toFixed(1)}, brightness {result.quality.brightness.toFixed(0)}, sharpness {result.quality.sharpness.toFixed(0)}
            </dd>
            {result.idCardSimilarity != null && (
              <>
                <dt>ID card</dt>
                <dd>similarity {result.idCardSimilarity.toFixed(1)} %</dd>
              </>
            )}
            {result.removedFaceIds.length > 0 && (
              <>
                <dt>Older photos removed</dt>
                <dd>{result.removedFaceIds.length}</dd>
              </>
            )}
            <dt>At</dt>
            <dd>{formatDate(result.completedAt)}</dd>
          </dl>
        </Success>
      )}
    </section>
  );
}
