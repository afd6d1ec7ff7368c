/**
 * Face sign-in with plain fetch, the whole client side of the protocol (what a browser or an
 * app does, with or without Amplify):
 *
 *   1. InitiateAuth {AuthFlow: CUSTOM_AUTH, ClientId, AuthParameters: {USERNAME}}
 *        → {ChallengeName: CUSTOM_CHALLENGE, Session, ChallengeParameters: {uploadUrl,
 *           uploadHeaders (JSON), uploadKey, expiresAt, maxBytes, attempt, maxAttempts, USERNAME}}
 *   2. PUT the selfie to uploadUrl with exactly uploadHeaders
 *   3. RespondToAuthChallenge {ChallengeName: CUSTOM_CHALLENGE, ClientId, Session,
 *        ChallengeResponses: {USERNAME, ANSWER: uploadKey}}
 *        → {AuthenticationResult: {IdToken, AccessToken, RefreshToken, ExpiresIn}}, or another
 *          challenge (the face was not accepted; a new ticket) until maxAttempts, then
 *          NotAuthorizedException. A PNG selfie asks for it with ClientMetadata {contentType}.
 */
import { TransportError } from './graphql';

export interface UserPoolTarget {
  /** Cognito's endpoint: https://cognito-idp.<region>.amazonaws.com/ in AWS, local.json's userPool.endpoint locally. */
  endpoint: string;
  clientId: string;
}

/** A Cognito error answer (its __type and message). */
export class CognitoRequestError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoRequestError';
  }
}

/** The face was not accepted; the pool offers another challenge (attempt `attempt` of `maxAttempts` comes next). */
export class FaceNotAccepted extends Error {
  constructor(
    readonly attempt: number,
    readonly maxAttempts: number,
  ) {
    super(`the face was not accepted (attempt ${attempt - 1} of ${maxAttempts})`);
    this.name = 'FaceNotAccepted';
  }
}

export interface SignInTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds the ID and access tokens are valid. */
  expiresIn: number;
}

interface ChallengeAnswer {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken?: string; ExpiresIn: number };
}

export async function callCognito<T>(target: UserPoolTarget, operation: string, body: unknown, fetchImpl: typeof fetch = fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(target.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new TransportError(`cannot reach ${target.endpoint}: ${(e as Error).message}`, { cause: e });
  }
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TransportError(`${target.endpoint} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const type = String(response.headers.get('x-amzn-errortype') ?? json.__type ?? 'UnknownError').split(/[:,]/)[0]!.split('#').pop()!;
    throw new CognitoRequestError(type, String(json.message ?? json.Message ?? 'Cognito refused the request'));
  }
  return json as T;
}

/** One face sign-in attempt with `photo`; throws FaceNotAccepted when the pool asks for another face. */
export async function signInWithFace(
  target: UserPoolTarget,
  username: string,
  photo: Uint8Array,
  contentType: 'image/jpeg' | 'image/png',
  fetchImpl: typeof fetch = fetch,
): Promise<SignInTokens> {
  const started = await callCognito<ChallengeAnswer>(
    target,
    'InitiateAuth',
    { AuthFlow: 'CUSTOM_AUTH', ClientId: target.clientId, AuthParameters: { USERNAME: username }, ClientMetadata: { contentType } },
    fetchImpl,
  );
  const challenge = started.ChallengeParameters ?? {};
  if (started.ChallengeName !== 'CUSTOM_CHALLENGE' || !challenge.uploadUrl || !challenge.uploadKey) {
    throw new TransportError(`${target.endpoint} did not ask for a face (${String(started.ChallengeName)})`);
  }
  if (photo.length > Number(challenge.maxBytes)) throw new CognitoRequestError('IMAGE_TOO_LARGE', `the photo is ${photo.length} bytes; the sign-in takes at most ${challenge.maxBytes}`);
  let put: Response;
  try {
    put = await fetchImpl(challenge.uploadUrl, { method: 'PUT', headers: JSON.parse(challenge.uploadHeaders ?? '{}') as Record<string, string>, body: new Uint8Array(photo) });
  } catch (e) {
    throw new TransportError(`cannot upload to ${new URL(challenge.uploadUrl).origin}: ${(e as Error).message}`, { cause: e });
  }
  if (!put.ok) throw new TransportError(`upload failed: HTTP ${put.status} ${(await put.text()).slice(0, 200)}`);
  const answered = await callCognito<ChallengeAnswer>(
    target,
    'RespondToAuthChallenge',
    {
      ChallengeName: 'CUSTOM_CHALLENGE',
      ClientId: target.clientId,
      Session: started.Session,
      ChallengeResponses: { USERNAME: challenge.USERNAME ?? username, ANSWER: challenge.uploadKey },
      ClientMetadata: { contentType },
    },
    fetchImpl,
  );
  const result = answered.AuthenticationResult;
  if (!result) throw new FaceNotAccepted(Number(answered.ChallengeParameters?.attempt ?? 0), Number(answered.ChallengeParameters?.maxAttempts ?? 0));
  return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken ?? '', expiresIn: result.ExpiresIn };
}
