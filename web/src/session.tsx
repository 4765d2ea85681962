// Who is signed in: the bearer token (kept on this device until it expires) and the profile from GET /me.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, loadSession, ok, saveSession, setOnUnauthenticated } from './api/client';
import type { Me } from './api/types';

interface Session {
  me: Me | null;
  /** True until the stored token has been checked against /me. */
  loading: boolean;
  signIn(token: string, expiresInSeconds: number): Promise<Me>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => loadSession() !== null);

  const signOut = useCallback(() => {
    saveSession(null);
    setMe(null);
  }, []);

  useEffect(() => {
    setOnUnauthenticated(signOut);
    if (!loadSession()) return;
    ok(api.GET('/api/v1/me'))
      .then(setMe, () => signOut())
      .finally(() => setLoading(false));
  }, [signOut]);

  const signIn = useCallback(async (token: string, expiresInSeconds: number) => {
    saveSession({ token, expiresAt: Date.now() + expiresInSeconds * 1000 });
    const profile = await ok(api.GET('/api/v1/me'));
    setMe(profile);
    return profile;
  }, []);

  const value = useMemo(() => ({ me, loading, signIn, signOut }), [me, loading, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** Where each role lands after signing in. */
export function homeOf(me: Pick<Me, 'role'> | null): string {
  switch (me?.role) {
    case 'resident':
      return '/my';
    case 'handler':
    case 'party_member':
      return '/queue';
    case 'supervisor':
    case 'admin':
      return '/dashboard';
    default:
      return '/login';
  }
}
