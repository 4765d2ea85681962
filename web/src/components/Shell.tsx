// The frame of every screen: a red header with the app's name, the role's navigation (a tab bar at the
// bottom of a phone), the language switch, the notification bell and the signed-in user; a skip link for keyboard
// users. The live unread count (NotificationsProvider) is held here, so every page can hear of new notices.
import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  EditOutlined,
  FileSearchOutlined,
  FontSizeOutlined,
  GlobalOutlined,
  LogoutOutlined,
  OrderedListOutlined,
  FireOutlined,
  FlagOutlined,
  ProfileOutlined,
  QrcodeOutlined,
  SettingOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Grid, Layout, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import type { Me } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { NotificationsProvider } from '../lib/notifications';
import { Bell } from './Bell';
import { useLargeText } from '../lib/large-text';
import { CalendarBanner } from './CalendarBanner';
import './shell.css';

interface NavItem {
  to: string;
  label: MessageKey;
  icon: ReactNode;
}

function navFor(me: Me | null): NavItem[] {
  const publicItem: NavItem = { to: '/public', label: 'nav.public', icon: <GlobalOutlined /> };
  switch (me?.role) {
    case 'resident':
      return [
        { to: '/my', label: 'nav.myCases', icon: <ProfileOutlined /> },
        { to: '/new', label: 'nav.newCase', icon: <EditOutlined /> },
        { to: '/track', label: 'nav.track', icon: <FileSearchOutlined /> },
        publicItem,
      ];
    case 'handler':
      return [
        { to: '/queue', label: 'nav.queue', icon: <OrderedListOutlined /> },
        { to: '/track', label: 'nav.track', icon: <FileSearchOutlined /> },
        { to: '/topics', label: 'nav.topics', icon: <FlagOutlined /> },
        { to: '/qr', label: 'nav.qr', icon: <QrcodeOutlined /> },
        publicItem,
      ];
    case 'party_member':
      return [{ to: '/queue', label: 'nav.followUps', icon: <OrderedListOutlined /> }, publicItem];
    case 'supervisor':
    case 'admin':
      return [
        { to: '/dashboard', label: 'nav.dashboard', icon: <DashboardOutlined /> },
        { to: '/waiting', label: 'nav.waiting', icon: <CheckSquareOutlined /> },
        { to: '/hotspots', label: 'nav.hotspots', icon: <FireOutlined /> },
        // The QR page is reached from the hotspots and topics pages: one more tab would push the nav off a desk's
        // header in 长辈版.
        { to: '/topics', label: 'nav.topics', icon: <FlagOutlined /> },
        { to: '/accountability', label: 'nav.accountability', icon: <AlertOutlined /> },
        { to: '/assessment', label: 'nav.assessment', icon: <BarChartOutlined /> },
        ...(me.role === 'admin'
          ? [
              { to: '/admin/agreements', label: 'nav.agreements' as const, icon: <SettingOutlined /> },
              { to: '/admin/calendar', label: 'nav.calendar' as const, icon: <CalendarOutlined /> },
            ]
          : []),
        publicItem,
      ];
    default:
      return [publicItem];
  }
}

function Emblem() {
  return (
    <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <circle cx="16" cy="16" r="15" fill="#ffd666" />
      <path d="M16 6.5l2.6 5.9 6.4.6-4.8 4.3 1.4 6.3L16 20.3l-5.6 3.3 1.4-6.3L7 13l6.4-.6z" fill="#c8161d" />
    </svg>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  return (
    <NotificationsProvider>
      <Frame>{children}</Frame>
    </NotificationsProvider>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { t, lang, setLang, name } = useI18n();
  const { me, loading, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const items = navFor(me);
  const onLogin = location.pathname === '/login';

  const nav = (
    <nav aria-label={t('nav.main')} className={phone ? 'rs-tabbar' : 'rs-topnav'}>
      {items.map((i) => (
        <NavLink key={i.to} to={i.to} className={({ isActive }) => (isActive ? 'active' : undefined)}>
          {i.icon}
          <span>{t(i.label)}</span>
        </NavLink>
      ))}
    </nav>
  );

  return (
    <Layout className={phone ? 'rs-layout rs-phone' : 'rs-layout'}>
      <a className="rs-skip" href="#main">
        {t('app.skip')}
      </a>
      <Layout.Header className="rs-header">
        <Link to="/" className="rs-brand">
          <Emblem />
          <span className="rs-brand-name">{t('app.name')}</span>
          {!phone && <span className="rs-brand-tagline">{t('app.tagline')}</span>}
        </Link>
        {!phone && nav}
        <Space size={4} className="rs-header-tools">
          <Button
            type="text"
            className="rs-header-button"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            title={t('app.languageLabel')}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
          >
            {t('app.language')}
          </Button>
          <LargeTextToggle />
          {me && <Bell />}
          {me ? (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  {
                    key: 'who',
                    label: <span>{name(me.organization) || t(`role.${me.role}` as MessageKey)}</span>,
                    disabled: true,
                  },
                  { type: 'divider' },
                  { key: 'out', icon: <LogoutOutlined />, label: t('app.signOut') },
                ],
                onClick: ({ key }) => {
                  if (key === 'out') {
                    signOut();
                    void navigate('/login');
                  }
                },
              }}
            >
              <Button
                type="text"
                className="rs-header-button"
                icon={<UserOutlined />}
                aria-label={`${me.nameZh ?? me.username} · ${t('app.signOut')}`}
              >
                {!phone && (lang === 'zh' ? me.nameZh : me.nameEn)
                  ? lang === 'zh'
                    ? me.nameZh
                    : me.nameEn
                  : phone
                    ? null
                    : me.username}
              </Button>
            </Dropdown>
          ) : (
            // While the stored session is being checked, a signed-in user must not be offered 登录.
            !onLogin &&
            !loading && (
              <Button
                type="text"
                className="rs-header-button"
                icon={<AuditOutlined />}
                onClick={() => navigate('/login')}
              >
                {t('app.signIn')}
              </Button>
            )
          )}
        </Space>
      </Layout.Header>
      {/* Layout.Content would render a second <main>; this is the page's one. */}
      <main id="main" className="rs-main" tabIndex={-1} style={{ width: '100%' }}>
        <CalendarBanner />
        {children}
      </main>
      {!phone && (
        <Layout.Footer className="rs-footer">
          <Typography.Text type="secondary">{t('app.footer')}</Typography.Text>
        </Layout.Footer>
      )}
      {phone && items.length > 1 && nav}
    </Layout>
  );
}

/** 长辈版: a switch in the header, pressed while on (remembered per user: lib/large-text.tsx). */
function LargeTextToggle() {
  const { t } = useI18n();
  const large = useLargeText();
  return (
    <Button
      type="text"
      className="rs-header-button"
      icon={<FontSizeOutlined />}
      aria-pressed={large.on}
      aria-label={t('largeText.label')}
      title={t('largeText.toggle')}
      onClick={large.toggle}
      data-testid="large-text"
    >
      <span className="rs-large-text-label">{t('largeText.label')}</span>
    </Button>
  );
}
