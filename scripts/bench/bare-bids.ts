/**
 * The anchor of `npm run bench:bids` (issue 15): the least a durable bid over HTTP can cost on this
 * stack. Express 5, pg, the same access-token check as ours (jsonwebtoken HS256 through a KeyObject,
 * issuer and audience pinned) and one INSERT committed per request, nothing else: no lock, no
 * checks, no outbox. Started as a child process by scripts/bench/bids.ts with DATABASE_URL,
 * JWT_SECRET and POOL_SIZE; prints `READY <url>`.
 */
import { createSecretKey } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET!, 'utf8'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
await pool.query(`create table if not exists bare_bids (
  id bigserial primary key, listing_id uuid not null, org_id text not null,
  price_per_tonne_fen bigint not null, quantity_kg integer not null, created_at timestamptz not null default now())`);

const app = express();
app.use(express.json());
app.post('/api/v1/listings/:id/bids', async (req, res) => {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  let claims: { sub?: string; org?: string };
  try {
    claims = jwt.verify(token ?? '', key, {
      algorithms: ['HS256'],
      issuer: 'zero-waste-exchange',
      audience: 'zwx-api',
    }) as typeof claims;
  } catch {
    res.status(401).json({ code: 'UNAUTHENTICATED' });
    return;
  }
  const { rows } = await pool.query(
    'insert into bare_bids (listing_id, org_id, price_per_tonne_fen, quantity_kg) values ($1, $2, $3, $4) returning id, created_at',
    [req.params.id, claims.org, req.body.pricePerTonneFen, req.body.quantityKg],
  );
  res.status(201).json({ id: String(rows[0].id), listingId: req.params.id, createdAt: rows[0].created_at });
});
const server = app.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`READY http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
