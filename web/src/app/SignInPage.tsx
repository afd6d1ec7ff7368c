/**
 * Sign in with the face (Cognito custom authentication, sign-in.ts): user ID and selfie →
 * signed in (who, until when), or the face was not accepted (and how many answers remain), or
 * why not (locked out with the retry time, …). An unknown user ID reads exactly like a wrong face.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorBox, Success, TextField, USER_ID_HINT, USER_ID_PATTERN } from '../shared/components';
import { atTimeFromNow } from '../shared/errors';
import { hrefOf } from '../shared/useHashRoute';
import { PhotoInput } from '../shared/PhotoInput';
import { needPhoto, useAction } from '../shared/useAction';
import { signInWithFace, type FaceSignIn, type SignedInUser } from './sign-in';

export function SignInPage({ user, onSignedIn }: { user: SignedInUser | null | undefined; onSignedIn(user: SignedInUser): void }) {
  if (user === undefined) return <p role="status">Checking the session…</p>;
  return user ? <SignedIn user={user} /> : <SignInForm onSignedIn={onSignedIn} />;
}

function SignInForm({ onSignedIn }: { onSignedIn(user: SignedInUser): void }) {
  const [userId, setUserId] = useState('');
  const [photo, setPhoto] = useState<Blob | null>(null);
  const { busy, result, error, run } = useAction<FaceSignIn>();
  const refused = result && !result.signedIn ? result : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(() => signInWithFace(userId.trim(), needPhoto(photo)));
    if (outcome?.signedIn) onSignedIn(outcome.user);
    // The waiting challenge takes a new photo.
    else if (outcome) setPhoto(null);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Sign in with your face</h1>
      <p className="lead">Your user ID and a selfie. The face must match the one enrolled for that user; you get three photos per sign-in.</p>
      <form onSubmit={submit}>
        <TextField label="User ID" name="userId" value={userId} onChange={setUserId} required pattern={USER_ID_PATTERN} hint={USER_ID_HINT} autoComplete="username" />
        <PhotoInput legend="Your selfie" value={photo} onChange={setPhoto} disabled={busy} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {refused && (
        <div className="notice error" role="alert" data-testid="not-accepted" data-answered={refused.answered} data-max-attempts={refused.maxAttempts}>
          <p className="title">
            The face was not accepted (photo {refused.answered} of {refused.maxAttempts}).
          </p>
          <p>
            {refused.maxAttempts - refused.answered} more {refused.maxAttempts - refused.answered === 1 ? 'try' : 'tries'} in this sign-in: take another photo in good
            light, facing the camera, and press Sign in again.
          </p>
        </div>
      )}
    </section>
  );
}

function SignedIn({ user }: { user: SignedInUser }) {
  const notice = useRef<HTMLDivElement>(null);
  // The form the keyboard was in is gone: the focus goes to the outcome.
  useEffect(() => notice.current?.focus(), []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Sign in with your face</h1>
      <div ref={notice} tabIndex={-1} className="focus-target">
        <Success title={`Signed in as ${user.userId}.`}>
          <dl className="facts">
            <dt>Session</dt>
            <dd data-testid="expires-at" data-expires-at={user.expiresAt}>
              access token valid until {atTimeFromNow(user.expiresAt).replace(/^at /, '')}; Amplify renews it with the refresh token
            </dd>
          </dl>
        </Success>
      </div>
      <p>
        <a className="button" href={hrefOf('account')}>
          Go to my account
        </a>
      </p>
    </section>
  );
}
