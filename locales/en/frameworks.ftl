# Reference frameworks, the training catalogue, the combobox (issue 18).

co-nav-trainings = Trainings
co-nav-frameworks = Frameworks

## A code and its label, wherever a code is shown
refs-in-lang-fr = in French
refs-in-lang-en = in English
refs-in-lang-other = in another language
refs-lang-fr = French
refs-lang-en = English
refs-guessed = approximate label
refs-inactive = no longer in force
refs-level = Level { $n }
refs-kind-occupation = Occupation
refs-kind-skill = Skill
refs-kind-knowledge = Knowledge
refs-kind-certification = Certification
refs-kind-isco-group = ISCO group
refs-kind-sector = Sector

## Suggestions under a code field (combobox.js: { "{n}" } and { "{m}" } stay as they are)
refs-combo-empty = No suggestion. You can type the code itself (M1805, RNCP37873…).
refs-combo-count = { "{n}" } suggestions, up and down arrows to choose
refs-combo-via = via “{ "{m}" }”
refs-combo-level = level { "{n}" }

## Public frameworks page
refs-title = Reference frameworks
refs-lead = Atout describes occupations, skills and certifications with public reference frameworks: ESCO (European Commission), the ROME (France Travail), the RNCP and the Répertoire spécifique (France compétences). Here is what this server has loaded, where it comes from and under which licence.
refs-search-heading = Find an occupation, a skill or a certification
refs-search-q = Words or code
refs-search-q-hint = For example “nurse”, “welding”, M1805 or RNCP37873. Accents, capitals and a typo do not matter.
refs-search-kind = What you are looking for
refs-search-kind-any = Everything
refs-search-submit = Search
refs-field-q = This search could not be run: shorten or change it.
refs-results = { $count ->
    [0] No result
    [one] One result
   *[other] { $n } results
}
refs-results-first = The first { $n } results
refs-no-result = Nothing matches. Try another word, fewer words, or a code.
refs-via = found through “{ $m }”
refs-versions-heading = Versions loaded
refs-indexed = { $count ->
    [0] No code can be looked up yet.
    [one] One code can be looked up in the search.
   *[other] { $n } codes can be looked up in the search.
}
refs-family-esco = ESCO and ISCO-08
refs-family-esco-about = The European classification of occupations, skills and knowledge, with the groups of the International Standard Classification of Occupations.
refs-family-rome = ROME 4.0 and NAF sectors
refs-family-rome-about = France Travail’s directory of occupations and jobs (Répertoire opérationnel des métiers et des emplois), and the sectors where each occupation is found.
refs-family-rncp = RNCP and Répertoire spécifique
refs-family-rncp-about = The professional certifications recognised in France (degrees, titles, certificates) and their skill blocks, published by France compétences.
refs-family-not-loaded = Not loaded on this server yet.
refs-version = Version { $version }
refs-status-active = In use
refs-status-retired = Replaced (its codes still resolve)
refs-published-on = Published by the publisher on
refs-imported-on = Loaded on
refs-languages = Languages
refs-contents = Contents
refs-labels = Labels
refs-links = Links
refs-gone = Codes gone
refs-first-version = First version loaded: nothing to compare with.
refs-gone-count = { $count ->
    [0] Every code of version { $previous } is still there.
    [one] One code of version { $previous } is gone; it still resolves through the old version.
   *[other] { $n } codes of version { $previous } are gone; they still resolve through the old version.
}
refs-gone-first = { $count ->
    [one] The code gone
   *[other] The first { $count } codes gone
}
refs-gone-all = The codes gone
refs-attribution = Source and licence:
refs-count-line = { $framework }: { $what }
refs-count-occupation = { $count ->
    [one] { $n } occupation
   *[other] { $n } occupations
}
refs-count-skill = { $count ->
    [one] { $n } skill
   *[other] { $n } skills
}
refs-count-knowledge = { $count ->
    [one] { $n } knowledge concept
   *[other] { $n } knowledge concepts
}
refs-count-certification = { $count ->
    [one] { $n } certification
   *[other] { $n } certifications
}
refs-count-isco-group = { $count ->
    [one] { $n } occupation group
   *[other] { $n } occupation groups
}
refs-count-sector = { $count ->
    [one] { $n } sector
   *[other] { $n } sectors
}
refs-count-labels = { $count ->
    [one] { $n } label in { $lang }
   *[other] { $n } labels in { $lang }
}
refs-rel-essential-skill = { $count ->
    [one] { $n } link from an occupation to an essential skill
   *[other] { $n } links from an occupation to an essential skill
}
refs-rel-optional-skill = { $count ->
    [one] { $n } link from an occupation to an optional skill
   *[other] { $n } links from an occupation to an optional skill
}
refs-rel-rome = { $count ->
    [one] { $n } link from a certification to a ROME occupation
   *[other] { $n } links from a certification to a ROME occupation
}
refs-rel-sector-rome = { $count ->
    [one] { $n } link from a sector to a ROME occupation
   *[other] { $n } links from a sector to a ROME occupation
}

## One code's page
refs-concept-title = Framework entry
refs-label-in = Label { $lang }: the data loaded has none in English.
refs-guessed-note = This label is Atout’s estimate, not the publisher’s: it helps to recognise the code and is never written into a credential.
refs-concept-inactive = This code is no longer in force. It is still shown for the paths and credentials that cite it.
refs-concept-retired = This code comes from version { $version }, replaced since. It is still shown for the paths and credentials that cite it.
refs-kind = Kind
refs-framework = Framework
refs-code = Code
refs-cert-level = European level
refs-isco-group = ISCO group
refs-parent = Parent group
refs-description = Description
refs-description-in = Description { $lang }: the data loaded has none in English.
refs-other-labels = Other labels
refs-preferred = main label
refs-essential = Essential skills
refs-skills-none = The links between occupations and skills loaded on this server do not cover this occupation: it does not mean it needs none.
refs-optional = Optional skills
refs-needed-by = Occupations that need this skill
refs-rome-certifications = Certifications that prepare for this occupation
refs-blocks = Skill blocks
refs-certifiers = Certifiers
refs-siret = SIRET { $siret }
refs-rome-codes = Occupations prepared for (ROME)
refs-trainings-link = See the trainings that prepare for it

## Public training catalogue
trn-title = Trainings
trn-lead = The trainings the platform’s organisations offer, with the occupations, skills and certifications they aim at.
trn-search = Find a training
trn-q = Words
trn-q-hint = Looked for in the title, the presentation, the certification and the town.
trn-code = Occupation, skill or certification aimed at
trn-code-hint = Type at least two letters for suggestions, or the code itself: ROME (M1805), RNCP37873, RS5476.
trn-department = Département
trn-department-hint = Its number: 18, 28, 36, 37, 41, 45… Trainings at a distance are always shown.
trn-options = Conditions
trn-distance-only = Only trainings at a distance
trn-cpf-only = Only trainings eligible to the CPF
trn-submit = Search
trn-field-department = Give a département number: 37, 45, 2A, 971…
trn-field-code = This code is not in the frameworks loaded: choose a suggestion, or type a ROME code (M1805), RNCP… or RS….
trn-field-q = This search could not be run: shorten or change it.
trn-results = { $count ->
    [0] No training
    [one] One training
   *[other] { $n } trainings
}
trn-none-yet = No training is published yet.
trn-none = No training matches. Try with fewer criteria.
trn-page-of = Page { $page } of { $pages }
trn-page-beyond = This page is past the results: go back to the last one.
trn-pages = Result pages
trn-distance = At a distance
trn-in-department = département { $d }
trn-or = or on site:
trn-from-to = from { $start } to { $end }
trn-from = from { $start }
trn-until = until { $end }
trn-no-dates = To be agreed with the organisation
trn-hours = { $count ->
    [one] { $n } hour
   *[other] { $n } hours
}
trn-free = Free
trn-cpf = Eligible to the CPF
trn-cpf-no = Not eligible to the CPF
trn-cpf-heading = Personal training account (CPF)
trn-certification = Certification prepared
trn-certification-is = Certification prepared:
trn-level = European level
trn-level-is = European level:
trn-aligned = What the training aims at
trn-aligned-is = Aims at:
trn-more-codes = { $count ->
    [one] and one more
   *[other] and { $n } more
}
trn-credentials-here = Credentials you can earn here
trn-credentials-here-is = Credentials you can earn here:
trn-credentials-here-hint = The organisation issues these signed digital credentials: you receive them in your Atout portfolio and share them with whom you choose.
trn-back = All trainings
trn-where = Where
trn-dates = Dates
trn-duration = Duration
trn-price = Price
trn-reference = The organisation’s reference
trn-register = Register on the organisation’s site
trn-register-hint = The link leads to the organisation’s site, which handles registrations.
trn-no-link = The organisation gave no registration link: contact it directly.
trn-description = Presentation
trn-occupations = Occupations
trn-skills = Skills
trn-other-codes = Certifications and other codes
trn-updated = Updated on { $date }

## Console: the organisation's trainings
co-trn-title = Trainings
co-trn-lead = The organisation’s trainings. Once published, they appear in the public catalogue and are suggested to citizens whose plan aims at the same occupations or skills.
co-trn-empty = No training yet.
co-trn-count = { $count ->
    [one] One training
   *[other] { $n } trainings
}
co-trn-status-published = Published
co-trn-status-draft = Draft, not published
co-trn-reference-is = Reference:
co-trn-codes-count = { $count ->
    [one] Aligned to one code
   *[other] Aligned to { $n } codes
}
co-trn-view-public = See in the catalogue
co-trn-delete-confirm = Remove this training from the catalogue? Citizens’ plans that name it keep its title.
done-co-trn-created = Training saved.
done-co-trn-saved = Changes saved.
done-co-trn-deleted = Training removed from the catalogue.
co-trn-new-title = New training
co-trn-edit-title = Edit the training
co-trn-form-lead = Only the title and the place (a département, or “at a distance”) are required; the fuller the entry, the better the training is found.
co-trn-f-title = Title
co-trn-f-reference = Reference
co-trn-f-reference-hint = Your own reference, unique among your trainings. A CSV import updates the training with the same reference. Without one, Atout makes one.
co-trn-f-reference-fixed = The reference no longer changes: imports find the training by it.
co-trn-f-description = Presentation
co-trn-f-description-hint = Aims, audience, prerequisites, how it runs: 10,000 characters at most.
co-trn-aim = Certification prepared
co-trn-f-certification = RNCP or RS number
co-trn-f-certification-hint = Type a word of its title for suggestions, or the number (RNCP37873, RS5476).
co-trn-f-level = European level
co-trn-f-level-hint = From 1 (basic knowledge) to 8 (doctorate); level 5 is two years after the baccalauréat.
co-trn-level-none = — None —
co-trn-codes = Occupations and skills aimed at
co-trn-codes-hint = One code a row: a ROME occupation (M1805), an ESCO occupation or skill, an RNCP or RS certification. Type a word for suggestions.
co-trn-code-n = Code { $n }
co-trn-more-rows = Add rows of codes
co-trn-more-rows-hint = Need more rows? The “Add rows of codes” button, at the bottom of the form, adds some without saving anything.
co-trn-where = Place
co-trn-where-hint = A département, or “at a distance” (or both).
co-trn-f-distance = At a distance
co-trn-f-commune = Town
co-trn-f-department = Département
co-trn-f-department-hint = Its number: 37, 45, 2A, 971…
co-trn-when = Dates and duration
co-trn-f-starts = Start
co-trn-f-ends = End
co-trn-f-hours = Duration in hours
co-trn-f-hours-hint = A whole number, for example 400.
co-trn-money = Funding
co-trn-f-price = Price in euros
co-trn-f-price-hint = For example 1250.50. Leave it empty if you do not publish it; 0 for a free training.
co-trn-f-cpf = Eligible to the CPF (personal training account)
co-trn-f-url = Registration link
co-trn-f-url-hint = The address of the page where one registers, starting with https://.
co-trn-f-status = Publication
co-trn-status-published-option = Published in the catalogue
co-trn-status-draft-option = Draft, only visible here
co-trn-field-title = Give the title (300 characters at most).
co-trn-field-reference = The reference has 100 characters at most.
co-trn-field-reference-taken = Another of your trainings already has this reference.
co-trn-field-description = The presentation has 10,000 characters at most.
co-trn-field-certification = Give an RNCP or RS number of the frameworks loaded (RNCP37873, RS5476).
co-trn-field-level = Choose a level from 1 to 8.
co-trn-field-codes = One of these codes is not in the frameworks loaded, or there are more than 60.
co-trn-field-code-unknown = This code is not in the frameworks loaded: choose a suggestion or check it.
co-trn-field-distance = Tick “At a distance” or not.
co-trn-field-commune = The town has 100 characters at most.
co-trn-field-department = Give a département (37, 45, 2A, 971…), or tick “At a distance”.
co-trn-field-starts_on = Give a start date (15/09/2027).
co-trn-field-ends_on = Give an end date that is not before the start (30/06/2028).
co-trn-field-duration_hours = Give a whole number of hours, from 1 to 10,000.
co-trn-field-price = Give a price in euros, from 0 to 1,000,000 (for example 1250.50).
co-trn-field-url = Give a web address starting with https://.
co-trn-field-status = Choose “published” or “draft”.
co-trn-field-file = Choose the CSV file to import.
co-trn-too-many = The organisation has the most trainings allowed (5,000): remove some before adding others.

## Console: CSV import of trainings
co-trn-import-title = Import trainings (CSV)
co-trn-import-lead = One training a row, as a spreadsheet saves it (separated by “;” or “,”, UTF-8 or Windows). A row whose reference exists updates that training; the others are added. If a single row is wrong, nothing is imported and the page says which.
co-trn-import-file = CSV file
co-trn-import-file-hint = 8 MiB and 5,000 rows at most.
co-trn-import-submit = Import
co-trn-import-refused = The file was refused: nothing was imported.
co-trn-import-refused-heading = What stops the import
co-trn-import-nothing = Correct the file and send it again: no training was added or changed.
co-trn-import-at-cell = Line { $line }, column “{ $column }”: { $message }
co-trn-import-at-line = Line { $line }: { $message }
co-trn-import-file-unreadable = This file does not read as a list of trainings: its first line must name the columns, “Intitulé” (or “Title”) among them, and at least one training must follow.
co-trn-import-line-unreadable = this line cannot be read (quotes not closed?).
co-trn-import-too-many = With this file the organisation would have more than 5,000 trainings: nothing was imported.
co-trn-import-done-title = Import finished
co-trn-import-rows = { $count ->
    [one] One row read.
   *[other] { $n } rows read.
}
co-trn-import-created = { $count ->
    [0] No training added.
    [one] One training added.
   *[other] { $n } trainings added.
}
co-trn-import-updated = { $count ->
    [0] No training updated.
    [one] One training updated.
   *[other] { $n } trainings updated.
}
co-trn-import-see = See the trainings
co-trn-import-again = Import another file
co-trn-example = An example to start from
co-trn-example-hint = Three trainings in a file you can open with a spreadsheet, complete and send back as it is. Its columns are named in French, as most offices here write them; English names work too.
co-trn-example-download = Download the example (CSV)
co-trn-columns = The columns
co-trn-columns-hint = The first line names the columns, in French or in English, in any order. Only the title is required; unknown columns are ignored.
co-trn-col-reference = Référence (Reference)
co-trn-col-reference-hint = Your reference: a row whose reference exists updates that training.
co-trn-col-title = Intitulé (Title)
co-trn-col-title-hint = Required, 300 characters at most.
co-trn-col-description = Description
co-trn-col-description-hint = The training’s presentation.
co-trn-col-certification = Certification
co-trn-col-certification-hint = The RNCP or RS number prepared: RNCP37873, RS5476.
co-trn-col-level = Niveau (Level)
co-trn-col-level-hint = The European level, from 1 to 8.
co-trn-col-codes = Compétences (Skills)
co-trn-col-codes-hint = The codes aimed at, separated by “|”: ROME occupations (M1805), ESCO occupations and skills, certifications.
co-trn-col-commune = Commune (City)
co-trn-col-commune-hint = Where it takes place.
co-trn-col-department = Département (Department)
co-trn-col-department-hint = Its number (37, 45, 2A…); required unless at a distance.
co-trn-col-distance = À distance (Distance)
co-trn-col-distance-hint = oui or non (yes or no).
co-trn-col-starts = Début (Start)
co-trn-col-starts-hint = A date: 15/09/2027.
co-trn-col-ends = Fin (End)
co-trn-col-ends-hint = A date not before the start.
co-trn-col-hours = Durée (h) (Hours)
co-trn-col-hours-hint = A whole number of hours.
co-trn-col-price = Tarif (€) (Price)
co-trn-col-price-hint = In euros: 1 250,50 or 1250.50.
co-trn-col-cpf = CPF
co-trn-col-cpf-hint = oui (yes) if the training is eligible to the CPF.
co-trn-col-url = Lien (Link)
co-trn-col-url-hint = The registration page, https://…
co-trn-col-status = Statut (Status)
co-trn-col-status-hint = “publiée” (published, the default) or “brouillon” (draft).

## Console: frameworks (administrator)
co-refs-title = Reference frameworks
co-refs-lead = The versions of ESCO, the ROME and the RNCP loaded, what each import left aside, and the import of a new version.
co-refs-public = See the public frameworks page
co-refs-source = Files read
co-refs-skipped-none = No line was left aside by the import.
co-refs-skipped = { $count ->
    [one] One line left aside by the import.
   *[other] { $n } lines left aside by the import.
}
co-refs-skipped-first = { $count ->
    [one] The line left aside (the reader’s reason)
   *[other] The first { $count } lines left aside (the reader’s reasons)
}
co-refs-skipped-at = “{ $file }”, line { $line }:
co-refs-import-heading = Import a version
co-refs-import-lead = The file as the publisher publishes it: a ZIP, a CSV or a compressed CSV (.csv.gz), 256 MiB at most (larger ones go through the “atout frameworks import” command). A refused file imports nothing. A new version replaces the old one in the search, whose codes still resolve; another language of a version already loaded is added to it. Sending a large file takes a few minutes: keep the page open.
co-refs-f-format = Framework
co-refs-format-esco = ESCO (the European Commission’s CSV export)
co-refs-format-rome = ROME 4.0 and NAF sectors (France Travail)
co-refs-format-rncp = RNCP and RS (France compétences’ export)
co-refs-f-version = Version
co-refs-f-version-hint = The version’s name at the publisher: v1.2.0, 2025-09…
co-refs-f-lang = Language of the labels
co-refs-f-lang-hint = 2 or 3 letters: fr, en… Required for ESCO, whose files do not say it; French by default for the others.
co-refs-f-published = The publisher’s date of publication
co-refs-f-published-hint = It is shown with the source, as the licence asks.
co-refs-f-file = File
co-refs-f-file-hint = ZIP, CSV or CSV.GZ, 256 MiB at most.
co-refs-import-submit = Import
co-refs-field-format = Choose ESCO, ROME or RNCP.
co-refs-field-version = Give the version: 1 to 40 letters, digits, dots, dashes or spaces (v1.2.0, 2025-09).
co-refs-field-lang = Give the language in 2 or 3 letters (fr, en…); it is required for ESCO.
co-refs-field-published_on = Give a date as YYYY-MM-DD.
co-refs-field-file = Choose the file to import.
co-refs-busy = Another import of a framework is under way. Try again when it has finished.
co-refs-refused = The file was refused: nothing was imported.
co-refs-refused-heading = Why the file is refused
co-refs-refused-file-line = In the file “{ $file }”, at line { $line }.
co-refs-refused-file = In the file “{ $file }”.
co-refs-refused-line = At line { $line }.
co-refs-refused-why = The reason, as the file reader gives it:
co-refs-refused-what-now = Check that it is this framework’s export as the publisher publishes it, then send it again. The version already loaded stays in use.
co-refs-done-title = Import finished
co-refs-done-created = New version { $version } loaded.
co-refs-done-merged = Added to version { $version }, already loaded (another language, or the same files again).
co-refs-done-replaced = It replaces version { $old } in the search; the old version’s codes still resolve.
co-refs-done-gone = { $count ->
    [0] No code of the previous version is missing.
    [one] One code of the previous version is gone.
   *[other] { $n } codes of the previous version are gone.
}
co-refs-done-back = Back to the frameworks
