/**
 * registerUser, registerWithIdCard and updatePhoto with every step shown live, as the CLI does
 * it: upload the photos, open onRegistrationProgress(registrationId) with a registrationId made
 * here, wait until AppSync acknowledged the subscription, then send the mutation. Should the
 * COMPLETED event not arrive (a dropped socket), the registration's stored history fills the gap.
 */
import * as op from '../../../cli/operations';
import { ApiError, request, subscribe } from '../shared/api';
import { uploadPhoto } from '../shared/upload';

export type EnrollKind = 'registerUser' | 'registerWithIdCard' | 'updatePhoto';

export interface EnrollRequest {
  kind: EnrollKind;
  userId: string;
  photo: Blob;
  idCard?: Blob | null;
}

export type EnrollPhase = 'uploading' | 'subscribing' | 'registering' | 'done';

export interface EnrollCallbacks {
  /** Each progress event once, in arrival order; `live` false for events read from the history. */
  onEvent(event: op.ProgressEvent, live: boolean): void;
  onPhase(phase: EnrollPhase, registrationId: string): void;
}

/** How long to wait for COMPLETED after the mutation answered (delivery is asynchronous). */
const END_WAIT_MS = 3000;

export async function enroll(req: EnrollRequest, cb: EnrollCallbacks): Promise<op.RegistrationOutcome> {
  const registrationId = crypto.randomUUID();
  cb.onPhase('uploading', registrationId);
  const image = { s3Key: await uploadPhoto(req.photo, 'SELFIE') };
  const idCard = req.kind === 'registerWithIdCard' && req.idCard ? { s3Key: await uploadPhoto(req.idCard, 'ID_CARD') } : undefined;

  const seen = new Set<number>();
  let completed = false;
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const add = (event: op.ProgressEvent, live: boolean) => {
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    cb.onEvent(event, live);
    if (op.isTerminal(event)) {
      completed = true;
      ended();
    }
  };

  cb.onPhase('subscribing', registrationId);
  const subscription = subscribe<op.OnRegistrationProgressData, op.OnRegistrationProgressVars>(
    op.ON_REGISTRATION_PROGRESS,
    { registrationId },
    { next: (d) => d.onRegistrationProgress && add(d.onRegistrationProgress, true), error: () => undefined },
    { matches: (v) => v.registrationId === registrationId },
  );
  try {
    await subscription.ready;
    cb.onPhase('registering', registrationId);
    let outcome: op.RegistrationOutcome | ApiError;
    try {
      outcome = await mutate(req, registrationId, image, idCard);
    } catch (e) {
      outcome = e instanceof ApiError ? e : new ApiError(String(e), 'Error');
    }
    await Promise.race([end, new Promise((resolve) => setTimeout(resolve, END_WAIT_MS))]);
    if (!completed) {
      const { registration } = await request<op.RegistrationData, op.RegistrationVars>(op.REGISTRATION, { registrationId }).catch(() => ({ registration: null }));
      for (const event of registration?.events ?? []) add(event, false);
    }
    cb.onPhase('done', registrationId);
    if (outcome instanceof ApiError) throw outcome;
    return outcome;
  } finally {
    subscription.close();
  }
}

function mutate(req: EnrollRequest, registrationId: string, image: { s3Key: string }, idCard: { s3Key: string } | undefined): Promise<op.RegistrationOutcome> {
  const { userId } = req;
  switch (req.kind) {
    case 'updatePhoto':
      return request<op.UpdatePhotoData, op.UpdatePhotoVars>(op.UPDATE_PHOTO, { input: { userId, image, registrationId } }).then((d) => d.updatePhoto);
    case 'registerWithIdCard':
      if (!idCard) throw new ApiError('An ID card photo is needed', 'INVALID_INPUT', { field: 'idCard' });
      return request<op.RegisterWithIdCardData, op.RegisterWithIdCardVars>(op.REGISTER_WITH_ID_CARD, { input: { userId, image, idCard, registrationId } }).then(
        (d) => d.registerWithIdCard,
      );
    case 'registerUser':
      return request<op.RegisterUserData, op.RegisterUserVars>(op.REGISTER_USER, { input: { userId, image, registrationId } }).then((d) => d.registerUser);
  }
}
