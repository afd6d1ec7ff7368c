/** An enrollment's live part: the phase, the steps as they arrive, then the refusal or the result. */
import { ErrorBox, Success, formatDate } from '../shared/components';
import type { EnrollPhase } from './enroll';
import { ProgressList } from './ProgressList';
import type { EnrollState } from './useEnroll';

const PHASES: Record<EnrollPhase, string> = {
  uploading: 'Uploading the photo…',
  subscribing: 'Opening the live progress channel…',
  registering: 'Working…',
  done: '',
};

export function EnrollStatus({ state, done }: { state: EnrollState; done(userId: string): string }) {
  const { phase, registrationId, events, result, error, busy } = state;
  return (
    <>
      {busy && phase && (
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
        <Success title={done(result.userId)}>
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
    </>
  );
}
