/**
 * Pipeline function for every Lambda data source (uploads, register, authenticate, admin):
 * invokes the step Lambda with the StepEvent of functions/lib/contract.ts and maps its
 * StepResponse. `{error}` becomes a typed GraphQL error; a thrown Lambda error arrives as
 * ctx.error (Lambda:Unhandled) and is passed on as it is.
 */
import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { StepEvent, StepName, StepResponse } from '../../functions/lib/contract';

export function request(ctx: Context): LambdaRequest {
  const payload: StepEvent = {
    step: ctx.info.fieldName as StepName,
    args: ctx.args,
    identity: ctx.identity ?? null,
    stash: ctx.stash,
  };
  return { operation: 'Invoke', payload: payload };
}

export function response(ctx: Context<unknown, Record<string, unknown>, Record<string, unknown>, undefined, StepResponse | null>): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const answer = ctx.result;
  if (answer === null || answer === undefined || typeof answer !== 'object') {
    return util.error('The ' + ctx.info.fieldName + ' step returned no response', 'INTERNAL');
  }
  if (answer.error) {
    const e = answer.error;
    return util.error(e.message, e.type, null, e.info ?? null);
  }
  return answer.result;
}
