import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { createFaceChallenge } from '../core/flows/signIn';
import { triggerHandler, type Trigger } from './lib/trigger';

/**
 * Face sign-in, Create Auth Challenge: a one-time upload ticket (core/flows/signIn.ts). Presigns
 * an S3 PUT only. ClientMetadata `contentType: image/png` asks for a PNG ticket (default JPEG).
 */
export const createAuthChallenge: Trigger<CreateAuthChallengeTriggerEvent> = async (deps, event) => {
  const challenge = await createFaceChallenge(deps, {
    answered: event.request.session ?? [],
    contentType: event.request.clientMetadata?.contentType,
  });
  event.response.publicChallengeParameters = { ...challenge.publicParameters };
  event.response.privateChallengeParameters = { ...challenge.privateParameters };
  event.response.challengeMetadata = challenge.metadata;
};

export const handler = triggerHandler(createAuthChallenge);
