/** Reading listings: the market search and one listing, each with its owner's credit level. */
import { encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import { type TListing, type TListingsQuery } from '../../../../shared/src/schemas/listings.js';
import { readCreditLevels } from '../credit/index.js';
import { listingNotFound } from './errors.js';
import * as repo from './repo.js';

import { toListing, beforeSeqFromCursor, type ListingsDeps } from './kit.js';

export function createListingReads(deps: ListingsDeps) {
  const { db } = deps;
  return {
    async listListings(q: TListingsQuery): Promise<TPage<TListing>> {
      const rows = await repo.searchListings(db, {
        ...(q.material ? { material: q.material } : {}),
        ...(q.stream ? { stream: q.stream } : {}),
        ...(q.side ? { side: q.side } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.orgId ? { orgId: q.orgId } : {}),
        ...(q.q ? { q: q.q } : {}),
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const levels = await readCreditLevels(
        db,
        page.map((r) => r.orgId),
      );
      return {
        items: page.map((r) => ({ ...toListing(r), ownerCreditLevel: levels.get(r.orgId)! })),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    async getListing(id: string): Promise<TListing> {
      const row = await repo.findListing(db, id);
      if (!row) throw listingNotFound();
      return { ...toListing(row), ownerCreditLevel: (await readCreditLevels(db, [row.orgId])).get(row.orgId)! };
    },
  };
}
