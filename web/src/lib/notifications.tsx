// The signed-in user's unread count, kept live by the API's Server-Sent Events stream (GET /notifications/stream),
// and a way for a screen to hear of each new notice (the queue and the case page reload on one about them).
// EventSource sends no headers: each connection first asks for a one-minute ticket with the bearer token.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ok } from '../api/client';
import { useSession } from '../session';

export interface NoticeEvent {
  id: string;
  caseId: string | null;
  topicId: string | null;
  template: string;
  unreadCount: number;
}

type Listener = (e: NoticeEvent) => void;

interface Notifications {
  unreadCount: number;
  /** True while the stream is open: the count is live. */
  live: boolean;
  /** Sets the count after this tab marked notices read (the stream tells the other tabs). */
  setUnreadCount(n: number): void;
  subscribe(l: Listener): () => void;
}

const NotificationsContext = createContext<Notifications | null>(null);

/** Waits after a lost stream before asking for a new ticket, doubling up to a minute. */
const RETRY_MS = [1_000, 2_000, 5_000, 15_000, 60_000];

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const [unreadCount, setUnreadCount] = useState(0);
  const [live, setLive] = useState(false);
  const listeners = useRef(new Set<Listener>());
  const userId = me?.id ?? null;

  useEffect(() => {
    if (!userId) {
      setUnreadCount(0);
      return;
    }
    let source: EventSource | null = null;
    let timer: number | undefined;
    let failures = 0;
    let stopped = false;
    const connect = async () => {
      try {
        const { ticket } = await ok(api.POST('/api/v1/notifications/stream-ticket'));
        if (stopped) return;
        source = new EventSource(`/api/v1/notifications/stream?ticket=${encodeURIComponent(ticket)}`);
        source.addEventListener('open', () => {
          failures = 0;
          setLive(true);
        });
        source.addEventListener('unread', (e) =>
          setUnreadCount((JSON.parse((e as MessageEvent<string>).data) as { unreadCount: number }).unreadCount),
        );
        source.addEventListener('notification', (e) => {
          const notice = JSON.parse((e as MessageEvent<string>).data) as NoticeEvent;
          setUnreadCount(notice.unreadCount);
          for (const l of listeners.current) l(notice);
        });
        // A ticket opens one connection: on any loss, a new ticket, not EventSource's own retry with the old one.
        source.addEventListener('error', retry);
        source.addEventListener('end', () => source?.close());
      } catch {
        retry();
      }
    };
    function retry() {
      source?.close();
      source = null;
      setLive(false);
      if (stopped) return;
      timer = window.setTimeout(() => void connect(), RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
    }
    void connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
      setLive(false);
    };
  }, [userId]);

  const subscribe = useCallback((l: Listener) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);

  const value = useMemo(() => ({ unreadCount, live, setUnreadCount, subscribe }), [unreadCount, live, subscribe]);
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): Notifications {
  const ctx = useContext(NotificationsContext);
  if (!ctx) throw new Error('useNotifications outside NotificationsProvider');
  return ctx;
}

/** Calls `onNotice` for each new notice while the screen is open (e.g. reload a list or a case). */
export function useNoticeEvents(onNotice: Listener): void {
  const { subscribe } = useNotifications();
  const ref = useRef(onNotice);
  ref.current = onNotice;
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe]);
}
