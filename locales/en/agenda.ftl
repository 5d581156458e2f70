# Public events: /evenements, iCalendar, Atom (issue 19).
