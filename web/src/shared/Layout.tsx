/** The frame of every page: skip link, header with navigation, main. */
import type { ReactNode } from 'react';

/** The content's id: the skip link's target, and where the focus goes when the route changes (useHashRoute). */
export const MAIN_ID = 'main';

export interface NavItem {
  href: string;
  label: string;
  current?: boolean;
}

export function Layout({ title, nav, children, aside }: { title: string; nav: NavItem[]; children: ReactNode; aside?: ReactNode }) {
  return (
    <>
      {/* The hash is the route here: the skip link moves the focus itself instead of navigating to #main. */}
      <a
        className="skip"
        href={`#${MAIN_ID}`}
        onClick={(e) => {
          e.preventDefault();
          document.getElementById(MAIN_ID)?.focus();
        }}
      >
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
      <main id={MAIN_ID} className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
