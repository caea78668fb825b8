import { markStale, useWrite } from '../../lib/query';
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

// The lists and the analysis-kind rule come from the server's own zod-free module, never copied.
export {
  LISTING_SIDES as SIDES,
  LISTING_MODES as MODES,
  LISTING_STATUSES,
  BID_STATUSES,
  HAZARD_CHARACTERISTICS,
  PHYSICAL_FORMS,
  PACKAGINGS,
  CLASSIFIED_MATERIAL,
  analysisKindFor,
} from '../../../../shared/src/enums.js';

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
  update: (v: { id: string; body: Record<string, unknown> }) =>
    api.patch<Listing>(`/listings/${encodeURIComponent(v.id)}`, v.body),
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

// Writes (lib/query.ts useWrite): what each one changes is read again.
export const useCreateListing = () =>
  useWrite(listingsApi.create, (client, listing) => {
    client.setQueryData(listingKeys.detail(listing.id), listing);
    markStale(client, [['listings', 'list']]);
  });
export const useCancelListing = () =>
  useWrite(listingsApi.cancel, (client, listing) => {
    client.setQueryData(listingKeys.detail(listing.id), listing);
    markStale(client, [['listings', 'list']]);
  });
export const useUpdateListing = () =>
  useWrite(listingsApi.update, (client, listing) => {
    client.setQueryData(listingKeys.detail(listing.id), listing);
    markStale(client, [['listings', 'list']]);
  });
/** A bid changes the listing (count, remaining, status), its bids and ours; a match makes a trade. */
export const usePlaceBid = () =>
  useWrite(
    (v: { listingId: string; body: PlaceBidBody }) => listingsApi.placeBid(v.listingId, v.body),
    (client, bid) => markStale(client, [['listings'], ['bids'], ...(bid.tradeIds.length ? [['trades']] : [])]),
  );
