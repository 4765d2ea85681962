// Loading data for a screen: the value, the error, a reload, and optional polling while the screen is open
// (cases change on their own: reminders, breaches and escalations come from the workflow's timers).
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** When the current data arrived (device time). */
  at: number;
  reload(): Promise<void>;
}

/** `keepPolling` is asked before each poll with the data so far (e.g. stop once a case is closed). */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  pollMs?: number | false,
  keepPolling?: (data: T) => boolean,
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error: ApiError | null; loading: boolean; at: number }>({
    error: null,
    loading: true,
    at: 0,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const keepRef = useRef(keepPolling);
  keepRef.current = keepPolling;
  const dataRef = useRef<T | undefined>(undefined);
  dataRef.current = state.data;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: null, loading: false, at: Date.now() });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      if (mine === generation.current) setState((s) => ({ ...s, error: e, loading: false }));
    }
  }, []);

  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    if (!pollMs) return;
    const id = window.setInterval(() => {
      const data = dataRef.current;
      if (data !== undefined && keepRef.current && !keepRef.current(data)) return;
      if (document.visibilityState === 'visible') void reload();
    }, pollMs);
    return () => window.clearInterval(id);
  }, [pollMs, reload]);

  return { data: state.data, error: state.error, loading: state.loading, at: state.at, reload };
}

/** Whether the browser says it is online; it changes on the window's online and offline events. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => typeof navigator === 'undefined' || navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}
