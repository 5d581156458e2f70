# Events (issue 19): console, public pages, iCalendar, Atom.
co-nav-events = Events

# The console: the list.
co-ev-title = Events
co-ev-lead = The organisation’s events: job fairs, open days, information sessions, training sessions, recruitment drives. Once published, they appear in the public calendar and in the feed of the citizens they concern.
co-ev-lead-platform = The platform’s events, for the whole region. Once published, they appear in the public calendar and in the feed of the citizens they concern.
co-ev-empty = No event yet.
co-ev-times-paris = Times are Paris time.
co-ev-count = { $count ->
    [0] No event.
    [one] One event.
   *[other] { $n } events.
}
co-ev-more = { $count ->
    [one] Only the soonest is listed here.
   *[other] Only the { $n } soonest are listed here.
}
co-ev-drafts = Drafts
co-ev-published = Published
co-ev-cancelled = Cancelled
co-ev-status-published = Published
co-ev-status-draft = Draft, not published
co-ev-status-cancelled = Cancelled
co-ev-cancel-reason-is = Why it was cancelled:
co-ev-publish = Publish
co-ev-delete-confirm = Delete this draft? It was never published.
co-ev-view-public = See in the calendar
co-ev-cancel = Cancel the event
co-ev-registrations = Registered
co-ev-when-same-day = { $day }, { $start } – { $end }
co-ev-when-days = from { $startDay }, { $start } to { $endDay }, { $end }
co-ev-department-n = Département { $n }
co-ev-place-both = { $place } and online
co-ev-place-online = Online
co-ev-registered = { $count ->
    [0] Nobody registered on Atout.
    [one] One person registered on Atout.
   *[other] { $n } people registered on Atout.
}
co-ev-registered-of = { $count ->
    [0] Nobody registered on Atout, { $capacity } places.
    [one] One person registered on Atout, { $capacity } places.
   *[other] { $n } people registered on Atout, { $capacity } places.
}
co-ev-kind-job-fair = Job fair
co-ev-kind-open-day = Open day
co-ev-kind-info-session = Information session
co-ev-kind-training-session = Training session
co-ev-kind-recruitment = Recruitment drive
co-ev-kind-workshop = Workshop
co-ev-kind-other = Other event
co-ev-audience-all = Everyone
co-ev-audience-job-seekers = Job seekers
co-ev-audience-students = Pupils and students
co-ev-audience-young = Young people
co-ev-audience-employees = Employees
co-ev-audience-employers = Employers
co-ev-registration-none = No registration: walk in
co-ev-registration-atout = Registration on Atout (the list of those registered is here)
co-ev-registration-external = Registration on another site

done-co-ev-created = Event saved as a draft: publish it when it is ready.
done-co-ev-published = Event published: it is in the calendar.
done-co-ev-saved = Changes saved. If the event is published, the calendars of those registered are updated.
done-co-ev-deleted = Draft deleted.
done-co-ev-cancelled = Event cancelled: the people who registered or saved it are told.
done-co-ev-cancelled-fixed = A cancelled event no longer changes.
done-co-ev-publish-past = This draft starts in the past: change its dates before publishing it.
done-co-ev-publish-not-draft = This event is no longer a draft: it is published or cancelled already.
done-co-ev-delete-not-draft = Only a draft is deleted: a published event is cancelled.
done-co-ev-cancel-not-published = Only a published event is cancelled (a draft is deleted).

# The form.
co-ev-new-title = New event
co-ev-edit-title = Change the event
co-ev-form-lead = It needs a title (in French or in English), a start and an end, and a place or an online link. A saved event stays a draft until you publish it.
co-ev-f-kind = Kind of event
co-ev-titles = Title and description
co-ev-titles-hint = In French, in English, or both: at least one title.
co-ev-f-title_fr = Title in French
co-ev-f-title_en = Title in English
co-ev-f-description_fr = Description in French
co-ev-f-description_en = Description in English
co-ev-f-description-hint = The programme, who it is for, what to bring: 8,000 characters at most.
co-ev-when = Date and time
co-ev-when-hint = Paris time. Without a calendar in the browser, write for instance 15/03/2027 14:00.
co-ev-f-starts_at = Start
co-ev-f-ends_at = End
co-ev-f-place = Place
co-ev-place-hint = An address (with the commune and the département), a link to follow the event online, or both.
co-ev-f-address = Address
co-ev-f-commune = Commune
co-ev-f-department = Département
co-ev-f-department-hint = Its number: 37, 45, 2A, 971…
co-ev-f-online_url = Link to follow online
co-ev-f-online_url-hint = An address starting with https://.
co-ev-who = Audience and places
co-ev-f-audience = Audience
co-ev-f-capacity = Number of places
co-ev-f-capacity-hint = A whole number; leave empty when there is no limit.
co-ev-f-registration = Registration
co-ev-f-registration_url = Registration link
co-ev-f-registration_url-hint = For registration on another site: the address of its page, starting with https://.
co-ev-codes = Occupations, skills and certifications
co-ev-f-codes = Framework codes
co-ev-codes-hint = One code per line: a ROME occupation (M1805), an ESCO occupation or skill, an RNCP or RS certification. Type a word for suggestions. Citizens whose path aims at these codes see the event first.
co-ev-code-n = Code { $n }
co-ev-more-rows = Add rows of codes
co-ev-more-rows-hint = Need more rows? The “Add rows of codes” button, at the bottom of the form, adds some without saving anything.
co-ev-f-free_tags = Keywords
co-ev-f-free_tags-hint = Separated by commas: digital, apprenticeship. 20 at most.
co-ev-f-status = Publication
co-ev-status-draft-option = Draft, seen only here
co-ev-status-published-option = Published in the calendar now
co-ev-edit-published-hint = A published event that changes is updated in the calendars of those who added it.
co-ev-f-reason = Why it is cancelled
co-ev-f-reason-hint = It is sent to the people told: 1,000 characters at most.

# What is wrong with a field ($field: its name; $max: a limit).
co-ev-err-required = “{ $field }” is required.
co-ev-err-too-long = “{ $field }” has { $max } characters at most.
co-ev-err-control-characters = “{ $field }” holds invisible characters that are not allowed.
co-ev-err-unknown-value = “{ $field }”: choose one of the values offered.
co-ev-err-bad-datetime = “{ $field }”: give a date and a time, for instance 15/03/2027 14:00.
co-ev-err-nonexistent-time = “{ $field }”: this time does not exist in Paris on that day (the clocks go forward).
co-ev-err-end-before-start = The end must come after the start.
co-ev-err-in-the-past = The start is already past: an event is announced before it takes place.
co-ev-err-too-long-event = An event lasts a year at most.
co-ev-err-too-far = An event starts within three years.
co-ev-err-bad-url = “{ $field }”: give a web address starting with https://.
co-ev-err-bad-department = Give the number of a département: 37, 45, 2A, 971…
co-ev-err-place-missing = Give a place (commune and département), a link to follow online, or both.
co-ev-err-unknown-code = This code is not in the frameworks loaded: choose a suggestion or check it.
co-ev-err-unknown-framework = This framework is not known: ROME, ESCO, RNCP or RS.
co-ev-err-too-many = “{ $field }”: { $max } at most.
co-ev-err-out-of-range = Give a whole number of places, from 1 to 100,000.
co-ev-err-not-expected = The registration link only goes with registration on another site.
co-ev-err-status-change = An event is published or cancelled with the buttons of the list.
co-ev-err-cancelled = This event was cancelled meanwhile: it no longer changes.
co-ev-err-other = “{ $field }” is not valid.

# Cancelling.
co-ev-cancel-title = Cancel the event
co-ev-cancel-lead = The event stays in the calendar, marked “cancelled”, and no longer changes.
co-ev-cancel-told = { $count ->
    [0] Nobody registered on Atout yet; those who saved it will be told.
    [one] The person registered on Atout, and those who saved it, will be told.
   *[other] The { $n } people registered on Atout, and those who saved it, will be told.
}
co-ev-cancel-confirm = Cancel the event and tell them
co-ev-cancel-keep = Do not cancel it

# Those registered.
co-ev-registrations-title = Registered on Atout
co-ev-registrations-empty = Nobody registered yet.
co-ev-reg-name = Name
co-ev-reg-email = E-mail address
co-ev-reg-when = Registered on
co-ev-at = { $day } at { $time }

# The CSV import.
co-ev-import-title = Import events (CSV)
co-ev-import-lead = One event per line, as a spreadsheet saves it (“;” or “,” separator, UTF-8 or Windows), dates and times in Paris time (15/03/2027 14:00). If a single line is wrong, nothing is imported and the page says where.
co-ev-import-file = CSV file
co-ev-import-file-hint = 2 MiB and 1,000 lines at most.
co-ev-import-submit = Import
co-ev-import-choose = Choose the CSV file to import.
co-ev-import-refused = The file was refused: nothing was imported.
co-ev-import-refused-heading = What stops the import
co-ev-import-nothing = Fix the file and send it again: no event was added.
co-ev-import-more = More errors follow: fix these and send the file again to see them.
co-ev-import-at-cell = Line { $line }, column “{ $column }”: { $message }
co-ev-import-at-line = Line { $line }: { $message }
co-ev-import-file-unreadable = This file does not read as a list of events: its first line must name the columns.
co-ev-import-file-missing-column = A column is missing: “Title”, “Start” and “End” (or “End time”) are needed at least.
co-ev-import-file-too-many-rows = A file holds 1,000 events at most: split it.
co-ev-import-file-empty = The file holds no event, only the names of the columns.
co-ev-import-done-title = Import done
co-ev-import-created = { $count ->
    [0] No event added.
    [one] One event added.
   *[other] { $n } events added.
}
co-ev-import-published = { $count ->
    [0] None is published: they are drafts.
    [one] One is published.
   *[other] { $n } are published.
}
co-ev-import-ignored = Columns ignored: { $columns }.
co-ev-import-see = See the events
co-ev-import-again = Import another file
co-ev-example = An example to start from
co-ev-example-hint = Three events in a file you can open with a spreadsheet, complete and send back as it is.
co-ev-example-download = Download the example (CSV)
co-ev-columns = The columns
co-ev-columns-hint = The first line names the columns, in French or in English, in any order. “Title”, “Start” and “End” are required; unknown columns are ignored.
co-ev-col-kind = Type
co-ev-col-kind-hint = Job fair, open day, information session, training session, recruitment, workshop or other.
co-ev-col-title_fr = Titre (Title)
co-ev-col-title_fr-hint = Required (or the English title), 200 characters at most.
co-ev-col-title_en = Titre (anglais) (Title EN)
co-ev-col-title_en-hint = The English title, if there is one.
co-ev-col-description = Description
co-ev-col-description-hint = What the event is, 8,000 characters at most; “Description EN” for English.
co-ev-col-starts = Début (Start)
co-ev-col-starts-hint = The date and time, Paris time: 15/03/2027 14:00. Or a “Date” column and a “Start time” column.
co-ev-col-ends = Fin (End)
co-ev-col-ends-hint = The end’s date and time, or an “End time” column (the same day).
co-ev-col-address = Adresse (Address)
co-ev-col-address-hint = The number and street.
co-ev-col-commune = Commune
co-ev-col-commune-hint = Where it takes place (with the département).
co-ev-col-department = Département
co-ev-col-department-hint = Its number: 37, 45, 2A, 971…
co-ev-col-online = Lien en ligne (Online link)
co-ev-col-online-hint = To follow the event online: https://… A place, a link, or both.
co-ev-col-audience = Public (Audience)
co-ev-col-audience-hint = Everyone, job seekers, students, young people, employees or employers.
co-ev-col-capacity = Places
co-ev-col-capacity-hint = A whole number; empty: no limit.
co-ev-col-registration = Inscription (Registration)
co-ev-col-registration-hint = None, on Atout, or external (with the registration link).
co-ev-col-registration_url = Lien d’inscription (Registration link)
co-ev-col-registration_url-hint = The page to register on, https://…
co-ev-col-codes = Codes
co-ev-col-codes-hint = The occupations and skills aimed at, separated by “|”: ROME (M1805), ESCO, RNCP, RS.
co-ev-col-tags = Mots-clés (Keywords)
co-ev-col-tags-hint = Separated by “|” or commas.
co-ev-col-status = Statut (Status)
co-ev-col-status-hint = “draft” (the default) or “published”.
