// Providers (language, antd theme and locale, session) and the routes. Pages load on demand, so a resident on
// a phone never downloads the charts of the supervisors' pages.
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { setApiLanguage } from './api/client';
import type { Role } from './api/types';
import { Shell } from './components/Shell';
import { I18nProvider, useI18n } from './i18n';
import { LargeTextProvider, useLargeText } from './lib/large-text';
import { homeOf, SessionProvider, useSession } from './session';

const Login = lazy(() => import('./pages/Login'));
const NewCase = lazy(() => import('./pages/NewCase'));
const MyCases = lazy(() => import('./pages/MyCases'));
const CasePage = lazy(() => import('./pages/CasePage'));
const Track = lazy(() => import('./pages/Track'));
const Queue = lazy(() => import('./pages/Queue'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Accountability = lazy(() => import('./pages/Accountability'));
const Assessment = lazy(() => import('./pages/Assessment'));
const Public = lazy(() => import('./pages/Public'));
const Agreements = lazy(() => import('./pages/Agreements'));
const CalendarYears = lazy(() => import('./pages/CalendarYears'));
const NotFound = lazy(() => import('./pages/NotFound'));
const Notifications = lazy(() => import('./pages/Notifications'));
const Waiting = lazy(() => import('./pages/Waiting'));
const Hotspots = lazy(() => import('./pages/Hotspots'));
const HotspotCases = lazy(() => import('./pages/HotspotCases'));
const Topics = lazy(() => import('./pages/Topics'));
const TopicNew = lazy(() => import('./pages/TopicNew'));
const TopicPage = lazy(() => import('./pages/TopicPage'));
const QrCodes = lazy(() => import('./pages/QrCodes'));

const Loading = () => (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin size="large" />
  </div>
);

/** A page for signed-in users of these roles; others go to sign in, or to their own home. */
function Guard({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (roles && !roles.includes(me.role)) return <Navigate to={homeOf(me)} replace />;
  return <>{children}</>;
}

function Home() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  return <Navigate to={me ? homeOf(me) : '/login'} replace />;
}

// 长辈版: every size antd derives from these, so text, controls and tap targets grow together.
const LARGE = {
  fontSize: 18,
  fontSizeSM: 16,
  fontSizeLG: 20,
  fontSizeIcon: 18,
  controlHeight: 48,
  controlHeightSM: 44,
  controlHeightLG: 52,
};
const LARGE_COMPONENTS = {
  Radio: { radioSize: 24, dotSize: 12 },
  Checkbox: { controlInteractiveSize: 24 },
  Switch: { trackHeight: 44, handleSize: 38, trackMinWidth: 72 },
};

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const large = useLargeText().on;
  useEffect(() => {
    setApiLanguage(lang);
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  setApiLanguage(lang);
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      // antd puts a space between two CJK characters in a button ("撤 回"); people read 撤回.
      button={{ autoInsertSpace: false }}
      theme={{
        // Party red; secondary and tertiary greys darkened from antd's defaults to keep 4.5:1 contrast (axe).
        token: {
          colorPrimary: '#c8161d',
          colorLink: '#b3141a',
          colorError: '#cf1322',
          borderRadius: 8,
          colorTextSecondary: 'rgba(0,0,0,0.62)',
          colorTextTertiary: 'rgba(0,0,0,0.6)',
          colorTextDescription: 'rgba(0,0,0,0.6)',
          colorTextPlaceholder: 'rgba(0,0,0,0.5)',
          colorTextDisabled: 'rgba(0,0,0,0.56)',
          // The default stays readable too: 15 px body text rather than antd's 14.
          fontSize: 15,
          ...(large ? LARGE : {}),
        },
        // Fields in focus are blue, so a focused field never looks like one in error (errors are red).
        components: {
          Input: {
            activeBorderColor: '#2f54eb',
            hoverBorderColor: '#597ef7',
            activeShadow: '0 0 0 2px rgba(47,84,235,0.15)',
          },
          InputNumber: {
            activeBorderColor: '#2f54eb',
            hoverBorderColor: '#597ef7',
            activeShadow: '0 0 0 2px rgba(47,84,235,0.15)',
          },
          Select: {
            activeBorderColor: '#2f54eb',
            hoverBorderColor: '#597ef7',
            activeOutlineColor: 'rgba(47,84,235,0.15)',
          },
          ...(large ? LARGE_COMPONENTS : {}),
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <LargeTextProvider>
          <Themed>
            <BrowserRouter>
              <Shell>
                <Suspense fallback={<Loading />}>
                  <Routes>
                    <Route path="/" element={<Home />} />
                    <Route path="/login" element={<Login />} />
                    <Route path="/public" element={<Public />} />
                    <Route
                      path="/new"
                      element={
                        <Guard roles={['resident']}>
                          <NewCase />
                        </Guard>
                      }
                    />
                    <Route
                      path="/my"
                      element={
                        <Guard roles={['resident']}>
                          <MyCases />
                        </Guard>
                      }
                    />
                    <Route path="/track" element={<Track />} />
                    <Route
                      path="/cases/:id"
                      element={
                        <Guard>
                          <CasePage />
                        </Guard>
                      }
                    />
                    <Route
                      path="/notifications"
                      element={
                        <Guard>
                          <Notifications />
                        </Guard>
                      }
                    />
                    <Route
                      path="/queue"
                      element={
                        <Guard roles={['handler', 'party_member']}>
                          <Queue />
                        </Guard>
                      }
                    />
                    <Route
                      path="/waiting"
                      element={
                        <Guard roles={['supervisor', 'admin']}>
                          <Waiting />
                        </Guard>
                      }
                    />
                    <Route
                      path="/dashboard"
                      element={
                        <Guard roles={['supervisor', 'admin']}>
                          <Dashboard />
                        </Guard>
                      }
                    />
                    <Route
                      path="/hotspots"
                      element={
                        <Guard roles={['supervisor', 'admin']}>
                          <Hotspots />
                        </Guard>
                      }
                    />
                    <Route
                      path="/hotspots/cases"
                      element={
                        <Guard roles={['supervisor', 'admin']}>
                          <HotspotCases />
                        </Guard>
                      }
                    />
                    <Route
                      path="/topics"
                      element={
                        <Guard roles={['supervisor', 'admin', 'handler']}>
                          <Topics />
                        </Guard>
                      }
                    />
                    <Route
                      path="/topics/new"
                      element={
                        <Guard roles={['supervisor', 'admin']}>
                          <TopicNew />
                        </Guard>
                      }
                    />
                    <Route
                      path="/topics/:id"
                      element={
                        <Guard roles={['supervisor', 'admin', 'handler']}>
                          <TopicPage />
                        </Guard>
                      }
                    />
                    <Route
                      path="/qr"
                      element={
                        <Guard roles={['supervisor', 'admin', 'handler']}>
                          <QrCodes />
                        </Guard>
                      }
                    />
                    <Route
                      path="/accountability"
                      element={
                        <Guard roles={['supervisor', 'admin', 'handler']}>
                          <Accountability />
                        </Guard>
                      }
                    />
                    <Route
                      path="/assessment"
                      element={
                        <Guard roles={['supervisor', 'admin', 'handler']}>
                          <Assessment />
                        </Guard>
                      }
                    />
                    <Route
                      path="/admin/agreements"
                      element={
                        <Guard roles={['admin']}>
                          <Agreements />
                        </Guard>
                      }
                    />
                    <Route
                      path="/admin/calendar"
                      element={
                        <Guard roles={['admin']}>
                          <CalendarYears />
                        </Guard>
                      }
                    />
                    <Route path="*" element={<NotFound />} />
                  </Routes>
                </Suspense>
              </Shell>
            </BrowserRouter>
          </Themed>
        </LargeTextProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
