/**
 * A believable Shaoxing demo: dyeing mills in Keqiao, a paper mill in Shengzhou, licensed disposers
 * named in the pilot plan with their planned capacities, a carrier, city and district regulators and
 * a credit agency. Idempotent: an org already there (by USCC) is left as it is. Demo logins are
 * documented in docs/demo.md.
 */
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../server/src/context.js';
import { orgs, users } from '../../server/src/db/schema.js';
import { recordAudit } from '../../server/src/db/audit.js';
import { inTransaction } from '../../server/src/db/tx.js';
import { actorOf } from '../../server/src/modules/auth/service.js';
import { USCC_CHARSET, usccCheckCharacter } from '../../shared/src/uscc.js';
import type { Role, TradingRole } from '../../shared/src/roles.js';
import type { DistrictCode } from '../../shared/src/districts.js';
import type { UserActor } from '../../server/src/http/actor.js';
import { ZCreateListingRequest, ZListingsQuery } from '../../shared/src/schemas/listings.js';
import { ZPlaceBidRequest } from '../../shared/src/schemas/bids.js';

export const DEMO_PASSWORD = 'demo-password-2026';

/**
 * A valid USCC for a demo org: authority 9, type 1, the district's division code, a 9-character org
 * code, and the check character from the shared §6.4 function. The seed writes through the services,
 * past the API's check, so an org code with a letter outside the charset (I, O, S, V, Z) must stop the
 * seed here: before, it printed as `…MA2D0Z007null` on the org page, the manifest and its PDF.
 */
export function demoUscc(district: string, orgCode: string): string {
  const division = /^\d{6}$/.test(district) ? district : '330600';
  const first17 = `91${division}${orgCode}`;
  const check = usccCheckCharacter(first17);
  if (check === null)
    throw new Error(`demo org code ${orgCode}: a USCC has 17 characters from ${USCC_CHARSET} before its check character`);
  return first17 + check;
}

interface DemoOrg {
  key: string;
  name: string;
  district: DistrictCode;
  roles: Role[];
  email: string;
  person: string;
  orgCode: string;
  /** The code an earlier seed stored for this org (its check character written as "null"); corrected in place. */
  formerUscc?: string;
  scope?: 'city' | DistrictCode[];
  licences?: { number: string; kind: 'disposal' | 'transport'; wasteCodes: string[]; annualCapacityKg: number }[];
}

const year = new Date().getFullYear();

export const DEMO_ORGS: DemoOrg[] = [
  {
    key: 'keqiao-dyeing',
    name: '绍兴柯桥印染集团有限公司',
    district: '330603',
    roles: ['generator'],
    email: 'dyeing@demo.zwx',
    person: '王建国',
    orgCode: 'MA2D0K001',
  },
  {
    key: 'keqiao-textile',
    name: '柯桥区华纺织造有限公司',
    district: '330603',
    roles: ['generator'],
    email: 'textile@demo.zwx',
    person: '陈丽',
    orgCode: 'MA2D0K002',
  },
  {
    key: 'shengzhou-paper',
    name: '嵊州市清风造纸有限公司',
    district: '330683',
    roles: ['generator'],
    email: 'paper@demo.zwx',
    person: '赵志强',
    orgCode: 'MA2D0E003',
    formerUscc: '91330683MA2D0S003null',
  },
  {
    key: 'shangyu-chem',
    name: '上虞精细化工有限公司',
    district: '330604',
    roles: ['generator'],
    email: 'chem@demo.zwx',
    person: '孙海燕',
    orgCode: 'MA2D0C004',
  },
  {
    key: 'yuecheng-incineration',
    name: '绍兴市循环生态产业园焚烧厂',
    district: '330602',
    roles: ['generator'],
    email: 'incinerator@demo.zwx',
    person: '钱伟',
    orgCode: 'MA2D0Y005',
  },
  {
    key: 'feile-landfill',
    name: '柯桥区飞乐环保科技有限公司',
    district: '330603',
    roles: ['recycler'],
    email: 'feile@demo.zwx',
    person: '周敏',
    orgCode: 'MA2D0F006',
    licences: [
      {
        number: `浙危废经第3306${year}01号`,
        kind: 'disposal',
        wasteCodes: ['HW17', 'HW18', 'HW49'],
        annualCapacityKg: 20_000_000,
      },
    ],
  },
  {
    key: 'zhuji-cement',
    name: '诸暨市水泥窑协同处置有限公司',
    district: '330681',
    roles: ['recycler'],
    email: 'cement@demo.zwx',
    person: '吴刚',
    orgCode: 'MA2D0J007',
    formerUscc: '91330681MA2D0Z007null',
    licences: [
      { number: `浙危废经第3306${year}02号`, kind: 'disposal', wasteCodes: ['HW17', 'HW18'], annualCapacityKg: 30_000_000 },
    ],
  },
  {
    key: 'guangzhiyuan-oil',
    name: '绍兴光之源环保有限公司',
    district: '330602',
    roles: ['recycler'],
    email: 'oil@demo.zwx',
    person: '郑洁',
    orgCode: 'MA2D0G008',
    licences: [
      { number: `浙危废经第3306${year}03号`, kind: 'disposal', wasteCodes: ['HW08', 'HW09'], annualCapacityKg: 50_000_000 },
    ],
  },
  {
    key: 'huaxin-incineration',
    name: '绍兴华鑫环保科技有限公司',
    district: '3306BH',
    roles: ['recycler'],
    email: 'huaxin@demo.zwx',
    person: '冯涛',
    orgCode: 'MA2D0H009',
    licences: [
      {
        number: `浙危废经第3306${year}04号`,
        kind: 'disposal',
        wasteCodes: ['HW35', 'HW12', 'HW13', 'HW06'],
        annualCapacityKg: 20_000_000,
      },
    ],
  },
  {
    key: 'zheneng-sludge',
    name: '浙能绍兴污泥焚烧处置有限公司',
    district: '330604',
    roles: ['recycler'],
    email: 'sludge@demo.zwx',
    person: '蒋明',
    orgCode: 'MA2D0N010',
  },
  {
    key: 'renewables',
    name: '绍兴市再生资源回收利用有限公司',
    district: '330602',
    roles: ['recycler'],
    email: 'renew@demo.zwx',
    person: '沈红',
    orgCode: 'MA2D0R011',
  },
  {
    key: 'carrier',
    name: '绍兴安运危险货物运输有限公司',
    district: '330603',
    roles: ['carrier'],
    email: 'carrier@demo.zwx',
    person: '韩磊',
    orgCode: 'MA2D0T012',
    licences: [
      {
        number: `浙交运管许可绍字3306${year}05号`,
        kind: 'transport',
        wasteCodes: ['HW08', 'HW17', 'HW18', 'HW35', 'HW49'],
        annualCapacityKg: 80_000_000,
      },
    ],
  },
  {
    key: 'city-regulator',
    name: '绍兴市生态环境局',
    district: '330602',
    roles: ['regulator'],
    email: 'regulator@demo.zwx',
    person: '杨帆',
    orgCode: '002489013',
    scope: 'city',
  },
  {
    key: 'keqiao-regulator',
    name: '绍兴市生态环境局柯桥分局',
    district: '330603',
    roles: ['regulator'],
    email: 'keqiao.regulator@demo.zwx',
    person: '朱琳',
    orgCode: '002489014',
    scope: ['330603'],
  },
  {
    key: 'credit-agency',
    name: '绍兴市公共信用信息中心',
    district: '330602',
    roles: ['credit_agency'],
    email: 'credit@demo.zwx',
    person: '秦越',
    orgCode: '002489015',
  },
];

export interface DemoLogin {
  email: string;
  password: string;
  org: string;
  roles: string;
}

export async function seedDemo(
  ctx: AppContext,
  log: (msg: string) => void = () => {},
): Promise<{ created: boolean; logins: DemoLogin[] }> {
  const logins: DemoLogin[] = [
    { email: ctx.config.ADMIN_EMAIL, password: '(ADMIN_PASSWORD)', org: '平台运营 Platform operator', roles: 'admin' },
  ];
  const [adminUser] = await ctx.db.select().from(users).where(eq(users.email, ctx.config.ADMIN_EMAIL.toLowerCase()));
  if (!adminUser) throw new Error('the admin user must exist before seeding');
  const admin: UserActor = actorOf(adminUser, null);
  let created = false;
  const actors = new Map<string, UserActor>();
  const validFrom = `${year}-01-01`;
  const validTo = `${year + 2}-12-31`;

  for (const [i, o] of DEMO_ORGS.entries()) {
    logins.push({ email: o.email, password: DEMO_PASSWORD, org: o.name, roles: o.roles.join(',') });
    const code = demoUscc(o.district, o.orgCode);
    const [existing] = await ctx.db.select().from(orgs).where(eq(orgs.uscc, code));
    if (existing) continue;
    if (o.formerUscc && (await correctFormerUscc(ctx, admin, o.formerUscc, code))) continue;
    created = true;
    log(`[${i + 1}/${DEMO_ORGS.length}] ${o.name}`);
    const user = { email: o.email, password: DEMO_PASSWORD, name: o.person };
    let orgId: string;
    let owner: UserActor;
    if (o.roles.includes('regulator') || o.roles.includes('credit_agency')) {
      const r = await ctx.orgs.createAuthorityOrg(admin, {
        org: {
          name: o.name,
          uscc: code,
          district: o.district,
          roles: o.roles as ('regulator' | 'credit_agency')[],
          ...(o.scope ? { scope: o.scope } : {}),
        },
        user,
      });
      orgId = r.org.id;
      owner = { userId: r.user.id, orgId, roles: o.roles, orgRole: 'owner', scope: o.scope ?? null };
    } else {
      const s = await ctx.auth.register({
        org: { name: o.name, uscc: code, district: o.district, roles: o.roles as TradingRole[] },
        user,
      });
      orgId = s.org!.id;
      owner = { userId: s.user.id, orgId, roles: o.roles, orgRole: 'owner', scope: null };
    }
    actors.set(o.key, owner);
    for (const l of o.licences ?? []) {
      const licence = await ctx.orgs.createLicence(owner, orgId, { ...l, validFrom, validTo });
      await ctx.orgs.approveLicence(admin, licence.id, 'demo data');
    }
  }
  if (created && actors.size === DEMO_ORGS.length) await seedMarket(ctx, actors, log);
  return { created, logins };
}

/**
 * A database seeded before the fix holds the org under its broken code: give it the valid one, with
 * an audit row, rather than registering it again (its email is taken, so the seed, and with it the
 * boot, would fail). Manifests opened before keep the code they snapshotted: it is sealed in their chain.
 */
async function correctFormerUscc(ctx: AppContext, admin: UserActor, from: string, to: string): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const [org] = await tx.update(orgs).set({ uscc: to }).where(eq(orgs.uscc, from)).returning({ id: orgs.id });
    if (!org) return false;
    await recordAudit(tx, admin, {
      action: 'org.uscc_correct',
      subjectType: 'org',
      subjectId: org.id,
      details: { from, to, reason: 'demo seed: check character was missing' },
    });
    return true;
  });
}

const DAY = 86_400_000;

/**
 * A market with something in it: fixed-price lots and an auction across the streams the pilot plan
 * names (dyeing sludge, fly ash, waste salt, papermaking residue, fabric scraps, scrap steel, waste
 * mineral oil), a sealed auction with two bids, and one matched trade awaiting payment.
 */
async function seedMarket(ctx: AppContext, actors: Map<string, UserActor>, log: (msg: string) => void): Promise<void> {
  const a = (key: string) => actors.get(key)!;
  const now = ctx.clock.now().getTime();
  const at = (days: number) => new Date(now + days * DAY).toISOString();
  const window = { pickupFrom: at(5), pickupTo: at(40) };
  log('market: listings and bids');

  const sludge = await ctx.listings.createListing(
    a('keqiao-dyeing'),
    ZCreateListingRequest.parse({
      side: 'supply',
      materialCode: 'SW07-01',
      quantityKg: 200_000,
      minLotKg: 20_000,
      pricePerTonneFen: -12_000,
      mode: 'fixed',
      ...window,
      district: '330603',
      address: '柯桥区滨海工业区印染园区',
      hazard: { characteristics: [], form: 'semi_solid', packaging: 'bulk' },
      analysis: { kind: 'sludge', moisturePct: 60 },
      description: '印染废水处理污泥，板框压滤后含水率约60%，经鉴别为一般工业固废，每月稳定产生约200吨。',
    }),
  );
  await ctx.listings.createListing(
    a('yuecheng-incineration'),
    ZCreateListingRequest.parse({
      side: 'supply',
      materialCode: '772-002-18',
      quantityKg: 500_000,
      minLotKg: 100_000,
      pricePerTonneFen: -180_000,
      mode: 'auction',
      closesAt: at(3),
      ...window,
      district: '330602',
      address: '越城区循环生态产业园',
      hazard: { characteristics: ['T'], form: 'solid', packaging: 'ton_bag' },
      analysis: { kind: 'fly_ash' },
      description: '生活垃圾焚烧飞灰（螯合稳定化前），吨袋包装，需具备HW18经营许可证的单位处置。',
    }),
  );
  await ctx.listings.createListing(
    a('shangyu-chem'),
    ZCreateListingRequest.parse({
      side: 'supply',
      materialCode: 'WS-CLASSIFIED',
      classifiedCode: '900-000-35',
      quantityKg: 80_000,
      pricePerTonneFen: -360_000,
      mode: 'fixed',
      ...window,
      district: '330604',
      hazard: { characteristics: ['C'], form: 'solid', packaging: 'ton_bag' },
      analysis: { kind: 'waste_salt', sourceProcess: '染料中间体合成母液蒸发结晶' },
      description: '工业废盐（氯化钠为主），经检测鉴别为危险废物，代码依鉴别报告。',
    }),
  );
  await ctx.listings.createListing(
    a('shengzhou-paper'),
    ZCreateListingRequest.parse({
      side: 'supply',
      materialCode: 'SW15-01',
      quantityKg: 1_000_000,
      minLotKg: 50_000,
      pricePerTonneFen: -8_000,
      mode: 'fixed',
      ...window,
      district: '330683',
      description: '原生造纸废渣，嵊州市要求零填埋，寻求资源化利用单位。',
    }),
  );
  await ctx.listings.createListing(
    a('keqiao-textile'),
    ZCreateListingRequest.parse({
      side: 'supply',
      materialCode: 'SW14-01',
      quantityKg: 30_000,
      minLotKg: 5_000,
      pricePerTonneFen: 30_000,
      mode: 'fixed',
      ...window,
      district: '330603',
      analysis: { kind: 'fabric', fibre: '涤棉混纺', contaminationPct: 2 },
      description: '印染及服装裁剪边角料，已分色打包。',
    }),
  );
  await ctx.listings.createListing(
    a('renewables'),
    ZCreateListingRequest.parse({
      side: 'demand',
      materialCode: 'SW17-01',
      quantityKg: 300_000,
      minLotKg: 20_000,
      pricePerTonneFen: 258_000,
      mode: 'fixed',
      ...window,
      district: '330602',
      description: '长期收购重废钢，厚度≥6mm，不含镀层件。',
    }),
  );
  await ctx.listings.createListing(
    a('guangzhiyuan-oil'),
    ZCreateListingRequest.parse({
      side: 'demand',
      materialCode: '900-249-08',
      quantityKg: 100_000,
      minLotKg: 5_000,
      pricePerTonneFen: -50_000,
      mode: 'fixed',
      ...window,
      district: '330602',
      description: '接收机加工废矿物油，桶装，含水率≤10%。',
    }),
  );

  const flyAsh = (await ctx.listings.listListings(ZListingsQuery.parse({ material: '772-002-18', limit: 1 }))).items[0];
  if (flyAsh) {
    await ctx.bids.placeBid(
      a('feile-landfill'),
      flyAsh.id,
      ZPlaceBidRequest.parse({ pricePerTonneFen: -175_000, quantityKg: 200_000 }),
    );
    await ctx.bids.placeBid(
      a('zhuji-cement'),
      flyAsh.id,
      ZPlaceBidRequest.parse({ pricePerTonneFen: -170_000, quantityKg: 300_000 }),
    );
  }
  // A fixed-price bid at the ask matches at once: one trade awaiting the generator's disposal fee.
  await ctx.bids.placeBid(
    a('zheneng-sludge'),
    sludge.id,
    ZPlaceBidRequest.parse({ pricePerTonneFen: -12_000, quantityKg: 100_000 }),
  );
}
