/**
 * Cognito's custom authentication flow, run locally: InitiateAuth (CUSTOM_AUTH) and
 * RespondToAuthChallenge drive the pool's Define / Create / Verify Auth Challenge triggers with
 * the events Cognito sends (@types/aws-lambda shapes), as Cognito sequences them:
 *
 *   Define(session) → fail | tokens | CUSTOM_CHALLENGE → Create(session) → the client answers
 *   → Verify(private parameters, answer) → session += {challengeResult, challengeMetadata} → Define …
 *
 * PreventUserExistenceErrors is on: an unknown username runs the same triggers with
 * `userNotFound: true` and fails with the same NotAuthorizedException. A Session string is
 * good for one answer and `sessionTtlSeconds`; each answer that leads to another challenge gets a
 * new one. A trigger that throws fails the call with UserLambdaValidationException.
 */
import { randomBytes } from 'node:crypto';
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';
import { CognitoError, INCORRECT_CREDENTIALS, notAuthorized } from './protocol';
import type { StoredUser, UserStore } from './store';
import type { AuthenticationResult, Tokens } from './tokens';

/** The pool's custom-authentication triggers, called in-process with Cognito's events. */
export interface CustomAuthTriggers {
  defineAuthChallenge(event: DefineAuthChallengeTriggerEvent): Promise<DefineAuthChallengeTriggerEvent>;
  createAuthChallenge(event: CreateAuthChallengeTriggerEvent): Promise<CreateAuthChallengeTriggerEvent>;
  verifyAuthChallengeResponse(event: VerifyAuthChallengeResponseTriggerEvent): Promise<VerifyAuthChallengeResponseTriggerEvent>;
}

type ChallengeResult = DefineAuthChallengeTriggerEvent['request']['session'][number];

interface SignIn {
  username: string;
  clientId: string;
  answered: ChallengeResult[];
  challenge: CreateAuthChallengeTriggerEvent['response'];
  expiresAt: number;
}

/** InitiateAuth / RespondToAuthChallenge output. */
export interface ChallengeOrTokens {
  ChallengeName?: 'CUSTOM_CHALLENGE';
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
}

export interface CustomAuthOptions {
  userPoolId: string;
  region: string;
  triggers: CustomAuthTriggers | undefined;
  store: UserStore;
  tokens: Tokens;
  sessionTtlSeconds: number;
  now: () => Date;
}

export class CustomAuth {
  private readonly sessions = new Map<string, SignIn>();

  constructor(private readonly options: CustomAuthOptions) {}

  async initiate(clientId: string, username: string, clientMetadata: Record<string, string>): Promise<ChallengeOrTokens> {
    const user = this.options.store.get(username);
    if (user && !user.enabled) throw notAuthorized('User is disabled.');
    return this.advance({ username, clientId, answered: [] }, clientMetadata);
  }

  async respond(clientId: string, session: string, responses: Record<string, string>, clientMetadata: Record<string, string>): Promise<ChallengeOrTokens> {
    const signIn = this.take(session);
    if (signIn.clientId !== clientId || (responses.USERNAME !== undefined && responses.USERNAME !== signIn.username)) {
      throw notAuthorized('Invalid session for the user.');
    }
    const verify = await this.run('VerifyAuthChallengeResponse', 'verifyAuthChallengeResponse', {
      ...this.common(signIn.username, clientId, 'VerifyAuthChallengeResponse_Authentication'),
      request: {
        ...this.subject(signIn.username),
        privateChallengeParameters: signIn.challenge.privateChallengeParameters ?? {},
        challengeAnswer: responses.ANSWER!,
        clientMetadata,
      },
      response: { answerCorrect: false },
    });
    const result: ChallengeResult = {
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: verify.response.answerCorrect === true,
      ...(signIn.challenge.challengeMetadata ? { challengeMetadata: signIn.challenge.challengeMetadata } : {}),
    };
    return this.advance({ username: signIn.username, clientId, answered: [...signIn.answered, result] }, clientMetadata);
  }

  /** Define, then tokens, failure, or Create and a new session. */
  private async advance(state: Omit<SignIn, 'challenge' | 'expiresAt'>, clientMetadata: Record<string, string>): Promise<ChallengeOrTokens> {
    const { username, clientId, answered } = state;
    const define = await this.run('DefineAuthChallenge', 'defineAuthChallenge', {
      ...this.common(username, clientId, 'DefineAuthChallenge_Authentication'),
      request: { ...this.subject(username), session: answered, clientMetadata },
      response: { issueTokens: false, failAuthentication: false },
    });
    const step = define.response;
    if (step.failAuthentication) throw notAuthorized(INCORRECT_CREDENTIALS);
    if (step.issueTokens) {
      const user = this.options.store.get(username);
      // Cognito never signs in an account that does not exist, whatever a trigger says.
      if (!user) throw notAuthorized(INCORRECT_CREDENTIALS);
      return { ChallengeParameters: {}, AuthenticationResult: this.options.tokens.issue(user, clientId) };
    }
    if (step.challengeName !== 'CUSTOM_CHALLENGE') {
      throw new CognitoError('InvalidLambdaResponseException', `Unsupported challenge ${String(step.challengeName)}: the local user pool runs custom challenges only`);
    }
    const create = await this.run('CreateAuthChallenge', 'createAuthChallenge', {
      ...this.common(username, clientId, 'CreateAuthChallenge_Authentication'),
      request: { ...this.subject(username), challengeName: 'CUSTOM_CHALLENGE', session: answered, clientMetadata },
      response: { publicChallengeParameters: {}, privateChallengeParameters: {}, challengeMetadata: '' },
    });
    const session = randomBytes(96).toString('base64');
    const expiresAt = this.options.now().getTime() + this.options.sessionTtlSeconds * 1000;
    this.sweep();
    this.sessions.set(session, { ...state, challenge: create.response, expiresAt });
    return {
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeParameters: { ...(create.response.publicChallengeParameters ?? {}), USERNAME: username },
    };
  }

  /** A session answers once. */
  private take(session: string): SignIn {
    const signIn = this.sessions.get(session);
    this.sessions.delete(session);
    if (!signIn) throw notAuthorized('Invalid session for the user.');
    if (signIn.expiresAt <= this.options.now().getTime()) throw notAuthorized('Invalid session for the user, session is expired.');
    return signIn;
  }

  private sweep(): void {
    const now = this.options.now().getTime();
    for (const [id, signIn] of this.sessions) if (signIn.expiresAt <= now) this.sessions.delete(id);
  }

  private common<T extends string>(userName: string, clientId: string, triggerSource: T) {
    return {
      version: '1',
      region: this.options.region,
      userPoolId: this.options.userPoolId,
      userName,
      triggerSource,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    };
  }

  /** userAttributes and userNotFound, as Cognito fills them in every trigger's request. */
  private subject(username: string): { userAttributes: Record<string, string>; userNotFound: boolean } {
    const user: StoredUser | undefined = this.options.store.get(username);
    if (!user) return { userAttributes: {}, userNotFound: true };
    return { userAttributes: { sub: user.sub, 'cognito:user_status': user.status, ...user.attributes }, userNotFound: false };
  }

  private async run<K extends keyof CustomAuthTriggers, E = Parameters<CustomAuthTriggers[K]>[0]>(name: string, trigger: K, event: NoInfer<E>): Promise<E> {
    const triggers = this.options.triggers;
    if (!triggers) throw new CognitoError('InvalidParameterException', 'Custom auth lambda trigger is not configured for the user pool.');
    let out: E;
    try {
      out = (await (triggers[trigger] as (e: E) => Promise<E>).call(triggers, structuredClone(event))) as E;
    } catch (e) {
      throw new CognitoError('UserLambdaValidationException', `${name} failed with error ${e instanceof Error ? e.message : String(e)}.`);
    }
    const response = (out as { response?: unknown } | null)?.response;
    if (!out || typeof out !== 'object' || typeof response !== 'object' || response === null) {
      throw new CognitoError('InvalidLambdaResponseException', `Invalid lambda response from ${name}`);
    }
    return out;
  }
}
