/** One user: status, dates, ID card, enrolled faces with their images, the registration history, erasure. */
import * as op from '../../../cli/operations';
import { request, type Auth } from '../shared/api';
import { ErrorBox, formatDate } from '../shared/components';
import { ConfirmErase } from '../shared/ConfirmErase';
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
          <ConfirmErase
            userId={userId}
            title="Erase this user"
            openLabel={`Erase ${userId}…`}
            question={`Erase ${userId}?`}
            explanation="Everything facegate holds about this person goes. To confirm, type the user ID."
            fieldLabel="User ID to erase"
            eraseLabel="Erase for good"
            erase={async () => (await request<op.DeleteUserData, op.DeleteUserVars>(op.DELETE_USER, { userId }, auth)).deleteUser}
            onErased={onErased}
          >
            <p>Removes the faces from the collection, the images and the records: the right to erasure. It cannot be undone.</p>
          </ConfirmErase>
        </>
      )}
    </section>
  );
}
