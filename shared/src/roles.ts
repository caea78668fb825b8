/** Org roles a company can self-register with. */
export const TRADING_ROLES = ['generator', 'recycler', 'carrier', 'collector'] as const;
/** Roles only an admin can grant (POST /admin/orgs). */
export const AUTHORITY_ROLES = ['regulator', 'credit_agency'] as const;
export const ROLES = [...TRADING_ROLES, ...AUTHORITY_ROLES, 'admin'] as const;

export type TradingRole = (typeof TRADING_ROLES)[number];
export type Role = (typeof ROLES)[number];

/** A regulator's scope: the whole city or a list of district codes. */
export type RegulatorScope = 'city' | string[];
