/**
 * The manifest hash chain (DESIGN §6.8, RELIABILITY R2): each event's hash is
 * sha256(utf8(prevHash + canonical(event))), where canonical is the RFC 8785 (JCS) form of the event
 * and the first prevHash is 64 zeros. The audit recomputes it from the stored events, so a change
 * made behind the API's back (a stored weight edited in SQL) breaks the chain at that event.
 *
 * What is hashed is the event as stored, field by field (ChainedEvent below): the manifest id, the
 * position in the chain, the type, the time, who did it, and its data. The manifest row is only a
 * projection of these; it is not hashed.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);
/** Bumped if the hashed shape ever changes; stored in every event so old chains still verify. */
export const CHAIN_VERSION = 1;

export interface ChainedEvent {
  v: number;
  manifestId: string;
  /** 1, 2, 3 … within the manifest. */
  seq: number;
  type: string;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  actorOrgId: string | null;
  actorUserId: string | null;
  /** The event's own fields (weights, decision, note …); JSON only: no undefined, no floats on our paths. */
  data: Record<string, unknown>;
}

export function canonicalEvent(e: ChainedEvent): string {
  const c = canonicalize({
    v: e.v,
    manifestId: e.manifestId,
    seq: e.seq,
    type: e.type,
    at: e.at,
    actorOrgId: e.actorOrgId,
    actorUserId: e.actorUserId,
    data: e.data,
  });
  if (c === undefined) throw new Error('event is not serialisable to canonical JSON');
  return c;
}

export function chainHash(prevHash: string, e: ChainedEvent): string {
  return createHash('sha256')
    .update(prevHash + canonicalEvent(e), 'utf8')
    .digest('hex');
}

export interface StoredChainEvent extends ChainedEvent {
  prevHash: string;
  hash: string;
}

export type ChainVerdict =
  | { valid: true; lastHash: string }
  | { valid: false; brokenAt: number; reason: 'hash' | 'link' | 'sequence'; expected: string; found: string };

/**
 * Verifies stored events in order: positions 1…n without a gap, each prevHash the previous event's
 * hash (the first: 64 zeros), and each hash recomputed from the event's fields. The first failure
 * names the event (its seq).
 */
export function verifyChain(events: readonly StoredChainEvent[]): ChainVerdict {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1)
      return { valid: false, brokenAt: e.seq, reason: 'sequence', expected: String(i + 1), found: String(e.seq) };
    if (e.prevHash !== prev) return { valid: false, brokenAt: e.seq, reason: 'link', expected: prev, found: e.prevHash };
    const h = chainHash(prev, e);
    if (h !== e.hash) return { valid: false, brokenAt: e.seq, reason: 'hash', expected: h, found: e.hash };
    prev = e.hash;
  }
  return { valid: true, lastHash: prev };
}
