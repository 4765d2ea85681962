// 长辈版: large text (≥ 18 px) and large targets (≥ 44 px), remembered per user on this device (localStorage,
// keyed by the user's id; signed out, by the device). The theme (App.tsx) and the page class (rs-large) read it.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useSession } from '../session';

interface LargeText {
  on: boolean;
  toggle(): void;
}

const Context = createContext<LargeText>({ on: false, toggle: () => {} });

const keyOf = (userId: string | undefined) => `rs-large-text:${userId ?? 'signed-out'}`;

function stored(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

export function LargeTextProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const key = keyOf(me?.id);
  const [on, setOn] = useState(() => stored(key));
  // Another user signing in on the same device gets their own setting.
  useEffect(() => setOn(stored(key)), [key]);
  useEffect(() => {
    document.documentElement.classList.toggle('rs-large', on);
  }, [on]);
  const toggle = useCallback(() => {
    setOn((was) => {
      try {
        localStorage.setItem(key, was ? '0' : '1');
      } catch {
        // Private mode: the setting lasts while the page is open.
      }
      return !was;
    });
  }, [key]);
  return <Context.Provider value={{ on, toggle }}>{children}</Context.Provider>;
}

export const useLargeText = () => useContext(Context);
