/** How a face sign-in that ends without tokens reads on the page: Cognito's exceptions (as Amplify throws them) → ApiError → the message. */
import { describe, expect, it } from 'vitest';
import { FacegateError } from '../../core/errors';
import { refusalMessage } from '../../functions/lib/trigger';
import { signInError } from '../../web/src/app/sign-in-errors';
import { ApiError } from '../../web/src/shared/api-error';
import { explain } from '../../web/src/shared/errors';

/** What Amplify throws: an AuthError whose name is Cognito's exception. */
const authError = (name: string, message: string) => Object.assign(new Error(message), { name });
/** Cognito's wording for a trigger that threw (local/cognito/custom-auth.ts, as AWS words it). */
const triggerFailed = (trigger: string, thrown: string) => authError('UserLambdaValidationException', `${trigger} failed with error ${thrown}.`);

describe('signInError', () => {
  it('the last refused answer (NotAuthorizedException) is FACE_MISMATCH: the sign-in is over, said with the number of photos', () => {
    const e = signInError(authError('NotAuthorizedException', 'Incorrect username or password.'), { answered: 3, maxAttempts: 3 });
    expect(e).toMatchObject({ errorType: 'FACE_MISMATCH', errorInfo: { answered: 3, maxAttempts: 3, signInFailed: true } });
    expect(explain(e)).toEqual({
      title: 'Not signed in: the face was not accepted.',
      detail: 'None of the 3 photos matched this user ID, so this sign-in is over. Check the user ID, then sign in again with a new photo in good light.',
    });
    // An unknown user is told the same (Cognito's UserNotFoundException, were PreventUserExistenceErrors off).
    expect(explain(signInError(authError('UserNotFoundException', 'User does not exist.'), { answered: 3, maxAttempts: 3 }))).toEqual(explain(e));
  });

  it('LOCKED_OUT from the Define trigger keeps its retry time, read from the errorInfo the trigger appends', () => {
    const retryAfter = '2026-05-01T10:15:00.000Z';
    const thrown = refusalMessage(new FacegateError('LOCKED_OUT', 'Too many failed attempts: try again later', { retryAfter }));
    const e = signInError(triggerFailed('DefineAuthChallenge', thrown));
    expect(e).toMatchObject({ errorType: 'LOCKED_OUT', message: 'Too many failed attempts: try again later', errorInfo: { retryAfter } });
    expect(explain(e, new Date('2026-05-01T10:00:00.000Z')).detail).toMatch(/Try again at .+ \(in 15 minutes\)\.$/);
    // Without the errorInfo (an older trigger): still LOCKED_OUT, "later".
    expect(explain(signInError(triggerFailed('DefineAuthChallenge', 'LOCKED_OUT: Too many failed attempts: try again later'))).detail).toMatch(/Try again later\.$/);
  });

  it('other trigger failures: their errorType, or INTERNAL when the message is not one of facegate’s', () => {
    expect(signInError(triggerFailed('CreateAuthChallenge', 'INTERNAL: an unexpected error occurred'))).toMatchObject({ errorType: 'INTERNAL', message: 'an unexpected error occurred' });
    expect(signInError(triggerFailed('DefineAuthChallenge', 'RequestId: 3c06 Error: Runtime exited with error: exit status 129')).errorType).toBe('INTERNAL');
  });

  it('an expired sign-in session says to start again', () => {
    const e = signInError(authError('NotAuthorizedException', 'Invalid session for the user, session is expired.'));
    expect(e.errorType).toBe('SignInExpired');
    expect(explain(e).title).toBe('The sign-in took too long.');
  });

  it('Amplify’s own errors keep their name; the network and upload failures read as before', () => {
    expect(signInError(authError('UserAlreadyAuthenticatedException', 'There is already a signed in user.')).errorType).toBe('UserAlreadyAuthenticatedException');
    expect(signInError(authError('NetworkError', 'A network error has occurred.')).errorType).toBe('NetworkError');
    const upload = new ApiError('The upload was refused (HTTP 403)', 'UploadFailed');
    expect(signInError(upload)).toBe(upload);
  });
});
