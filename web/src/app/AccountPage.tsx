/**
 * The signed-in user's own account, through the end users' fields only (the token says who):
 * `me`, "Update my photo" (`updateMyPhoto`, its steps live on a subscription made with the same
 * token, which AppSync filters to this user's own events), and "Delete my account" (`deleteMe`,
 * the right to erasure, behind a confirmation; then the session ends).
 */
import { useState, type FormEvent } from 'react';
import * as op from '../../../cli/operations';
import { USER_POOL, request } from '../shared/api';
import { ErrorBox, Success, formatDate } from '../shared/components';
import { ConfirmErase } from '../shared/ConfirmErase';
import { PhotoInput } from '../shared/PhotoInput';
import { needPhoto } from '../shared/useAction';
import { hrefOf } from '../shared/useHashRoute';
import { useLoad } from '../shared/useLoad';
import { EnrollStatus } from './EnrollStatus';
import { signOutOfFacegate, type SignedInUser } from './sign-in';
import { useEnroll } from './useEnroll';

export type Erased = op.DeleteMeData['deleteMe'];

export function AccountPage({ user, erased, onErased }: { user: SignedInUser | null | undefined; erased: Erased | null; onErased(result: Erased): void }) {
  let body;
  if (user === undefined) body = <p role="status">Checking the session…</p>;
  else if (user) body = <Account key={user.userId} user={user} onErased={onErased} />;
  else
    body = (
      <>
        {erased && (
          <Success title={`Your account ${erased.userId} was deleted.`}>
            <p>
              {erased.deletedFaces} face(s) and {erased.deletedImages} image(s) were erased, and the sign-in account with them. You are signed out.
            </p>
          </Success>
        )}
        <p>
          {erased ? 'Register again to come back.' : 'You are not signed in.'}{' '}
          <a href={hrefOf(erased ? 'register' : 'sign-in')}>{erased ? 'Register' : 'Sign in with your face'}</a>
        </p>
      </>
    );
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">My account</h1>
      {body}
    </section>
  );
}

function Account({ user, onErased }: { user: SignedInUser; onErased(result: Erased): void }) {
  // Read again after a photo update (the count of faces, the date change).
  const { data: profile, error, loading, reload } = useLoad(user.userId, () => request<op.MeData, Record<string, never>>(op.ME, {}, USER_POOL).then((d) => d.me));
  return (
    <>
      {error !== null && <ErrorBox error={error} />}
      {loading && profile === undefined && <p role="status">Loading your account…</p>}
      {profile === null && (
        <div className="notice error" role="alert">
          <p className="title">There is no facegate account for {user.userId} any more.</p>
          <p>It was erased. Sign out, then register again.</p>
        </div>
      )}
      {profile && (
        <dl className="facts card" aria-label="Your account">
          <dt>User ID</dt>
          <dd>
            <code>{profile.userId}</code>
          </dd>
          <dt>Status</dt>
          <dd>
            <span className={`badge ${profile.status.toLowerCase()}`} data-testid="status">
              {profile.status}
            </span>
          </dd>
          <dt>Enrolled faces</dt>
          <dd data-testid="faces">{profile.faceIds.length}</dd>
          <dt>ID card</dt>
          <dd>{profile.hasIdCard ? 'checked at registration' : 'none'}</dd>
          <dt>Registered</dt>
          <dd>{formatDate(profile.createdAt)}</dd>
          <dt>Last changed</dt>
          <dd data-testid="updated-at">{formatDate(profile.updatedAt)}</dd>
        </dl>
      )}
      {profile && <UpdateMyPhoto onUpdated={reload} />}
      {profile && (
        <ConfirmErase
          userId={user.userId}
          title="Delete my account"
          openLabel="Delete my account…"
          question="Delete your account?"
          explanation={`Your faces, photos and records go, and you can no longer sign in as ${user.userId}. This cannot be undone. To confirm, type your user ID.`}
          fieldLabel="Your user ID"
          eraseLabel="Delete for good"
          erase={async () => {
            const { deleteMe } = await request<op.DeleteMeData, Record<string, never>>(op.DELETE_ME, {}, USER_POOL);
            await signOutOfFacegate();
            return deleteMe;
          }}
          onErased={onErased}
        >
          <p>Erase everything facegate holds about you: your right to erasure, no admin needed.</p>
        </ConfirmErase>
      )}
    </>
  );
}

function UpdateMyPhoto({ onUpdated }: { onUpdated(): void }) {
  const [photo, setPhoto] = useState<Blob | null>(null);
  const enrollment = useEnroll();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await enrollment.start(() => ({ kind: 'updateMyPhoto', photo: needPhoto(photo) }))) onUpdated();
  }

  return (
    <section aria-labelledby="update-title" className="card">
      <h2 id="update-title">Update my photo</h2>
      <p className="small">A newer photo keeps recognition reliable. It must match the face already enrolled; the newest three photos are kept.</p>
      <form onSubmit={submit}>
        <PhotoInput legend="Your new selfie" value={photo} onChange={setPhoto} disabled={enrollment.busy} />
        <button type="submit" className="primary" disabled={enrollment.busy}>
          Update my photo
        </button>
      </form>
      <EnrollStatus state={enrollment} done={() => 'Your photo was updated.'} />
    </section>
  );
}
