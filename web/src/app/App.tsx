import { Layout } from '../shared/Layout';
import { hrefOf, useHashRoute } from '../shared/useHashRoute';
import { EnrollPage } from './EnrollPage';
import { SignInPage } from './SignInPage';

const PAGES = [
  { path: 'register', label: 'Register' },
  { path: 'sign-in', label: 'Sign in' },
  { path: 'update-photo', label: 'Update photo' },
] as const;

export function App() {
  const [path = 'register'] = useHashRoute();
  const nav = [
    ...PAGES.map((p) => ({ href: hrefOf(p.path), label: p.label, current: p.path === path })),
    { href: 'admin.html', label: 'Admin console' },
  ];
  return (
    <Layout title="face verification" nav={nav}>
      {path === 'sign-in' ? <SignInPage /> : path === 'update-photo' ? <EnrollPage key="update" mode="update" /> : <EnrollPage key="register" mode="register" />}
    </Layout>
  );
}
