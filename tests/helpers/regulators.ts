/**
 * The regulators the licence and oversight tests share: a Keqiao (330603) and a Zhuji (330681)
 * district regulator and a city regulator, made by the admin in a fresh app, and the two calls those
 * tests make as one of them.
 */
import { createTestApp, type TestApp } from './app.js';
import { adminToken, auth, createRegulator, type OrgActor } from './actors.js';

export interface RegulatorBench {
  t: TestApp;
  admin: string;
  /** Keqiao (330603): the district the tests' recyclers sit in unless a test says otherwise. */
  keqiao: OrgActor;
  /** Zhuji (330681): out of scope for Keqiao licences. */
  zhuji: OrgActor;
  city: OrgActor;
}

/** A new app with the admin's token and the three regulators. */
export async function regulatorBench(): Promise<RegulatorBench> {
  const t = await createTestApp();
  const admin = await adminToken(t.request);
  const keqiao = await createRegulator(t.request, ['330603'], admin);
  const zhuji = await createRegulator(t.request, ['330681'], admin);
  const city = await createRegulator(t.request, 'city', admin);
  return { t, admin, keqiao, zhuji, city };
}

/** POST and GET under /api/v1 as the holder of `token`, on the app `app()` returns when called. */
export function apiAs(app: () => TestApp) {
  return {
    post: (path: string, token: string, body: unknown = {}) =>
      app()
        .request.post(`/api/v1${path}`)
        .set(auth(token))
        .send(body as object),
    get: (path: string, token: string) => app().request.get(`/api/v1${path}`).set(auth(token)),
  };
}
