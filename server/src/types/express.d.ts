import type { Actor } from '../http/actor.js';

declare global {
  namespace Express {
    interface Request {
      actor?: Actor;
    }
  }
}
export {};
