import type { StepName } from './lib/contract';
import type {
  MutationRegisterUserArgs,
  MutationRegisterWithIdCardArgs,
  MutationUpdateMyPhotoArgs,
  MutationUpdatePhotoArgs,
} from '../schema/generated/graphql';
import { register } from '../core/flows/register';
import { updatePhoto } from '../core/flows/updatePhoto';
import { signedInUserId } from './lib/caller';
import { registrationIdOf, stepHandler, type Step } from './lib/handler';

/** Enrollment: IndexFaces, users, S3 writes. registerUser, registerWithIdCard, updatePhoto, updateMyPhoto. */
export const registerSteps = {
  registerUser: (deps, event) => {
    const { input } = event.args as unknown as MutationRegisterUserArgs;
    return register(deps, { ...input, idCard: null, registrationId: registrationIdOf(event) });
  },
  registerWithIdCard: (deps, event) => {
    const { input } = event.args as unknown as MutationRegisterWithIdCardArgs;
    return register(deps, { ...input, registrationId: registrationIdOf(event) });
  },
  updatePhoto: (deps, event) => {
    const { input } = event.args as unknown as MutationUpdatePhotoArgs;
    return updatePhoto(deps, { ...input, registrationId: registrationIdOf(event) });
  },
  // A signed-in user's own photo: the userId is the caller's, never an argument.
  updateMyPhoto: (deps, event) => {
    const { input } = event.args as unknown as MutationUpdateMyPhotoArgs;
    return updatePhoto(deps, { image: input.image, userId: signedInUserId(event), registrationId: registrationIdOf(event) });
  },
} satisfies Partial<Record<StepName, Step>>;

export const handler = stepHandler(registerSteps);
