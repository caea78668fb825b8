import type { Actor } from '../modules/auth/tokens.js';

declare global {
  namespace Express {
    interface Request {
      actor?: Actor;
    }
  }
}
export {};
