import type { MutationCreateUploadUrlArgs } from '../schema/generated/graphql';
import { createUploadUrl } from '../core/flows/createUploadUrl';
import { stepHandler } from './lib/handler';

/** Presigned uploads: S3 PutObject signing only. */
export const handler = stepHandler({
  createUploadUrl: (deps, event) => createUploadUrl(deps, (event.args as unknown as MutationCreateUploadUrlArgs).input),
});
