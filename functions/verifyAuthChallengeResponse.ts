import type { VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';
import { verifyFaceAnswer } from '../core/flows/signIn';
import { triggerHandler, type Trigger } from './lib/trigger';

/**
 * Face sign-in, Verify Auth Challenge Response: the answer (the challenge's upload key) checked,
 * then the selfie decided as `authenticate` decides it (core/flows/signIn.ts).
 */
export const verifyAuthChallengeResponse: Trigger<VerifyAuthChallengeResponseTriggerEvent> = async (deps, event) => {
  event.response.answerCorrect = await verifyFaceAnswer(deps, {
    userId: event.userName,
    userNotFound: event.request.userNotFound === true,
    answer: typeof event.request.challengeAnswer === 'string' ? event.request.challengeAnswer : '',
    privateParameters: event.request.privateChallengeParameters ?? {},
  });
};

export const handler = triggerHandler(verifyAuthChallengeResponse);
