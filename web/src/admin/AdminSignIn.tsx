/**
 * The admins' Cognito sign-in (deployed consoles): password, then TOTP — set up on the first
 * sign-in (the pool requires MFA), a code from the authenticator app afterwards.
 */
import { confirmSignIn, signIn, type SignInOutput } from 'aws-amplify/auth';
import { useState, type FormEvent } from 'react';
import { TextField } from '../shared/components';
import { cognitoSession, type AdminSession } from './admin-auth';

type Step = SignInOutput['nextStep'];

export function AdminSignIn({ onSignedIn }: { onSignedIn(session: AdminSession): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [answer, setAnswer] = useState('');
  const [step, setStep] = useState<Step | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function advance(run: () => Promise<SignInOutput>) {
    setBusy(true);
    setError(null);
    try {
      const { isSignedIn, nextStep } = await run();
      setAnswer('');
      if (isSignedIn || nextStep.signInStep === 'DONE') {
        const session = await cognitoSession();
        if (session) onSignedIn(session);
        else setError('Signed in, but no session was issued.');
      } else if (nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION') {
        // TOTP is the pool's only second factor.
        await advance(() => confirmSignIn({ challengeResponse: 'TOTP' }));
      } else {
        setStep(nextStep);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void advance(() => (step ? confirmSignIn({ challengeResponse: answer.trim() }) : signIn({ username: username.trim(), password })));
  };

  return (
    <section aria-labelledby="page-title" className="narrow">
      <h1 id="page-title">Admin sign-in</h1>
      <form onSubmit={submit}>
        {!step && (
          <>
            <TextField label="Username or email" name="username" value={username} onChange={setUsername} required autoComplete="username" />
            <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} required autoComplete="current-password" />
          </>
        )}
        {step?.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP' && (
          <>
            <p>Multi-factor authentication is required. Add this account to your authenticator app, then enter the code it shows.</p>
            <p className="small">
              Secret: <code>{step.totpSetupDetails.sharedSecret}</code>
              <br />
              Link: <code className="wrap">{step.totpSetupDetails.getSetupUri('facegate', username.trim()).toString()}</code>
            </p>
            <TextField label="Code from the app" name="totp" value={answer} onChange={setAnswer} required inputMode="numeric" autoComplete="one-time-code" />
          </>
        )}
        {step?.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' && (
          <TextField label="Code from your authenticator app" name="totp" value={answer} onChange={setAnswer} required inputMode="numeric" autoComplete="one-time-code" />
        )}
        {step?.signInStep === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED' && (
          <TextField label="Choose a new password" name="new-password" type="password" value={answer} onChange={setAnswer} required autoComplete="new-password" />
        )}
        {step &&
          !['CONTINUE_SIGN_IN_WITH_TOTP_SETUP', 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'].includes(step.signInStep) && (
            <p role="alert">This sign-in step ({step.signInStep}) is not supported here.</p>
          )}
        <button type="submit" className="primary" disabled={busy}>
          {step ? 'Continue' : 'Sign in'}
        </button>
      </form>
      {error && (
        <div className="notice error" role="alert">
          <p className="title">Sign-in failed.</p>
          <p>{error}</p>
        </div>
      )}
    </section>
  );
}
