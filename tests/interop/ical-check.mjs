// Reads an iCalendar text (stdin: {"ics": "..."}) with Mozilla's ical.js,
// an independent RFC 5545 parser, and prints what it understood: the
// calendar's properties and each VEVENT's, unescaped and unfolded by the
// parser, times as UTC ISO strings. Used by tests/it/events_public.rs.

import ICAL from 'ical.js';
import {readStdinJson} from './lib.mjs';

const input = await readStdinJson();
const jcal = ICAL.parse(input.ics);
const calendar = new ICAL.Component(jcal);
if (calendar.name !== 'vcalendar') throw new Error(`not a VCALENDAR: ${calendar.name}`);

const text = (c, name) => {
  const v = c.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : String(v);
};
const time = (c, name) => {
  const p = c.getFirstProperty(name);
  if (!p) return null;
  const t = p.getFirstValue();
  return {
    utc: t.zone && t.zone.tzid === 'UTC',
    iso: t.toJSDate().toISOString(),
  };
};

const events = calendar.getAllSubcomponents('vevent').map(v => {
  const organizer = v.getFirstProperty('organizer');
  const summary = v.getFirstProperty('summary');
  return {
    uid: text(v, 'uid'),
    summary: text(v, 'summary'),
    summaryLanguage: summary ? summary.getParameter('language') ?? null : null,
    description: text(v, 'description'),
    location: text(v, 'location'),
    url: text(v, 'url'),
    status: text(v, 'status'),
    class: text(v, 'class'),
    sequence: v.getFirstPropertyValue('sequence'),
    dtstamp: time(v, 'dtstamp'),
    start: time(v, 'dtstart'),
    end: time(v, 'dtend'),
    created: time(v, 'created'),
    lastModified: time(v, 'last-modified'),
    categories: v.getAllProperties('categories').flatMap(p => p.getValues().map(String)),
    organizer: organizer ? String(organizer.getFirstValue()) : null,
    organizerCn: organizer ? organizer.getParameter('cn') ?? null : null,
  };
});

process.stdout.write(JSON.stringify({
  version: text(calendar, 'version'),
  prodid: text(calendar, 'prodid'),
  method: text(calendar, 'method'),
  name: text(calendar, 'x-wr-calname'),
  events,
}));
