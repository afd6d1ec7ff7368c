import { useEffect, useState } from 'react';
import type { WebConfig } from '../../config';
import { Layout } from '../shared/Layout';
import { hrefOf, useHashRoute } from '../shared/useHashRoute';
import { AdminSignIn } from './AdminSignIn';
import { cognitoSession, localSession, type AdminSession } from './admin-auth';
import { SearchPage } from './SearchPage';
import { UserPage } from './UserPage';
import { UsersPage } from './UsersPage';

export function AdminApp({ config }: { config: WebConfig }) {
  const [session, setSession] = useState<AdminSession | null>(() => localSession(config));
  const [checked, setChecked] = useState(session !== null || !config.adminPool);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [section = 'users', userId] = useHashRoute();

  useEffect(() => {
    if (checked) return;
    cognitoSession().then(
      (s) => {
        setSession(s);
        setChecked(true);
      },
      (e: unknown) => {
        setProblem((e as Error).message);
        setChecked(true);
      },
    );
  }, [checked]);

  const nav = [
    { href: hrefOf('users'), label: 'Users', current: section === 'users' },
    { href: hrefOf('search'), label: 'Search by face', current: section === 'search' },
    { href: './', label: 'App' },
  ];
  const who = session && (
    <p className="session small">
      {session.how === 'local-token' ? (
        <>
          Local stack: acting as <strong>{session.who}</strong> with the stack&apos;s admin token (served to this machine only; a deployed console signs in with Cognito).
        </>
      ) : (
        <>
          Signed in as <strong>{session.who}</strong>{' '}
          <button type="button" className="link" onClick={() => void session.signOut?.().then(() => setSession(null))}>
            Sign out
          </button>
        </>
      )}
    </p>
  );

  let body;
  if (!checked) body = <p role="status">Checking the session…</p>;
  else if (!session && config.adminPool) body = <AdminSignIn onSignedIn={setSession} />;
  else if (!session)
    body = (
      <div className="notice error" role="alert">
        <p className="title">No admin sign-in is configured.</p>
        <p>config.json has neither a local admin token nor an admin user pool (adminPool).</p>
      </div>
    );
  else if (section === 'search') body = <SearchPage auth={session.auth} />;
  else if (section === 'users' && userId)
    body = (
      <UserPage
        key={userId}
        userId={userId}
        auth={session.auth}
        onErased={(r) => {
          setNotice(`Erased ${r.userId}: ${r.deletedFaces} face(s) and ${r.deletedImages} image(s).`);
          window.location.hash = hrefOf('users');
        }}
      />
    );
  else body = <UsersPage auth={session.auth} notice={notice} />;

  return (
    <Layout title="admin console" nav={session ? nav : [{ href: './', label: 'App' }]} aside={who}>
      {problem && (
        <div className="notice error" role="alert">
          <p className="title">{problem}</p>
        </div>
      )}
      {body}
    </Layout>
  );
}
