import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import { ZBid, ZListingBids, ZMyBidsQuery, ZPlaceBidRequest } from '../../../../shared/src/schemas/bids.js';
import type { BidsService } from './service.js';

export function bidsRoutes({ bids }: { bids: BidsService }) {
  return [
    route({
      key: 'POST /listings/:id/bids',
      summary: 'Bid on a supply listing (recycler) or offer on a demand listing (generator); a fixed price matches at once',
      tags: ['bids'],
      params: ZIdParams,
      body: ZPlaceBidRequest,
      response: ZBid,
      status: 201,
      handle: ({ actor, params, body }) => bids.placeBid(actor, params.id, body),
    }),
    route({
      key: 'GET /listings/:id/bids',
      summary: "A listing's bids (owner, bidders); sealed on an open auction: the count and your own",
      tags: ['bids'],
      params: ZIdParams,
      response: ZListingBids,
      handle: ({ actor, params }) => bids.listBids(actor, params.id),
    }),
    route({
      key: 'GET /bids',
      summary: "Your organisation's bids, newest first",
      tags: ['bids'],
      query: ZMyBidsQuery,
      response: ZPage(ZBid),
      handle: ({ actor, query }) => bids.listMyBids(actor, query),
    }),
    route({
      key: 'POST /bids/:id/withdraw',
      summary: 'Withdraw your active bid while the listing is open',
      tags: ['bids'],
      params: ZIdParams,
      response: ZBid,
      handle: ({ actor, params }) => bids.withdrawBid(actor, params.id),
    }),
  ];
}
