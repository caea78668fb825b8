import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

export interface Tab {
  to: string;
  label: ReactNode;
  testId: string;
  /** Active only on this very path, not below it. */
  end?: boolean;
}

/** Tabs over related pages, the current one marked. */
export function Tabs({ label, tabs }: { label: string; tabs: Tab[] }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} className="tabs__link" data-testid={tab.testId}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
