import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TAnalysis,
  TAnalysisKind,
  TCreateListingRequest,
  THazard,
  TListing,
  TListingMode,
  TListingSide,
  TListingStatus,
} from '../../../../shared/src/schemas/listings.js';
import type { TBid, TBidStatus, TListingBids, TPlaceBidRequest } from '../../../../shared/src/schemas/bids.js';
import type { TReferenceBand } from '../../../../shared/src/schemas/prices.js';
import type { DistrictCode } from '../../../../shared/src/districts.js';

// Types only: the zod schemas stay on the server, out of the browser bundle.
export type Listing = TListing;
export type ListingSide = TListingSide;
export type ListingMode = TListingMode;
export type ListingStatus = TListingStatus;
export type Bid = TBid;
export type BidStatus = TBidStatus;
export type ListingBids = TListingBids;
export type CreateListingBody = TCreateListingRequest;
export type PlaceBidBody = TPlaceBidRequest;
export type ReferenceBand = TReferenceBand;
export type Analysis = TAnalysis;
export type AnalysisKind = TAnalysisKind;
export type Hazard = THazard;
export type Page<T> = TPage<T>;

/**
 * Mirrors of the shared enums (shared/src/schemas/listings.ts, bids.ts), type-checked against them
 * with `satisfies` so a change there fails the client's type check instead of drifting.
 */
export const SIDES = ['supply', 'demand'] as const satisfies readonly ListingSide[];
export const MODES = ['fixed', 'auction'] as const satisfies readonly ListingMode[];
export const LISTING_STATUSES = ['open', 'matched', 'closed', 'cancelled', 'expired'] as const satisfies readonly ListingStatus[];
export const BID_STATUSES = ['active', 'won', 'lost', 'withdrawn'] as const satisfies readonly BidStatus[];
export const HAZARD_CHARACTERISTICS = ['T', 'C', 'I', 'R', 'In'] as const satisfies readonly Hazard['characteristics'][number][];
export const PHYSICAL_FORMS = ['solid', 'semi_solid', 'liquid', 'gas'] as const satisfies readonly Hazard['form'][];
export const PACKAGINGS = ['bulk', 'bag', 'ton_bag', 'drum', 'ibc', 'tank', 'box', 'other'] as const satisfies readonly Hazard['packaging'][];
export const CLASSIFIED_MATERIAL = 'WS-CLASSIFIED';

/** Mirror of `analysisKindFor` in shared/src/schemas/listings.ts: which lab fields suit a material. */
export function analysisKindFor(materialCode: string, category: string | null): AnalysisKind | null {
  if (materialCode === CLASSIFIED_MATERIAL) return 'waste_salt';
  if (category === 'HW18') return 'fly_ash';
  if (category === 'HW08' || category === 'HW09') return 'mineral_oil';
  if (category === 'HW17' || category === 'SW07' || materialCode === 'SW15-01') return 'sludge';
  if (['SW01', 'SW02', 'SW03', 'SW04', 'SW05', 'SW06', 'SW09', 'SW10', 'SW11'].includes(category ?? '')) return 'slag';
  if (category === 'SW14' || materialCode === 'HH-01') return 'fabric';
  return null;
}

export interface ListingsFilter {
  material?: string;
  side?: ListingSide;
  district?: DistrictCode;
  /** undefined = any status. */
  status?: ListingStatus;
  mode?: ListingMode;
  orgId?: string;
  q?: string;
}

export const PAGE_SIZE = 20;

export const listingsApi = {
  list: (filter: ListingsFilter, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Listing>>('/listings', { query: { ...filter, cursor, limit: PAGE_SIZE }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Listing>(`/listings/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateListingBody) => api.post<Listing>('/listings', body),
  cancel: (id: string) => api.post<Listing>(`/listings/${encodeURIComponent(id)}/cancel`, {}),
  bids: (id: string, signal?: AbortSignal) => api.get<ListingBids>(`/listings/${encodeURIComponent(id)}/bids`, { signal }),
  placeBid: (id: string, body: PlaceBidBody) => api.post<Bid>(`/listings/${encodeURIComponent(id)}/bids`, body),
  myBids: (status: BidStatus | undefined, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Bid>>('/bids', { query: { status, cursor, limit: PAGE_SIZE }, signal }),
  withdrawBid: (bidId: string) => api.post<Bid>(`/bids/${encodeURIComponent(bidId)}/withdraw`, {}),
};

/** Query keys (lib/query.ts); ['listings'] and ['bids'] are what the live feed invalidates. */
export const listingKeys = {
  list: (label: string) => ['listings', 'list', label] as const,
  detail: (id: string) => ['listings', 'detail', id] as const,
  bids: (id: string) => ['listings', 'bids', id] as const,
  myBids: (status: string) => ['bids', 'mine', status] as const,
  reference: (code: string) => ['prices', 'reference', code] as const,
};

export const pricesApi = {
  /** The band, or null when the material has none (404). */
  reference: async (code: string, signal?: AbortSignal): Promise<ReferenceBand | null> => {
    try {
      return await api.get<ReferenceBand>(`/prices/reference/${encodeURIComponent(code)}`, { signal });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  },
};
