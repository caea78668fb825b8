import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { I18nProvider } from '../i18n';
import { SessionProvider } from '../features/auth/session';
import { SignInPage } from '../features/auth/SignInPage';
import { SignUpPage } from '../features/auth/SignUpPage';
import { CataloguePage } from '../features/catalog/CataloguePage';
import { MaterialPage } from '../features/catalog/MaterialPage';
import { MyOrgPage } from '../features/org/MyOrgPage';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

// Only pages that exist are routed; the market, trades and manifests arrive with their modules.
export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<Navigate to="/catalog" replace />} />
              <Route path="catalog" element={<CataloguePage />} />
              <Route path="catalog/:code" element={<MaterialPage />} />
              <Route path="signin" element={<SignInPage />} />
              <Route path="signup" element={<SignUpPage />} />
              <Route path="org" element={<MyOrgPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
