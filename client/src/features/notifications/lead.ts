// Pure and free of React and of the i18n module, so tests/unit/notification-lead.test.ts can check it in Node.

type LeadKey = 'lead.underHour' | 'lead.hour1' | 'lead.hours' | 'lead.day1' | 'lead.days';
/** The notification texts' translate function (messages.ts), narrowed to the keys used here. */
type LeadT = (key: LeadKey, params?: Record<string, string | number>) => string;

/**
 * How long before the deadline a reminder came, in hours and days as people say it ("1 天 6 小时",
 * "about 23 hours" would hide the lead DEADLINE_REMINDER_HOURS gives); whole hours, rounded.
 */
export function leadText(ms: number, nt: LeadT): string {
  if (!Number.isFinite(ms) || ms < 3_600_000) return nt('lead.underHour');
  const hours = Math.round(ms / 3_600_000);
  const h = (n: number) => (n === 1 ? nt('lead.hour1') : nt('lead.hours', { n }));
  if (hours < 24) return h(hours);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  const dayText = days === 1 ? nt('lead.day1') : nt('lead.days', { n: days });
  return rest ? `${dayText} ${h(rest)}` : dayText;
}
