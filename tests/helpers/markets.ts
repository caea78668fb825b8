/** Market test helpers: orders through the public API on the heavy scrap steel market (lot 5 t, tick 1 000 fen/t). */
import { expect } from 'chai';
import type { TestApp } from './app.js';
import { auth, type OrgActor } from './actors.js';
import type { TMarketBook, TOrder } from '../../shared/src/schemas/markets.js';

type Request = TestApp['request'];

/** Heavy scrap steel: a standardised grade with a seeded band of 254 000 … 263 000 fen/t. */
export const STEEL = 'SW17-01';

export function order(request: Request, who: OrgActor, body: Record<string, unknown>, code = STEEL) {
  return request
    .post(`/api/v1/markets/${code}/orders`)
    .set(auth(who.token))
    .send({ district: who.org.district, ...body });
}

export async function placeOrder(request: Request, who: OrgActor, body: Record<string, unknown>, code = STEEL): Promise<TOrder> {
  const res = await order(request, who, body, code);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as TOrder;
}

export async function book(request: Request, code = STEEL): Promise<TMarketBook> {
  const res = await request.get(`/api/v1/markets/${code}/book?levels=100`);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body as TMarketBook;
}
