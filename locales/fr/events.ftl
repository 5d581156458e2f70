# Événements (issue 19) : console, pages publiques, iCalendar, Atom.
co-nav-events = Événements
