/** Both pages start the same way: config.json → Amplify → render; a config error is shown, not swallowed. */
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { WebConfig, WebUserPool } from '../../config';
import { configureApi } from './api';
import { loadConfig } from './config';
import './styles.css';

/** `signInPool`: which of config.json's user pools this page signs in to (Amplify's Auth.Cognito). */
export function boot(signInPool: (config: WebConfig) => WebUserPool | undefined, render: (config: WebConfig) => ReactNode): void {
  const root = createRoot(document.getElementById('root')!);
  loadConfig().then(
    (config) => {
      configureApi(config, signInPool(config));
      root.render(<StrictMode>{render(config)}</StrictMode>);
    },
    (e: unknown) =>
      root.render(
        <main className="page">
          <div className="notice error" role="alert">
            <p className="title">facegate cannot start.</p>
            <p>{(e as Error).message}</p>
          </div>
        </main>,
      ),
  );
}
