/**
 * registerUser, registerWithIdCard (API key) and updateMyPhoto (the signed-in user's token) with
 * every step shown live, as the CLI does it: upload the photos, open
 * onRegistrationProgress(registrationId) with a registrationId made here, wait until AppSync
 * acknowledged the subscription, then send the mutation. A signed-in user subscribes with their
 * own token, so AppSync filters the events to their own userId as well. Should the COMPLETED
 * event not arrive (a dropped socket), the registration's stored history fills the gap (read with
 * the API key: the schema gives `registration` to API-key callers and admins only).
 */
import * as op from '../../../cli/operations';
import { API_KEY, ApiError, USER_POOL, request, subscribe, type Auth } from '../shared/api';
import { uploadPhoto } from '../shared/upload';

export type EnrollRequest =
  | { kind: 'registerUser'; userId: string; photo: Blob }
  | { kind: 'registerWithIdCard'; userId: string; photo: Blob; idCard: Blob | null }
  | { kind: 'updateMyPhoto'; photo: Blob };

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
  const auth = req.kind === 'updateMyPhoto' ? USER_POOL : API_KEY;
  cb.onPhase('uploading', registrationId);
  const image = { s3Key: await uploadPhoto(req.photo, 'SELFIE', auth) };
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
    { auth, matches: (v) => v.registrationId === registrationId },
  );
  try {
    await subscription.ready;
    cb.onPhase('registering', registrationId);
    let outcome: op.RegistrationOutcome | ApiError;
    try {
      outcome = await mutate(req, registrationId, image, idCard, auth);
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

function mutate(req: EnrollRequest, registrationId: string, image: { s3Key: string }, idCard: { s3Key: string } | undefined, auth: Auth): Promise<op.RegistrationOutcome> {
  switch (req.kind) {
    case 'updateMyPhoto':
      return request<op.UpdateMyPhotoData, op.UpdateMyPhotoVars>(op.UPDATE_MY_PHOTO, { input: { image, registrationId } }, auth).then((d) => d.updateMyPhoto);
    case 'registerWithIdCard':
      if (!idCard) throw new ApiError('An ID card photo is needed', 'INVALID_INPUT', { field: 'idCard' });
      return request<op.RegisterWithIdCardData, op.RegisterWithIdCardVars>(op.REGISTER_WITH_ID_CARD, { input: { userId: req.userId, image, idCard, registrationId } }, auth).then(
        (d) => d.registerWithIdCard,
      );
    case 'registerUser':
      return request<op.RegisterUserData, op.RegisterUserVars>(op.REGISTER_USER, { input: { userId: req.userId, image, registrationId } }, auth).then((d) => d.registerUser);
  }
}
