import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onSessionExpired, refreshSession, setAccessToken } from '../../lib/api';
import { authApi, type Me, type RegisterBody } from './api';

export type Session =
  | { status: 'loading'; me: null }
  | { status: 'signedOut'; me: null; expired?: boolean }
  | { status: 'signedIn'; me: Me };

interface SessionValue {
  session: Session;
  signIn(email: string, password: string): Promise<Me>;
  signUp(body: RegisterBody): Promise<Me>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * The signed-in user. On start it tries the refresh cookie, so a reload keeps the user signed in
 * although the access token lives only in memory.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading', me: null });

  const loadMe = useCallback(async (): Promise<Me> => {
    const me = await authApi.me();
    setSession({ status: 'signedIn', me });
    return me;
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const ok = await refreshSession();
      if (cancelled) return;
      if (!ok) return setSession({ status: 'signedOut', me: null });
      try {
        const me = await authApi.me();
        if (!cancelled) setSession({ status: 'signedIn', me });
      } catch {
        if (!cancelled) setSession({ status: 'signedOut', me: null });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionExpired(() => {
        setAccessToken(null);
        setSession({ status: 'signedOut', me: null, expired: true });
      }),
    [],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const { accessToken } = await authApi.login(email, password);
      setAccessToken(accessToken);
      return loadMe();
    },
    [loadMe],
  );

  const signUp = useCallback(
    async (body: RegisterBody) => {
      const { accessToken } = await authApi.register(body);
      setAccessToken(accessToken);
      return loadMe();
    },
    [loadMe],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // Signing out locally still matters when the server cannot be reached.
    }
    setAccessToken(null);
    setSession({ status: 'signedOut', me: null });
  }, []);

  const reload = useCallback(async () => {
    await loadMe();
  }, [loadMe]);

  const value = useMemo(() => ({ session, signIn, signUp, signOut, reload }), [session, signIn, signUp, signOut, reload]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
