import { useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { createQueryClient } from '../lib/query';
import { I18nProvider } from '../i18n';
import { SessionProvider } from '../features/auth/session';
import { SignInPage } from '../features/auth/SignInPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { CataloguePage } from '../features/catalog/CataloguePage';
import { MaterialPage } from '../features/catalog/MaterialPage';
import { ListingPage } from '../features/listings/ListingPage';
import { MarketPage } from '../features/listings/MarketPage';
import { MyBidsPage } from '../features/listings/MyBidsPage';
import { MyListingsPage } from '../features/listings/MyListingsPage';
import { NewListingPage } from '../features/listings/NewListingPage';
import { MyOrgPage } from '../features/org/MyOrgPage';
import { LiveFeedProvider } from '../features/realtime/LiveFeed';
import { MyTradesPage } from '../features/trades/MyTradesPage';
import { TradePage } from '../features/trades/TradePage';
import { RegulatorPage } from '../features/regulator/RegulatorPage';
import { ManifestPage } from '../features/manifests/ManifestPage';
import { ManifestsPage } from '../features/manifests/ManifestsPage';
import { BankTransfersPage } from '../features/admin/BankTransfersPage';
import { BalancesPage } from '../features/admin/BalancesPage';
import { CreditAgencyPage } from '../features/credit/CreditAgencyPage';
import { CreditPage } from '../features/credit/CreditPage';
import { NotificationsPage } from '../features/notifications/NotificationsPage';
import { NotificationPreferencesPage } from '../features/notifications/PreferencesPage';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

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
                  <Route index element={<Navigate to="/catalog" replace />} />
                  <Route path="catalog" element={<CataloguePage />} />
                  <Route path="catalog/:code" element={<MaterialPage />} />
                  <Route path="signin" element={<SignInPage />} />
                  <Route path="reset-password" element={<ResetPasswordPage />} />
                  <Route path="signup" element={<SignUpPage />} />
                  <Route path="org" element={<MyOrgPage />} />
                  <Route path="market" element={<MarketPage />} />
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
                  <Route path="credit/agency" element={<CreditAgencyPage />} />
                  <Route path="credit/:orgId" element={<CreditPage />} />
                  <Route path="regulator" element={<RegulatorPage />} />
                  <Route path="notifications" element={<NotificationsPage />} />
                  <Route path="notifications/preferences" element={<NotificationPreferencesPage />} />
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
