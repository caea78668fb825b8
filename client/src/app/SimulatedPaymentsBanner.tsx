import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { useI18n } from '../i18n';
import type { TMeta } from '../../../shared/src/schemas/meta.js';

/**
 * A banner on every page while payments are simulated (the demo, or production with
 * ALLOW_SIMULATED_PAYMENTS=true), so nobody takes a funded escrow for real money. Read once from the
 * public GET /meta; if that fails the page shows nothing rather than an error.
 */
export function SimulatedPaymentsBanner() {
  const { t } = useI18n();
  const [simulated, setSimulated] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    api
      .get<TMeta>('/meta', { signal: controller.signal })
      .then((meta) => setSimulated(meta.payments.simulated))
      .catch(() => {});
    return () => controller.abort();
  }, []);
  if (!simulated) return null;
  return (
    <div className="sim-banner" role="status" data-testid="simulated-payments-banner">
      {t('app.simulatedPayments')}
    </div>
  );
}
