# Events (issue 19): console, public pages, iCalendar, Atom.
co-nav-events = Events
