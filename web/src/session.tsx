// Who is signed in: the session kept on this device (a short access token, renewed with the refresh token by
// api/client.ts until the session ends or the user signs out) and the profile from GET /me.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  api,
  endSession,
  loadSession,
  ok,
  saveSession,
  sessionOf,
  setOnUnauthenticated,
  type TokenAnswer,
} from './api/client';
import type { Me } from './api/types';

interface Session {
  me: Me | null;
  /** True until the stored token has been checked against /me. */
  loading: boolean;
  signIn(answer: TokenAnswer): Promise<Me>;
  /** Ends the session on the server too (POST /auth/logout), so its tokens stop working everywhere. */
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => loadSession() !== null);

  // The session has already ended (refused, or signed out in another tab): only this device forgets it.
  const forget = useCallback(() => {
    saveSession(null);
    setMe(null);
  }, []);

  const signOut = useCallback(() => {
    setMe(null);
    void endSession();
  }, []);

  useEffect(() => {
    setOnUnauthenticated(forget);
    if (!loadSession()) return;
    ok(api.GET('/api/v1/me'))
      .then(setMe, () => forget())
      .finally(() => setLoading(false));
  }, [forget]);

  const signIn = useCallback(async (answer: TokenAnswer) => {
    saveSession(sessionOf(answer));
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
