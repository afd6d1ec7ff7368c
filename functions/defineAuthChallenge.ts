import type { DefineAuthChallengeTriggerEvent } from 'aws-lambda';
import { nextSignInStep } from '../core/flows/signIn';
import { triggerHandler, type Trigger } from './lib/trigger';

/** Face sign-in, Define Auth Challenge: the next step of the sign-in (core/flows/signIn.ts). Reads the lockout counter. */
export const defineAuthChallenge: Trigger<DefineAuthChallengeTriggerEvent> = async (deps, event) => {
  const step = await nextSignInStep(deps, {
    userId: event.userName,
    userNotFound: event.request.userNotFound === true,
    answered: event.request.session ?? [],
  });
  event.response.issueTokens = step.issueTokens;
  event.response.failAuthentication = step.failAuthentication;
  if ('challengeName' in step) event.response.challengeName = step.challengeName;
};

export const handler = triggerHandler(defineAuthChallenge);
