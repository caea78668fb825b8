/**
 * The public red and black list (公示, issue 14 item 6): organisations whose credit level is red or
 * black now, with the reasons in force — the score factors that lower it, and the sanctions that still
 * weigh in the score (decided within their factor's half-life; a serious one also within the
 * SERIOUS_SANCTION_IN_FORCE_DAYS that force black). No person: no user ids, no names of who decided.
 * The level follows the read model's rules (readCredit): a serious sanction not yet scored is black.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';
import type { TPublicCreditEntry } from '../../../../shared/src/schemas/public.js';
import type { TCreditFactor } from '../../../../shared/src/schemas/credit.js';
import { FACTORS, SERIOUS_SANCTION_IN_FORCE_DAYS } from './model.js';

const DAY_MS = 86_400_000;

function inForceDays(severity: string): number {
  if (severity === 'serious') return Math.max(SERIOUS_SANCTION_IN_FORCE_DAYS, FACTORS.sanction_serious.halfLifeDays);
  return severity === 'major' ? FACTORS.sanction_major.halfLifeDays : FACTORS.sanction_minor.halfLifeDays;
}

export async function publicRedBlackList(dbx: DbOrTx, now: Date): Promise<TPublicCreditEntry[]> {
  const orgsFound = await rows<Record<string, unknown>>(
    dbx,
    sql`with latest as (
          select distinct on (org_id) org_id, level, level_reason, score, computed_at, factors, last_event_id
          from credit_scores order by org_id, seq desc
        )
        select o.id, o.name, o.uscc, o.district, l.level, l.level_reason, l.score, l.computed_at, l.factors,
          exists (select 1 from credit_events e where e.org_id = o.id and e.kind = 'sanction_serious'
                    and e.id > coalesce(l.last_event_id, 0)) as barred
        from orgs o left join latest l on l.org_id = o.id
        where l.level in ('red', 'black')
           or exists (select 1 from credit_events e where e.org_id = o.id and e.kind = 'sanction_serious'
                        and e.id > coalesce(l.last_event_id, 0))
        order by case when l.level = 'black' then 0 else 1 end, o.name`,
  );
  if (orgsFound.length === 0) return [];
  const ids = orgsFound.map((o) => String(o.id));
  const earliest = new Date(now.getTime() - inForceDays('serious') * DAY_MS);
  const sanctions = await rows<Record<string, unknown>>(
    dbx,
    sql`select org_id, severity, kind, reason, decided_at from sanctions
        where org_id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) and decided_at > ${earliest.toISOString()}::timestamptz
        order by decided_at desc`,
  );
  return orgsFound.map((o) => {
    const barred = o.barred === true;
    const level = barred ? 'black' : (String(o.level) as 'red' | 'black');
    const factors = ((o.factors as TCreditFactor[] | null) ?? []).filter((f) => f.contribution < 0 && f.events > 0);
    const inForce = sanctions.filter((s) => {
      if (String(s.org_id) !== String(o.id)) return false;
      const age = now.getTime() - new Date(String(s.decided_at)).getTime();
      return age <= inForceDays(String(s.severity)) * DAY_MS;
    });
    return {
      orgName: String(o.name),
      uscc: String(o.uscc),
      district: String(o.district),
      level,
      levelReason: barred ? 'serious_sanction' : (String(o.level_reason) as 'score' | 'serious_sanction'),
      score: o.score === null || o.score === undefined ? null : Number(o.score),
      asOf: o.computed_at ? new Date(String(o.computed_at)).toISOString() : null,
      reasons: [
        ...inForce.map((s) => ({
          kind: 'sanction' as const,
          code: String(s.kind),
          events: 1,
          severity: String(s.severity),
          text: String(s.reason),
          decidedAt: new Date(String(s.decided_at)).toISOString(),
        })),
        ...factors.map((f) => ({
          kind: 'factor' as const,
          code: f.factor,
          events: f.events,
          severity: null,
          text: null,
          decidedAt: null,
        })),
      ],
    };
  });
}
