// Civil dates in Tehran, the only calendar crsd knows (SPEC §7: times in
// Asia/Tehran). Between 00:00 and 03:30 Tehran time the UTC date is still
// the day before, so a date taken from toISOString() or getUTCDay() names
// another day than the Jalali date of the same instant: every date a test
// computes comes from here.
//
// A day is a Gregorian 'YYYY-MM-DD' string naming a Tehran civil day (what
// crsd stores in DATE columns); an instant is a Date. Pure functions, no I/O,
// so tests/run can use them too.

export const TZ = 'Asia/Tehran';
export const DAY = 86400000;

const wall = new Intl.DateTimeFormat('en-US', {
  timeZone: TZ, hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

// A civil day is formatted at its UTC midnight in UTC: no zone can move it.
const persianOfDay = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', {
  timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit',
});

function parts(fmt, date) {
  return Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
}

function isDay(x) {
  return typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x);
}

function utcMidnight(day) {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

/** Tehran wall-clock time of an instant: {day, hh, mm, ss}. */
export function tehranWall(instant) {
  const p = parts(wall, instant);
  return { day: `${p.year}-${p.month}-${p.day}`, hh: Number(p.hour), mm: Number(p.minute), ss: Number(p.second) };
}

/** The Tehran civil day of an instant. A day is returned as it is. */
export function tehranDay(x) {
  return isDay(x) ? x : tehranWall(x).day;
}

/** The day n days after (n < 0: before) a day. */
export function addDays(day, n) {
  return new Date(utcMidnight(day) + n * DAY).toISOString().slice(0, 10);
}

/** Weekday of a day, Iranian order: 0 = Saturday … 6 = Friday. */
export function weekday(day) {
  return (new Date(utcMidnight(day)).getUTCDay() + 1) % 7;
}

/** Jalali 'YYYY/MM/DD' of a day, or of an instant's Tehran day. */
export function jalali(x) {
  const p = parts(persianOfDay, new Date(utcMidnight(tehranDay(x))));
  return `${p.year}/${p.month}/${p.day}`;
}

/** The day of a Jalali 'YYYY/MM/DD', found by search. */
export function dayOfJalali(j) {
  const [y] = j.split('/').map(Number);
  // Farvardin 1 of year y is around 21 March of y + 621.
  let day = new Date(Date.UTC(y + 621, 2, 10)).toISOString().slice(0, 10);
  for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
    if (jalali(day) === j) return day;
  }
  throw new Error(`no Gregorian day for ${j}`);
}

/** The instant a Tehran wall clock shows `hhmm` ('HH:MM' or 'HH:MM:SS') on a day. */
export function tehranInstant(day, hhmm) {
  const [hh, mm, ss = 0] = hhmm.split(':').map(Number);
  const naive = utcMidnight(day) + ((hh * 60 + mm) * 60 + ss) * 1000;
  // Tehran's offset at that moment (+03:30 since 2022, +04:30 in older summers),
  // read back from the zone database, then checked.
  const w = tehranWall(new Date(naive));
  const offset = utcMidnight(w.day) + ((w.hh * 60 + w.mm) * 60 + w.ss) * 1000 - naive;
  const t = new Date(naive - offset);
  const back = tehranWall(t);
  if (back.day !== day || back.hh !== hh || back.mm !== mm) throw new Error(`no instant shows ${day} ${hhmm} in Tehran`);
  return t;
}

/** The first instant after `after` at which Tehran's clock shows `hhmm`. */
export function nextTehranTime(after, hhmm) {
  for (let day = tehranDay(after); ; day = addDays(day, 1)) {
    const t = tehranInstant(day, hhmm);
    if (t > after) return t;
  }
}

/** Persian digits (۰–۹) to ASCII. */
export function asciiDigits(s) {
  return s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** The instant `hours` working hours after `from` (SPEC §3.1: Saturday–Wednesday
 *  08:00–16:00, Thursday 08:00–12:00, Tehran time; Fridays and `holidays` (a Set
 *  of days) have none). An independent statement of the rule crsd applies to a
 *  changed serial, so a test can stand just before and just after its end. */
export function addWorkingHours(from, hours, holidays = new Set()) {
  let left = hours * 3600000;
  for (let day = tehranDay(from); ; day = addDays(day, 1)) {
    const wd = weekday(day);
    if (wd === 6 || holidays.has(day)) continue;
    const open = tehranInstant(day, '08:00').getTime();
    const close = tehranInstant(day, wd === 5 ? '12:00' : '16:00').getTime();
    const start = Math.max(open, from.getTime());
    if (start >= close) continue;
    if (close - start >= left) return new Date(start + left);
    left -= close - start;
  }
}
