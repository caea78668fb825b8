import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registrationBody, uniqueEmail, PASSWORD } from '../helpers/actors.js';
import { countRows, createGenerator, steelListing } from '../helpers/trading.js';
import type { OrgActor } from '../helpers/actors.js';
import { one } from '../../server/src/db/tx.js';

type Res = {
  status: number;
  text: string;
  body: { error?: { code: string; details?: { fields?: { path: string; message: string }[] } } };
};

/** 400 VALIDATION_FAILED whose field list names `path`. */
function expectRefused(res: Res, path: string): void {
  expect(res.status, res.text).to.equal(400);
  expect(res.body.error?.code).to.equal('VALIDATION_FAILED');
  const paths = (res.body.error?.details?.fields ?? []).map((f) => f.path);
  expect(paths, res.text).to.include(path);
}

/** Issue 10 item 7: NUL, C0/C1 controls, bidi overrides and invisible-only values are 400 naming the field, never a 500. */
describe('security: text inputs refuse NUL, controls, bidi overrides and invisible-only values', () => {
  let t: TestApp;
  let g: OrgActor;
  const users = async () => Number((await one<{ n: string | number }>(t.ctx.db, sql`select count(*) as n from users`))!.n);
  const orgs = async () => Number((await one<{ n: string | number }>(t.ctx.db, sql`select count(*) as n from orgs`))!.n);

  before(async () => {
    t = await createTestApp();
    g = await createGenerator(t.request);
  });
  after(async () => {
    await t?.close();
  });

  const register = (mutate: (b: ReturnType<typeof registrationBody>) => void) => {
    const body = registrationBody();
    mutate(body);
    return t.request.post('/api/v1/auth/register').send(body);
  };

  it("a NUL in the registering user's name or the org name is 400 naming the field, and nothing is stored", async () => {
    const before = [await users(), await orgs()];
    expectRefused((await register((b) => (b.user.name = 'Wang\u0000Wei'))) as unknown as Res, 'user.name');
    expectRefused((await register((b) => (b.org.name = 'Steel\u0000Co'))) as unknown as Res, 'org.name');
    expectRefused((await register((b) => (b.user.password = 'correct-horse\u0000battery'))) as unknown as Res, 'user.password');
    expect([await users(), await orgs()]).to.deep.equal(before);
  });

  it('a NUL in the login email or password is 400 naming the field', async () => {
    expectRefused(
      (await t.request
        .post('/api/v1/auth/login')
        .send({ email: `a\u0000${uniqueEmail()}`, password: PASSWORD })) as unknown as Res,
      'email',
    );
    expectRefused(
      (await t.request.post('/api/v1/auth/login').send({ email: g.user.email, password: `${PASSWORD}\u0000` })) as unknown as Res,
      'password',
    );
  });

  it('a NUL in a listing description is 400 naming description, and no listing is created', async () => {
    const before = await countRows(t, 'listings');
    const res = await t.request
      .post('/api/v1/listings')
      .set(auth(g.token))
      .send(steelListing({ description: '重废钢\u0000自提' }));
    expectRefused(res as unknown as Res, 'description');
    expect(await countRows(t, 'listings')).to.equal(before);
  });

  it('a NUL in ?q=, in another query value or in a path parameter is 400 naming it', async () => {
    expectRefused((await t.request.get('/api/v1/listings?q=%00').set(auth(g.token))) as unknown as Res, 'query.q');
    expectRefused((await t.request.get('/api/v1/catalog/materials?q=steel%00').set(auth(g.token))) as unknown as Res, 'query.q');
    expectRefused(
      (await t.request.get('/api/v1/catalog/materials/SW17%0001').set(auth(g.token))) as unknown as Res,
      'params.code',
    );
    expectRefused((await t.request.get('/api/v1/listings?cursor=%01abc').set(auth(g.token))) as unknown as Res, 'query.cursor');
    // A query parameter the schema does not know is still checked before the schema refuses it.
    const unknown = await t.request.get('/api/v1/listings?zz%00=1').set(auth(g.token));
    expect(unknown.status, unknown.text).to.equal(400);
  });

  it('a path parameter that is not valid percent-encoding is 400, not a 500', async () => {
    for (const path of ['/api/v1/listings/%E0%A4%A', '/api/v1/catalog/materials/%ZZ']) {
      const res = await t.request.get(path).set(auth(g.token));
      expect(res.status, `${path}: ${res.text}`).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });

  it('C1 controls, DEL, bidi overrides and isolates are refused in names and descriptions', async () => {
    for (const [value, field] of [
      ['Acme\u0085Steel', 'org.name'],
      ['Acme\u009bSteel', 'org.name'],
      ['Acme\u007fSteel', 'org.name'],
      ['Acme \u202eleetS', 'org.name'],
      ['Acme \u2067Steel\u2069', 'org.name'],
    ] as const)
      expectRefused((await register((b) => (b.org.name = value))) as unknown as Res, field);
    const res = await t.request
      .post('/api/v1/listings')
      .set(auth(g.token))
      .send(steelListing({ description: 'pickup \u202Etxt.exe' }));
    expectRefused(res as unknown as Res, 'description');
  });

  it('an unpaired surrogate (invalid Unicode) is refused rather than stored as U+FFFD', async () => {
    expectRefused((await register((b) => (b.org.name = 'Acme \uD800 Steel'))) as unknown as Res, 'org.name');
  });

  it('a forged cursor whose decoded values hold a NUL, or a non-uuid id, is 400 naming cursor', async () => {
    const nul = Buffer.from(JSON.stringify(['SW\u0000'])).toString('base64url');
    expectRefused(
      (await t.request.get(`/api/v1/catalog/materials?cursor=${nul}`).set(auth(g.token))) as unknown as Res,
      'cursor',
    );
    const admin = (await t.request.post('/api/v1/auth/login').send({ email: ADMIN.email, password: ADMIN.password })).body
      .accessToken as string;
    const badId = Buffer.from(JSON.stringify([new Date().toISOString(), 'not-a-uuid'])).toString('base64url');
    expectRefused(
      (await t.request.get(`/api/v1/payments/bank-transfers?cursor=${badId}`).set(auth(admin))) as unknown as Res,
      'cursor',
    );
  });

  it('a value of only zero-width characters is refused as if empty', async () => {
    expectRefused((await register((b) => (b.user.name = '\u200B\u200C\u200D'))) as unknown as Res, 'user.name');
    expectRefused((await register((b) => (b.org.name = ' \uFEFF '))) as unknown as Res, 'org.name');
  });

  it('single-line fields refuse tabs and line breaks; multi-line fields keep \\n, \\r\\n and \\t', async () => {
    expectRefused((await register((b) => (b.org.name = 'Acme\nSteel'))) as unknown as Res, 'org.name');
    expectRefused((await register((b) => (b.user.name = 'Wang\tWei'))) as unknown as Res, 'user.name');
    const res = await t.request
      .post('/api/v1/listings')
      .set(auth(g.token))
      .send(steelListing({ description: '重废钢\n\t厂区自提\r\n周一至周五', address: '柯桥区\n某工业园 3 号' }));
    expect(res.status, res.text).to.equal(201);
    expect(res.body.description).to.equal('重废钢\n\t厂区自提\r\n周一至周五');
  });

  it('names keep ordinary Unicode: Chinese, accents, a joiner inside an emoji', async () => {
    const res = await register((b) => {
      b.org.name = '绍兴市柯桥区再生资源回收有限公司';
      b.user.name = '王小明 · José 👩‍🔧';
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.user.name).to.equal('王小明 · José 👩‍🔧');
  });

  it('a body nested deeper than any schema is a 400, not a stack overflow', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5_000; i++) deep = { a: deep };
    const res = await t.request
      .post('/api/v1/listings')
      .set(auth(g.token))
      .send(steelListing({ analysis: deep }));
    expect(res.status, res.text).to.equal(400);
  });
});
