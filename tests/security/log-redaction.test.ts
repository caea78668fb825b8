import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { registrationBody, PASSWORD, registerOrg, auth } from '../helpers/actors.js';
import { createLogger } from '../../server/src/logger.js';

/**
 * Issue 10 item 7: a failed statement's parameters (an argon2 hash, an email) and secrets in log
 * objects never reach the log. The app logs to an in-memory stream here.
 */
describe('security: logs hold no secrets', () => {
  let t: TestApp;
  const lines: string[] = [];
  before(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'info' }, logDestination: { write: (s: string) => void lines.push(s) } });
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => {
    lines.length = 0;
  });
  const log = () => lines.join('');

  it('a NUL in a registration is a 400 and leaves no password, hash or email in the log', async () => {
    const body = registrationBody();
    body.user.name = 'Wang\u0000Wei';
    const res = await t.request.post('/api/v1/auth/register').send(body);
    expect(res.status, res.text).to.equal(400);
    expect(log()).to.contain(res.body.requestId);
    expect(log()).to.not.contain('$argon2');
    expect(log()).to.not.contain(PASSWORD);
    expect(log()).to.not.contain(body.user.email);
  });

  it('a database error is logged with its SQL and code but without its parameters', async () => {
    // Force the INSERT into users to fail after the password was hashed: its parameters hold the hash,
    // and PostgreSQL's detail ("Failing row contains …") the whole row.
    await t.ctx.db.execute(
      sql.raw(`alter table users add constraint test_forced_failure check (name <> 'force a database error')`),
    );
    const body = registrationBody();
    body.user.name = 'force a database error';
    let res;
    try {
      res = await t.request.post('/api/v1/auth/register').send(body);
    } finally {
      await t.ctx.db.execute(sql.raw('alter table users drop constraint test_forced_failure'));
    }
    expect(res.status, res.text).to.equal(500);
    const errorLine = lines
      .map((l) => JSON.parse(l) as { msg?: string; err?: { message?: string } })
      .find((l) => l.msg === 'unhandled error');
    expect(errorLine, 'the failure is logged').to.not.equal(undefined);
    expect(errorLine!.err?.message).to.match(/insert into "users"/i);
    expect(log()).to.not.contain('$argon2');
    expect(log()).to.not.contain(PASSWORD);
    expect(log()).to.not.contain(body.user.email);
  });

  it('passwords, hashes, tokens, secrets and authorization headers in logged objects are redacted', () => {
    const out: string[] = [];
    const logger = createLogger('info', 'zwx', { write: (s: string) => void out.push(s) });
    logger.info(
      {
        password: 'pw-top-level',
        body: { user: { password: 'pw-nested' }, refreshToken: 'rt-secret', secret: 'webhook-secret' },
        user: { passwordHash: '$argon2id$v=19$m=19456' },
        req: { headers: { authorization: 'Bearer eyJhbGciOi', cookie: 'zwx_rt=abc' } },
        token: 'access-token-value',
      },
      'something happened',
    );
    const text = out.join('');
    for (const secret of [
      'pw-top-level',
      'pw-nested',
      'rt-secret',
      'webhook-secret',
      '$argon2id',
      'eyJhbGciOi',
      'zwx_rt=abc',
      'access-token-value',
    ])
      expect(text, secret).to.not.contain(secret);
    expect(text).to.contain('something happened');
  });

  it('a signed-in request that fails leaves no bearer token in the log', async () => {
    const g = await registerOrg(t.request);
    lines.length = 0;
    const res = await t.request.get('/api/v1/listings?q=%00').set(auth(g.token));
    expect(res.status).to.be.lessThan(500);
    expect(log()).to.not.contain(g.token);
  });
});
