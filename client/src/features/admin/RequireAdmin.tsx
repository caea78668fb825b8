import type { ReactNode } from 'react';
import { Alert } from '../../components/Alert';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { usePaymentsText } from '../payments/messages';

/** Renders its children for the platform admin; anyone else signed in sees why not. */
export function RequireAdmin({ children }: { children: (me: Me) => ReactNode }) {
  const pt = usePaymentsText();
  return (
    <RequireSignIn>
      {(me) =>
        me.roles.includes('admin') ? (
          children(me)
        ) : (
          <div className="page">
            <Alert testId="admin-only">{pt('admin.only')}</Alert>
          </div>
        )
      }
    </RequireSignIn>
  );
}
