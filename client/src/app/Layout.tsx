import { Suspense } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n';
import { useSession } from '../features/auth/session';
import { SimulatedPaymentsBanner } from './SimulatedPaymentsBanner';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { useRouteFocus } from './useRouteFocus';

/** Header (product, navigation, language, account), the page, and the footer. */
export function Layout() {
  const { t } = useI18n();
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const me = session.status === 'signedIn' ? session.me : null;
  const location = useLocation();
  useRouteFocus();
  const canPost = !!me?.roles.some((r) => r === 'generator' || r === 'recycler');
  // 我的交易 covers the org's trades, listings and bids (one set of tabs).
  const inMyTrading = /^\/(trades|my)(\/|$)/.test(location.pathname);

  async function onSignOut() {
    await signOut();
    navigate('/signin', { replace: true });
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <SimulatedPaymentsBanner />
      <header className="header">
        <div className="header__inner">
          <Link to="/" className="brand" data-testid="brand">
            <span className="brand__mark" aria-hidden="true">
              ♻
            </span>
            <span className="brand__text">
              <span className="brand__name">{t('app.name')}</span>
              <span className="brand__tagline">{t('app.tagline')}</span>
            </span>
          </Link>
          <nav className="nav" aria-label={t('nav.main')}>
            <NavLink to="/market" className="nav__link" data-testid="nav-market">
              {t('nav.market')}
            </NavLink>
            {canPost && (
              <NavLink to="/listings/new" className="nav__link" data-testid="nav-new-listing">
                {t('nav.newListing')}
              </NavLink>
            )}
            {me && (
              <NavLink
                to="/trades"
                className={() => `nav__link${inMyTrading ? ' active' : ''}`}
                aria-current={inMyTrading ? 'page' : undefined}
                data-testid="nav-trades"
              >
                {t('nav.myTrades')}
              </NavLink>
            )}
            {me && (
              <NavLink to="/manifests" className="nav__link" data-testid="nav-manifests">
                {t('nav.manifests')}
              </NavLink>
            )}
            {me?.roles.includes('regulator') && (
              <NavLink to="/regulator" className="nav__link" data-testid="nav-regulator">
                {t('nav.regulator')}
              </NavLink>
            )}
            {me?.roles.some((r) => r === 'regulator' || r === 'admin') && (
              <>
                <NavLink to="/regulator/licences" className="nav__link" data-testid="nav-licence-review">
                  {t('nav.licenceReview')}
                </NavLink>
                <NavLink to="/regulator/orgs" end={false} className="nav__link" data-testid="nav-oversight">
                  {t('nav.oversight')}
                </NavLink>
              </>
            )}
            {me?.roles.some((r) => r === 'generator' || r === 'collector') && (
              <NavLink to="/collection" className="nav__link" data-testid="nav-collection">
                {t('nav.collection')}
              </NavLink>
            )}
            {me?.roles.includes('regulator') && (
              <NavLink to="/regulator/collection" className="nav__link" data-testid="nav-regulator-collection">
                {t('nav.regCollection')}
              </NavLink>
            )}
            <NavLink to="/catalog" className="nav__link" data-testid="nav-catalogue">
              {t('nav.catalogue')}
            </NavLink>
            {me?.roles.some((r) => r === 'credit_agency' || r === 'regulator') && (
              <NavLink to="/credit/agency" className="nav__link" data-testid="nav-credit">
                {t('nav.credit')}
              </NavLink>
            )}
            {me?.roles.includes('admin') && (
              <>
                <NavLink to="/admin/bank-transfers" className="nav__link" data-testid="nav-admin-bank-transfers">
                  {t('nav.adminBankTransfers')}
                </NavLink>
                <NavLink to="/admin/balances" className="nav__link" data-testid="nav-admin-balances">
                  {t('nav.adminBalances')}
                </NavLink>
                <NavLink to="/admin/orgs" className="nav__link" data-testid="nav-admin-orgs">
                  {t('orgAdmin.nav')}
                </NavLink>
                <NavLink to="/admin/clients" className="nav__link" data-testid="nav-admin-clients">
                  {t('clients.nav')}
                </NavLink>
              </>
            )}
            {me?.org && (
              <NavLink to="/org" className="nav__link" data-testid="nav-org">
                {t('nav.myOrg')}
              </NavLink>
            )}
            {me?.org?.roles.some((r) => r === 'recycler' || r === 'carrier' || r === 'collector') && (
              <NavLink to="/org/licences" className="nav__link" data-testid="nav-licences">
                {t('nav.licences')}
              </NavLink>
            )}
          </nav>
          <div className="header__actions">
            <LanguageSwitch />
            {me && <NotificationBell />}
            {session.status === 'loading' ? null : me ? (
              <div className="account" data-testid="account">
                <span className="account__who">
                  <span className="visually-hidden">{t('auth.account')} </span>
                  <span className="account__name" data-testid="account-name">
                    {me.user.name}
                  </span>
                  {me.org && (
                    <span className="account__org" data-testid="account-org">
                      {me.org.name}
                    </span>
                  )}
                </span>
                <button type="button" className="btn btn--secondary btn--small" onClick={onSignOut} data-testid="sign-out">
                  {t('auth.signOut')}
                </button>
              </div>
            ) : (
              <div className="account">
                <Link to="/signin" className="btn btn--ghost btn--small" data-testid="nav-signin">
                  {t('auth.signIn')}
                </Link>
                <Link to="/signup" className="btn btn--primary btn--small" data-testid="nav-signup">
                  {t('auth.signUp')}
                </Link>
              </div>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {/* Pages are lazy chunks (App.tsx); the header stays while one loads. */}
        <Suspense
          fallback={
            <p role="status" className="muted" data-testid="page-loading">
              {t('common.loading')}
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
