/** Sign in with the face: the result and how similar the face was. */
import { useState, type FormEvent } from 'react';
import { ErrorBox, Success, TextField, USER_ID_HINT, USER_ID_PATTERN, formatDate, percent } from '../shared/components';
import { PhotoInput } from '../shared/PhotoInput';
import { needPhoto, useAction } from '../shared/useAction';
import { signInWithFace, type FaceSignIn } from './sign-in';

export function SignInPage() {
  const [userId, setUserId] = useState('');
  const [photo, setPhoto] = useState<Blob | null>(null);
  const { busy, result, error, run } = useAction<FaceSignIn>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(() => signInWithFace(userId.trim(), needPhoto(photo)));
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Sign in with your face</h1>
      <p className="lead">Your user ID and a selfie: facegate checks that the face is the one enrolled for that user.</p>
      <form onSubmit={submit}>
        <TextField label="User ID" name="userId" value={userId} onChange={setUserId} required pattern={USER_ID_PATTERN} hint={USER_ID_HINT} autoComplete="username" />
        <PhotoInput legend="Your selfie" value={photo} onChange={setPhoto} disabled={busy} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {result &&
        (result.signedIn ? (
          <Success title={`Signed in as ${result.userId}.`}>
            <dl className="facts">
              <dt>Similarity</dt>
              <dd data-testid="similarity">{result.similarity === null ? '—' : percent(result.similarity)}</dd>
              <dt>At</dt>
              <dd>{formatDate(result.at)}</dd>
            </dl>
          </Success>
        ) : (
          <div className="notice error" role="alert">
            <p className="title">Not signed in.</p>
            {result.similarity !== null && <p>Similarity {percent(result.similarity)}.</p>}
          </div>
        ))}
    </section>
  );
}
