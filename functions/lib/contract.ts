/**
 * The contract between the pipeline resolvers and the step Lambdas. A pipeline function invokes
 * a Lambda data source with `{operation: 'Invoke', payload: StepEvent}`; the Lambda answers with
 * a StepResponse. Expected failures come back as `{error}` (a thrown error would reach the
 * resolver as `Lambda:Unhandled` and lose its type).
 */
import type { ErrorType } from '../../schema/generated/graphql';

/** The Cognito user-pool group the schema's admin fields require (`cognito_groups: ["admins"]`). */
export const ADMIN_GROUP = 'admins';

/** Each step is named after the GraphQL field it serves. */
export type StepName =
  | 'createUploadUrl'
  | 'registerUser'
  | 'registerWithIdCard'
  | 'updatePhoto'
  | 'authenticate'
  | 'deleteUser'
  | 'searchFaces'
  | 'me'
  | 'updateMyPhoto'
  | 'deleteMe'
  | 'faceImageUrl';

export interface StepEvent<Args = Record<string, unknown>> {
  step: StepName;
  /** The field's GraphQL arguments, as AppSync passed them. */
  args: Args;
  /** ctx.identity: who called (null for API key). */
  identity: unknown;
  /** ctx.stash: `registrationId` is set by the registration resolvers' before step. */
  stash: { registrationId?: string } & Record<string, unknown>;
}

export interface StepError {
  type: ErrorType;
  message: string;
  info: Record<string, unknown>;
}

export type StepResponse<Result = unknown> = { result: Result; error?: undefined } | { error: StepError; result?: undefined };
