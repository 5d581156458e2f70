# Les événements publics : /evenements, iCalendar, Atom (issue 19).
