import { Hub } from 'aws-amplify/utils';
import { useEffect, useState } from 'react';
import { signedInUser, type SignedInUser } from './sign-in';

/** The 'auth' events after which the session reads differently. */
const SESSION_EVENTS = new Set(['signedIn', 'signedOut', 'tokenRefresh', 'tokenRefresh_failure']);

/**
 * Who is signed in, kept current from Amplify's 'auth' Hub channel (signedIn, signedOut,
 * tokenRefresh…): `undefined` while the stored session is being read, then the user or null.
 * Amplify keeps the tokens in localStorage, so a reload stays signed in. The setter lets the
 * sign-in page show its user at once; the Hub's next event reads the truth back.
 */
export function useSession(): [SignedInUser | null | undefined, (user: SignedInUser) => void] {
  const [user, setUser] = useState<SignedInUser | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const read = () =>
      signedInUser().then(
        (u) => live && setUser(u),
        () => live && setUser(null),
      );
    void read();
    const stop = Hub.listen('auth', ({ payload }) => {
      if (SESSION_EVENTS.has(payload.event)) void read();
    });
    return () => {
      live = false;
      stop();
    };
  }, []);
  return [user, setUser];
}
