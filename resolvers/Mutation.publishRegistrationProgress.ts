/**
 * Mutation.publishRegistrationProgress (IAM only, by schema directive) → NONE: the input is the
 * RegistrationProgress that subscribers of onRegistrationProgress receive.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationPublishRegistrationProgressArgs, RegistrationProgress } from '../schema/generated/graphql';
import { checkId, invalid } from './lib/validate';

export function request(ctx: Context<MutationPublishRegistrationProgressArgs>): RegistrationProgress {
  const input = ctx.args.input;
  checkId(input.registrationId, 'input.registrationId');
  checkId(input.userId, 'input.userId');
  if (input.seq < 1) {
    invalid('input.seq', 'input.seq must be 1 or more');
  }
  return {
    registrationId: input.registrationId,
    userId: input.userId,
    seq: input.seq,
    step: input.step,
    status: input.status,
    message: input.message ?? null,
    errorType: input.errorType ?? null,
    at: input.at,
  };
}

export function response(ctx: Context): unknown {
  return ctx.prev.result;
}
