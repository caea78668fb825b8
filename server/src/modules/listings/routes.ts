import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZCreateListingRequest,
  ZListing,
  ZListingsQuery,
  ZUpdateListingRequest,
} from '../../../../shared/src/schemas/listings.js';
import type { ListingsService } from './service.js';

export function listingsRoutes({ listings }: { listings: ListingsService }) {
  return [
    route({
      key: 'POST /listings',
      summary: 'Post a supply (generator) or demand (recycler) listing; its price passes the price check',
      tags: ['listings'],
      body: ZCreateListingRequest,
      response: ZListing,
      status: 201,
      handle: ({ actor, body }) => listings.createListing(actor, body),
    }),
    route({
      key: 'GET /listings',
      summary: 'Search listings: material, side, district, status, mode, org, Chinese text q; cursor pages',
      tags: ['listings'],
      query: ZListingsQuery,
      response: ZPage(ZListing),
      handle: ({ query }) => listings.listListings(query),
    }),
    route({
      key: 'GET /listings/:id',
      summary: 'One listing',
      tags: ['listings'],
      params: ZIdParams,
      response: ZListing,
      handle: ({ params }) => listings.getListing(params.id),
    }),
    route({
      key: 'PATCH /listings/:id',
      summary: 'Edit an open listing (owner); price, quantity, material, lot, pickup and close only before bids',
      tags: ['listings'],
      params: ZIdParams,
      body: ZUpdateListingRequest,
      response: ZListing,
      handle: ({ actor, params, body }) => listings.updateListing(actor, params.id, body),
    }),
    route({
      key: 'POST /listings/:id/cancel',
      summary: 'Cancel an open listing (owner); its active bids are lost',
      tags: ['listings'],
      params: ZIdParams,
      response: ZListing,
      handle: ({ actor, params }) => listings.cancelListing(actor, params.id),
    }),
  ];
}
