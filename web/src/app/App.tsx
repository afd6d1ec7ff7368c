import { useState } from 'react';
import { Layout } from '../shared/Layout';
import { useAction } from '../shared/useAction';
import { hrefOf, useHashRoute } from '../shared/useHashRoute';
import { AccountPage, type Erased } from './AccountPage';
import { EnrollPage } from './EnrollPage';
import { signOutOfFacegate, type SignedInUser } from './sign-in';
import { SignInPage } from './SignInPage';
import { useSession } from './useSession';

const PAGES = [
  { path: 'register', label: 'Register' },
  { path: 'sign-in', label: 'Sign in' },
  { path: 'account', label: 'My account' },
] as const;

/** Earlier links to the API-key "update photo" page land on the account page, where a signed-in user updates their own. */
const MOVED: Record<string, string> = { 'update-photo': 'account' };

export function App() {
  const [route = 'register'] = useHashRoute();
  const path = MOVED[route] ?? route;
  const [user, setUser] = useSession();
  const [erased, setErased] = useState<Erased | null>(null);
  const nav = [
    ...PAGES.map((p) => ({ href: hrefOf(p.path), label: p.label, current: p.path === path })),
    { href: 'admin.html', label: 'Admin console' },
  ];
  let page;
  if (path === 'sign-in') page = <SignInPage user={user} onSignedIn={setUser} />;
  else if (path === 'account') page = <AccountPage user={user} erased={erased} onErased={setErased} />;
  else page = <EnrollPage />;
  return (
    <Layout title="face verification" nav={nav} aside={user && <SessionBar user={user} />}>
      {page}
    </Layout>
  );
}

/** Who is signed in, and the way out (Amplify's signOut; the Hub event updates the pages). */
function SessionBar({ user }: { user: SignedInUser }) {
  const { busy, error, run } = useAction<void>();
  return (
    <p className="session small">
      Signed in as <strong data-testid="signed-in-as">{user.userId}</strong>{' '}
      <button type="button" className="link" disabled={busy} onClick={() => void run(signOutOfFacegate)}>
        Sign out
      </button>
      {error !== null && <span role="alert"> Signing out failed: {(error as Error).message}</span>}
    </p>
  );
}
