/** The frame of every page: skip link, header with navigation, main. */
import type { ReactNode } from 'react';

export interface NavItem {
  href: string;
  label: string;
  current?: boolean;
}

export function Layout({ title, nav, children, aside }: { title: string; nav: NavItem[]; children: ReactNode; aside?: ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="bar">
          <a className="brand" href="./">
            facegate <span className="sub">{title}</span>
          </a>
          <nav aria-label="Main">
            <ul>
              {nav.map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={item.current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
        {aside}
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
