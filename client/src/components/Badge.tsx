import type { ReactNode } from 'react';

export type BadgeTone = 'danger' | 'warning' | 'neutral' | 'info' | 'success' | 'muted';

export function Badge({
  tone = 'neutral',
  children,
  testId,
  title,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  testId?: string;
  title?: string;
}) {
  return (
    <span className={`badge badge--${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}
