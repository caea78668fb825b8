import type { Role, RegulatorScope } from '../../../shared/src/roles.js';

/**
 * Who is calling. The route layer (route.ts) authenticates the request and hands each handler the
 * kind of actor its policy entry admits, so a protected handler never sees null; services take an
 * actor, never `req`.
 */

/** A signed-in person acting for their organisation, or the platform admin (no organisation). */
export interface UserActor {
  userId: string;
  /** null for the platform admin, who belongs to no org. */
  orgId: string | null;
  roles: Role[];
  orgRole: 'owner' | 'member';
  scope: RegulatorScope | null;
}

/**
 * A machine client (the government's solid-waste platform, a credit agency's system) that acts
 * within its granted scopes only, never with a person's roles. User routes refuse it.
 */
export interface ClientActor {
  clientId: string;
  scopes: readonly string[];
}

/** The authenticated subject of a request: a user or a machine client. */
export type Actor = UserActor | ClientActor;

export function isUserActor(actor: Actor): actor is UserActor {
  return 'userId' in actor;
}
