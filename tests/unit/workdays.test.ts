import { expect } from 'chai';
import fc from 'fast-check';
import {
  addCalendarDays,
  addWorkingDays,
  calendarDaysDeadline,
  isWorkingDay,
  weekday,
  workingDaysBetween,
  workingDaysDeadline,
} from '../../shared/src/workdays.js';

const NONE = { holidays: [], makeupWorkdays: [] };
// The 2025 National Day + Mid-Autumn arrangement as the State Council published it: 1–8 October off,
// Sunday 28 September and Saturday 11 October worked instead.
const OCT_2025 = {
  holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
  makeupWorkdays: ['2025-09-28', '2025-10-11'],
};

describe('working days in Asia/Shanghai (DESIGN §6.1)', () => {
  it('knows the weekdays of the test dates', () => {
    expect(weekday('2025-10-11')).to.equal(6); // Saturday
    expect(weekday('2025-09-28')).to.equal(0); // Sunday
    expect(weekday('2026-03-06')).to.equal(5); // Friday
  });

  it('skips a weekend: Friday + 5 working days is the next Friday; Thursday + 2 is Monday', () => {
    expect(addWorkingDays('2026-03-06', 5, NONE)).to.equal('2026-03-13');
    expect(addWorkingDays('2026-03-05', 2, NONE)).to.equal('2026-03-09');
    expect(addWorkingDays('2026-03-07', 1, NONE)).to.equal('2026-03-09'); // from a Saturday
    expect(workingDaysBetween('2026-03-06', '2026-03-13', NONE)).to.equal(5);
  });

  it('skips a listed holiday on a weekday', () => {
    const cal = { holidays: ['2026-03-10'], makeupWorkdays: [] };
    expect(isWorkingDay('2026-03-10', cal)).to.equal(false);
    expect(addWorkingDays('2026-03-06', 5, cal)).to.equal('2026-03-16');
  });

  it('counts a listed make-up working Saturday', () => {
    const cal = { holidays: [], makeupWorkdays: ['2026-03-07'] };
    expect(isWorkingDay('2026-03-07', cal)).to.equal(true);
    expect(addWorkingDays('2026-03-06', 1, cal)).to.equal('2026-03-07');
    expect(addWorkingDays('2026-03-06', 5, cal)).to.equal('2026-03-12');
  });

  it('runs across the 2025 National Day week: a weekend, listed holidays and the make-up Saturday together', () => {
    // Arrival Tuesday 30 September: 9 Oct (Thu) is the first working day, 10 (Fri), 11 (make-up Sat), 13, 14.
    expect(addWorkingDays('2025-09-30', 1, OCT_2025)).to.equal('2025-10-09');
    expect(addWorkingDays('2025-09-30', 5, OCT_2025)).to.equal('2025-10-14');
    expect(isWorkingDay('2025-10-04', OCT_2025)).to.equal(false); // a Saturday inside the break
    expect(isWorkingDay('2025-10-11', OCT_2025)).to.equal(true);
    expect(isWorkingDay('2025-09-28', OCT_2025)).to.equal(true);
    // Arrival Saturday 27 September: the make-up Sunday 28 counts.
    expect(addWorkingDays('2025-09-27', 1, OCT_2025)).to.equal('2025-09-28');
    expect(addWorkingDays('2025-09-27', 3, OCT_2025)).to.equal('2025-09-30');
    expect(addWorkingDays('2025-09-27', 4, OCT_2025)).to.equal('2025-10-09');
    // Without the lists the same arithmetic lands elsewhere, so the lists are what decide.
    expect(addWorkingDays('2025-09-30', 5, NONE)).to.equal('2025-10-07');
  });

  it('a deadline runs to the end of the last working day, Shanghai time', () => {
    // 2025-09-30T07:00Z is 15:00 in Shanghai on the 30th; due at the end of 14 October (+08:00).
    const due = workingDaysDeadline(new Date('2025-09-30T07:00:00Z'), 5, OCT_2025);
    expect(due.toISOString()).to.equal('2025-10-14T16:00:00.000Z');
    // 23:30 UTC on 5 March is already Friday 6 March in Shanghai.
    expect(workingDaysDeadline(new Date('2026-03-05T23:30:00Z'), 5, NONE).toISOString()).to.equal('2026-03-13T16:00:00.000Z');
  });

  it('calendar-day deadlines count every day: receipt + 30 days', () => {
    expect(calendarDaysDeadline(new Date('2026-01-15T02:00:00Z'), 30).toISOString()).to.equal('2026-02-14T16:00:00.000Z');
    expect(addCalendarDays('2024-02-28', 1)).to.equal('2024-02-29');
    expect(addCalendarDays('2025-12-31', 1)).to.equal('2026-01-01');
  });

  it('refuses bad input', () => {
    expect(() => addWorkingDays('2026-02-30', 1, NONE)).to.throw(RangeError);
    expect(() => addWorkingDays('2026-03-06', -1, NONE)).to.throw(RangeError);
    expect(() => addWorkingDays('2026-03-06', 1.5, NONE)).to.throw(RangeError);
  });

  it('property: the n-th working day after d is a working day, n of them lie in between, and it grows with n', () => {
    const date = fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(date, { maxLength: 30 }),
        fc.uniqueArray(date, { maxLength: 10 }),
        (d, n, holidays, makeup) => {
          const cal = { holidays, makeupWorkdays: makeup };
          const r = addWorkingDays(d, n, cal);
          expect(r > d).to.equal(true);
          expect(isWorkingDay(r, cal)).to.equal(true);
          expect(workingDaysBetween(d, r, cal)).to.equal(n);
          expect(addWorkingDays(d, n + 1, cal) > r).to.equal(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
