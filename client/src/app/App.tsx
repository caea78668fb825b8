import { useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { createQueryClient } from '../lib/query';
import { I18nProvider } from '../i18n';
import { SessionProvider, useSession } from '../features/auth/session';
import { LiveFeedProvider } from '../features/realtime/LiveFeed';
import { lazyPage } from './lazyPage';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

// Each page is its own chunk, loaded when first routed to (issue 13 item 11: the first page's JavaScript
// stays small, and ECharts loads only with the pages that draw charts). Layout shows a fallback meanwhile.
const SignInPage = lazyPage(() => import('../features/auth/SignInPage'), 'SignInPage');
const ResetPasswordPage = lazyPage(() => import('../features/auth/ResetPasswordPage'), 'ResetPasswordPage');
const SignUpPage = lazyPage(() => import('../features/auth/SignUpPage'), 'SignUpPage');
const CataloguePage = lazyPage(() => import('../features/catalog/CataloguePage'), 'CataloguePage');
const MaterialPage = lazyPage(() => import('../features/catalog/MaterialPage'), 'MaterialPage');
const GradeMarketPage = lazyPage(() => import('../features/markets/GradeMarketPage'), 'GradeMarketPage');
const ListingPage = lazyPage(() => import('../features/listings/ListingPage'), 'ListingPage');
const MarketPage = lazyPage(() => import('../features/listings/MarketPage'), 'MarketPage');
const MyBidsPage = lazyPage(() => import('../features/listings/MyBidsPage'), 'MyBidsPage');
const MyListingsPage = lazyPage(() => import('../features/listings/MyListingsPage'), 'MyListingsPage');
const NewListingPage = lazyPage(() => import('../features/listings/NewListingPage'), 'NewListingPage');
const MyOrgPage = lazyPage(() => import('../features/org/MyOrgPage'), 'MyOrgPage');
const MyTradesPage = lazyPage(() => import('../features/trades/MyTradesPage'), 'MyTradesPage');
const TradePage = lazyPage(() => import('../features/trades/TradePage'), 'TradePage');
const RegulatorPage = lazyPage(() => import('../features/regulator/RegulatorPage'), 'RegulatorPage');
const ManifestPage = lazyPage(() => import('../features/manifests/ManifestPage'), 'ManifestPage');
const ManifestsPage = lazyPage(() => import('../features/manifests/ManifestsPage'), 'ManifestsPage');
const BankTransfersPage = lazyPage(() => import('../features/admin/BankTransfersPage'), 'BankTransfersPage');
const BalancesPage = lazyPage(() => import('../features/admin/BalancesPage'), 'BalancesPage');
const ClientsPage = lazyPage(() => import('../features/clients/ClientsPage'), 'ClientsPage');
const CreditAgencyPage = lazyPage(() => import('../features/credit/CreditAgencyPage'), 'CreditAgencyPage');
const CreditPage = lazyPage(() => import('../features/credit/CreditPage'), 'CreditPage');
const NotificationsPage = lazyPage(() => import('../features/notifications/NotificationsPage'), 'NotificationsPage');
const NotificationPreferencesPage = lazyPage(
  () => import('../features/notifications/PreferencesPage'),
  'NotificationPreferencesPage',
);
const LicencesPage = lazyPage(() => import('../features/licences/LicencesPage'), 'LicencesPage');
const LicenceReviewPage = lazyPage(() => import('../features/licences/LicenceReviewPage'), 'LicenceReviewPage');
const OrgLookupPage = lazyPage(() => import('../features/oversight/OrgLookupPage'), 'OrgLookupPage');
const OrgOversightPage = lazyPage(() => import('../features/oversight/OrgOversightPage'), 'OrgOversightPage');
const SanctionsPage = lazyPage(() => import('../features/oversight/SanctionsPage'), 'SanctionsPage');
const BandsPage = lazyPage(() => import('../features/oversight/BandsPage'), 'BandsPage');
const HomePage = lazyPage(() => import('../features/home/HomePage'), 'HomePage');
const AuthorityOrgsPage = lazyPage(() => import('../features/orgadmin/AuthorityOrgsPage'), 'AuthorityOrgsPage');
const PublicPage = lazyPage(() => import('../features/public/PublicPage'), 'PublicPage');
const CollectionPage = lazyPage(() => import('../features/collection/CollectionPage'), 'CollectionPage');
const RegulatorCollectionPage = lazyPage(
  () => import('../features/collection/RegulatorCollectionPage'),
  'RegulatorCollectionPage',
);

/**
 * "/": a signed-in user's to-do list (issue 13 item 6); a visitor goes to the catalogue without
 * loading the home page's chunk (the first page's JavaScript stays the catalogue's, item 11).
 */
function IndexRoute() {
  const { session } = useSession();
  if (session.status === 'loading') return null;
  return session.status === 'signedIn' ? <HomePage /> : <Navigate to="/catalog" replace />;
}

// Only pages that exist are routed; manifests, payments and the regulator's views arrive with their modules.
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider>
          <LiveFeedProvider>
            <BrowserRouter>
              <Routes>
                <Route element={<Layout />}>
                  <Route index element={<IndexRoute />} />
                  <Route path="catalog" element={<CataloguePage />} />
                  <Route path="catalog/:code" element={<MaterialPage />} />
                  <Route path="signin" element={<SignInPage />} />
                  <Route path="reset-password" element={<ResetPasswordPage />} />
                  <Route path="signup" element={<SignUpPage />} />
                  <Route path="org" element={<MyOrgPage />} />
                  <Route path="market" element={<MarketPage />} />
                  <Route path="markets/:code" element={<GradeMarketPage />} />
                  <Route path="listings/new" element={<NewListingPage />} />
                  <Route path="listings/:id" element={<ListingPage />} />
                  <Route path="trades" element={<MyTradesPage />} />
                  <Route path="trades/:id" element={<TradePage />} />
                  <Route path="manifests" element={<ManifestsPage />} />
                  <Route path="manifests/:id" element={<ManifestPage />} />
                  <Route path="my/listings" element={<MyListingsPage />} />
                  <Route path="my/bids" element={<MyBidsPage />} />
                  <Route path="admin/bank-transfers" element={<BankTransfersPage />} />
                  <Route path="admin/balances" element={<BalancesPage />} />
                  <Route path="admin/clients" element={<ClientsPage />} />
                  <Route path="admin/orgs" element={<AuthorityOrgsPage />} />
                  <Route path="credit/agency" element={<CreditAgencyPage />} />
                  <Route path="credit/:orgId" element={<CreditPage />} />
                  <Route path="regulator" element={<RegulatorPage />} />
                  <Route path="notifications" element={<NotificationsPage />} />
                  <Route path="notifications/preferences" element={<NotificationPreferencesPage />} />
                  <Route path="org/licences" element={<LicencesPage />} />
                  <Route path="regulator/licences" element={<LicenceReviewPage />} />
                  <Route path="regulator/orgs" element={<OrgLookupPage />} />
                  <Route path="regulator/orgs/:id" element={<OrgOversightPage />} />
                  <Route path="regulator/sanctions" element={<SanctionsPage />} />
                  <Route path="regulator/bands" element={<BandsPage />} />
                  <Route path="public" element={<PublicPage />} />
                  <Route path="collection" element={<CollectionPage />} />
                  <Route path="regulator/collection" element={<RegulatorCollectionPage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </BrowserRouter>
          </LiveFeedProvider>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
