import { expect } from 'chai';
import { leadText } from '../../client/src/features/notifications/lead.js';

const H = 3_600_000;
/** The English texts of messages.ts (which imports React, so not loaded here). */
const EN: Record<string, string> = {
  'lead.underHour': 'less than an hour',
  'lead.hour1': '1 hour',
  'lead.hours': '{n} hours',
  'lead.day1': '1 day',
  'lead.days': '{n} days',
};
const nt = (key: string, p?: Record<string, string | number>) => EN[key]!.replace('{n}', String(p?.n ?? ''));

/** Issue 13 item 9: a deadline reminder says how long before the deadline it came, in hours and days. */
describe('a reminder’s lead in words', () => {
  it('hours under a day, days and hours above, never milliseconds', () => {
    expect(leadText(20 * 60_000, nt)).to.equal('less than an hour');
    expect(leadText(H, nt)).to.equal('1 hour');
    expect(leadText(23.6 * H, nt)).to.equal('1 day');
    expect(leadText(23 * H + 10 * 60_000, nt)).to.equal('23 hours');
    expect(leadText(30 * H, nt)).to.equal('1 day 6 hours');
    expect(leadText(49 * H, nt)).to.equal('2 days 1 hour');
    expect(leadText(72 * H, nt)).to.equal('3 days');
    expect(leadText(Number.NaN, nt)).to.equal('less than an hour');
  });
});
