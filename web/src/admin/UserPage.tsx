/** One user: status, dates, ID card, enrolled faces with their images, the registration history, erasure. */
import { useRef, useState, type FormEvent } from 'react';
import * as op from '../../../cli/operations';
import { request, type Auth } from '../shared/api';
import { ErrorBox, formatDate } from '../shared/components';
import { useAction } from '../shared/useAction';
import { useLoad } from '../shared/useLoad';
import { FaceCard } from './FaceCard';
import { RegistrationHistory } from './RegistrationHistory';

export function UserPage({ userId, auth, onErased }: { userId: string; auth: Auth; onErased(result: op.DeleteUserData['deleteUser']): void }) {
  const { data: user, error } = useLoad(userId, () => request<op.UserData, op.UserVars>(op.USER, { userId }, auth).then((d) => d.user));

  return (
    <section aria-labelledby="page-title">
      <p className="small">
        <a href="#/users">← Users</a>
      </p>
      <h1 id="page-title">
        User <code>{userId}</code>
      </h1>
      {error !== null && <ErrorBox error={error} />}
      {user === null && <p role="status">There is no user {userId}.</p>}
      {user && (
        <>
          <dl className="facts card">
            <dt>Status</dt>
            <dd>
              <span className={`badge ${user.status.toLowerCase()}`}>{user.status}</span>
            </dd>
            <dt>Registered</dt>
            <dd>{formatDate(user.createdAt)}</dd>
            <dt>Last changed</dt>
            <dd>
              {formatDate(user.updatedAt)} (version {user.version})
            </dd>
            <dt>ID card</dt>
            <dd>
              {user.idCard
                ? `checked, similarity ${user.idCard.similarity.toFixed(1)} %${user.idCard.fullName ? ` — ${user.idCard.fullName}` : ''}${user.idCard.documentNumber ? `, ${user.idCard.documentNumber}` : ''}`
                : 'none'}
            </dd>
            {user.properties && (
              <>
                <dt>Properties</dt>
                <dd>
                  <code className="wrap">{user.properties}</code>
                </dd>
              </>
            )}
          </dl>
          <section aria-labelledby="faces-title">
            <h2 id="faces-title">Enrolled faces ({user.faces.length})</h2>
            <div className="faces">
              {user.faces.map((f) => (
                <FaceCard key={f.faceId} face={f} auth={auth} />
              ))}
            </div>
          </section>
          <RegistrationHistory userId={userId} auth={auth} />
          <Erase userId={userId} auth={auth} onErased={onErased} />
        </>
      )}
    </section>
  );
}

/** Erasure, behind a confirmation that asks for the user ID. */
function Erase({ userId, auth, onErased }: { userId: string; auth: Auth; onErased(result: op.DeleteUserData['deleteUser']): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction<op.DeleteUserData['deleteUser']>();

  async function erase(e: FormEvent) {
    e.preventDefault();
    if (typed !== userId) return;
    const erased = await run(async () => (await request<op.DeleteUserData, op.DeleteUserVars>(op.DELETE_USER, { userId }, auth)).deleteUser);
    if (erased) {
      dialog.current?.close();
      onErased(erased);
    }
  }

  return (
    <section aria-labelledby="erase-title" className="card danger">
      <h2 id="erase-title">Erase this user</h2>
      <p>Removes the faces from the collection, the images and the records: the right to erasure. It cannot be undone.</p>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setTyped('');
          dialog.current?.showModal();
        }}
      >
        Erase {userId}…
      </button>
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <form onSubmit={erase}>
          <h2 id="confirm-title">Erase {userId}?</h2>
          <p>Everything facegate holds about this person goes. To confirm, type the user ID.</p>
          <div className="field">
            <label htmlFor="confirm-user">User ID to erase</label>
            <input id="confirm-user" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </div>
          {error !== null && <ErrorBox error={error} />}
          <div className="row">
            <button type="submit" className="danger" disabled={typed !== userId || busy}>
              {busy ? 'Erasing…' : 'Erase for good'}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
