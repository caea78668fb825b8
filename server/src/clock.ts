import { randomUUID } from 'node:crypto';

/** Time and ids are injected into domain code so auctions, deadlines and expiry are testable. */
export interface Clock {
  now(): Date;
}
export interface Ids {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: Ids = { uuid: () => randomUUID() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
