import type { StepName } from './lib/contract';
import type { MutationCreateUploadUrlArgs } from '../schema/generated/graphql';
import { createUploadUrl } from '../core/flows/createUploadUrl';
import { stepHandler, type Step } from './lib/handler';

/** Presigned uploads: S3 PutObject signing only. */
export const uploadSteps = {
  createUploadUrl: (deps, event) => createUploadUrl(deps, (event.args as unknown as MutationCreateUploadUrlArgs).input),
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(uploadSteps);
