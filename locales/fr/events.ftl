# Événements (issue 19) : console, pages publiques, iCalendar, Atom.
co-nav-events = Événements

# La console : la liste.
co-ev-title = Événements
co-ev-lead = Les événements de l’organisme : salons, portes ouvertes, réunions d’information, sessions de formation, recrutements. Publiés, ils paraissent dans l’agenda public et dans le fil des citoyens qu’ils concernent.
co-ev-lead-platform = Les événements de la plateforme, pour toute la région. Publiés, ils paraissent dans l’agenda public et dans le fil des citoyens qu’ils concernent.
co-ev-empty = Aucun événement pour l’instant.
co-ev-times-paris = Les heures sont celles de Paris.
co-ev-count = { $count ->
    [0] Aucun événement.
    [one] Un événement.
   *[other] { $n } événements.
}
co-ev-more = { $count ->
    [one] Seul le plus proche est listé ici.
   *[other] Seuls les { $n } plus proches sont listés ici.
}
co-ev-drafts = Brouillons
co-ev-published = Publiés
co-ev-cancelled = Annulés
co-ev-status-published = Publié
co-ev-status-draft = Brouillon, non publié
co-ev-status-cancelled = Annulé
co-ev-cancel-reason-is = Motif de l’annulation :
co-ev-publish = Publier
co-ev-delete-confirm = Supprimer ce brouillon ? Il n’a jamais été publié.
co-ev-view-public = Voir dans l’agenda
co-ev-cancel = Annuler l’événement
co-ev-registrations = Inscrits
co-ev-when-same-day = { $day }, { $start } – { $end }
co-ev-when-days = du { $startDay }, { $start } au { $endDay }, { $end }
co-ev-department-n = Département { $n }
co-ev-place-both = { $place } et en ligne
co-ev-place-online = En ligne
co-ev-registered = { $count ->
    [0] Aucun inscrit sur Atout.
    [one] Un inscrit sur Atout.
   *[other] { $n } inscrits sur Atout.
}
co-ev-registered-of = { $count ->
    [0] Aucun inscrit sur Atout, { $capacity } places.
    [one] Un inscrit sur Atout, { $capacity } places.
   *[other] { $n } inscrits sur Atout, { $capacity } places.
}
co-ev-kind-job-fair = Salon ou forum de l’emploi
co-ev-kind-open-day = Portes ouvertes
co-ev-kind-info-session = Réunion d’information
co-ev-kind-training-session = Session de formation
co-ev-kind-recruitment = Recrutement
co-ev-kind-workshop = Atelier
co-ev-kind-other = Autre événement
co-ev-audience-all = Tout public
co-ev-audience-job-seekers = Demandeurs d’emploi
co-ev-audience-students = Élèves et étudiants
co-ev-audience-young = Jeunes
co-ev-audience-employees = Salariés
co-ev-audience-employers = Employeurs
co-ev-registration-none = Pas d’inscription : entrée libre
co-ev-registration-atout = Inscription sur Atout (la liste des inscrits est ici)
co-ev-registration-external = Inscription sur un autre site

done-co-ev-created = Événement enregistré comme brouillon : publiez-le quand il est prêt.
done-co-ev-published = Événement publié : il paraît dans l’agenda.
done-co-ev-saved = Modifications enregistrées. Si l’événement est publié, les agendas des inscrits se mettent à jour.
done-co-ev-deleted = Brouillon supprimé.
done-co-ev-cancelled = Événement annulé : les personnes inscrites ou intéressées sont prévenues.
done-co-ev-cancelled-fixed = Un événement annulé ne se modifie plus.
done-co-ev-publish-past = Ce brouillon commence dans le passé : changez ses dates avant de le publier.
done-co-ev-publish-not-draft = Cet événement n’est plus un brouillon : il est déjà publié ou annulé.
done-co-ev-delete-not-draft = Seul un brouillon se supprime : un événement publié s’annule.
done-co-ev-cancel-not-published = Seul un événement publié s’annule (un brouillon se supprime).

# Le formulaire.
co-ev-new-title = Nouvel événement
co-ev-edit-title = Modifier l’événement
co-ev-form-lead = Il faut un titre (en français ou en anglais), un début et une fin, et un lieu ou un lien en ligne. Un événement enregistré reste un brouillon tant que vous ne le publiez pas.
co-ev-f-kind = Type d’événement
co-ev-titles = Titre et présentation
co-ev-titles-hint = En français, en anglais, ou dans les deux langues : au moins un titre.
co-ev-f-title_fr = Titre en français
co-ev-f-title_en = Titre en anglais
co-ev-f-description_fr = Présentation en français
co-ev-f-description_en = Présentation en anglais
co-ev-f-description-hint = Le programme, le public, ce qu’il faut apporter : 8 000 caractères au plus.
co-ev-when = Date et heure
co-ev-when-hint = À l’heure de Paris. Sans calendrier dans le navigateur, écrivez par exemple 15/03/2027 14:00.
co-ev-f-starts_at = Début
co-ev-f-ends_at = Fin
co-ev-f-place = Lieu
co-ev-place-hint = Une adresse (avec la commune et le département), un lien pour suivre l’événement en ligne, ou les deux.
co-ev-f-address = Adresse
co-ev-f-commune = Commune
co-ev-f-department = Département
co-ev-f-department-hint = Son numéro : 37, 45, 2A, 971…
co-ev-f-online_url = Lien pour suivre en ligne
co-ev-f-online_url-hint = Une adresse commençant par https://.
co-ev-who = Public et places
co-ev-f-audience = Public
co-ev-f-capacity = Nombre de places
co-ev-f-capacity-hint = Un nombre entier ; laissez vide s’il n’y a pas de limite.
co-ev-f-registration = Inscription
co-ev-f-registration_url = Lien d’inscription
co-ev-f-registration_url-hint = Pour une inscription sur un autre site : l’adresse de sa page, commençant par https://.
co-ev-codes = Métiers, compétences et certifications
co-ev-f-codes = Codes des référentiels
co-ev-codes-hint = Un code par ligne : un métier du ROME (M1805), un métier ou une compétence d’ESCO, une certification RNCP ou RS. Tapez un mot pour avoir des suggestions. Les citoyens dont le parcours vise ces codes voient l’événement en premier.
co-ev-code-n = Code { $n }
co-ev-more-rows = Ajouter des lignes de codes
co-ev-more-rows-hint = Il faut plus de lignes ? Le bouton « Ajouter des lignes de codes », en bas du formulaire, en ajoute sans rien enregistrer.
co-ev-f-free_tags = Mots-clés
co-ev-f-free_tags-hint = Séparés par des virgules : numérique, apprentissage. 20 au plus.
co-ev-f-status = Publication
co-ev-status-draft-option = Brouillon, visible seulement ici
co-ev-status-published-option = Publié dans l’agenda dès maintenant
co-ev-edit-published-hint = Un événement publié qui change est mis à jour dans les agendas de ceux qui l’ont ajouté.
co-ev-f-reason = Motif de l’annulation
co-ev-f-reason-hint = Il est envoyé aux personnes prévenues : 1 000 caractères au plus.

# Ce qui ne va pas dans un champ ($field : son nom ; $max : une limite).
co-ev-err-required = « { $field } » est à remplir.
co-ev-err-too-long = « { $field } » compte { $max } caractères au plus.
co-ev-err-control-characters = « { $field } » contient des caractères invisibles qui ne sont pas admis.
co-ev-err-unknown-value = « { $field } » : choisissez une des valeurs proposées.
co-ev-err-bad-datetime = « { $field } » : indiquez une date et une heure, par exemple 15/03/2027 14:00.
co-ev-err-nonexistent-time = « { $field } » : cette heure n’existe pas à Paris ce jour-là (passage à l’heure d’été).
co-ev-err-end-before-start = La fin doit venir après le début.
co-ev-err-in-the-past = Le début est déjà passé : un événement s’annonce avant d’avoir lieu.
co-ev-err-too-long-event = Un événement dure au plus un an.
co-ev-err-too-far = Un événement commence dans les trois ans.
co-ev-err-bad-url = « { $field } » : indiquez une adresse web commençant par https://.
co-ev-err-bad-department = Indiquez le numéro d’un département : 37, 45, 2A, 971…
co-ev-err-place-missing = Indiquez un lieu (commune et département), un lien pour suivre en ligne, ou les deux.
co-ev-err-unknown-code = Ce code n’est pas dans les référentiels chargés : choisissez une suggestion ou vérifiez-le.
co-ev-err-unknown-framework = Ce référentiel n’est pas connu : ROME, ESCO, RNCP ou RS.
co-ev-err-too-many = « { $field } » : { $max } au plus.
co-ev-err-out-of-range = Indiquez un nombre de places entier, de 1 à 100 000.
co-ev-err-not-expected = Le lien d’inscription ne sert qu’avec une inscription sur un autre site.
co-ev-err-status-change = Un événement se publie ou s’annule avec les boutons de la liste.
co-ev-err-cancelled = Cet événement a été annulé entre-temps : il ne se modifie plus.
co-ev-err-other = « { $field } » n’est pas valable.

# L’annulation.
co-ev-cancel-title = Annuler l’événement
co-ev-cancel-lead = L’événement restera dans l’agenda, marqué « annulé », et ne se modifiera plus.
co-ev-cancel-told = { $count ->
    [0] Personne ne s’est encore inscrit sur Atout ; celles et ceux qui l’ont mis de côté seront prévenus.
    [one] La personne inscrite sur Atout, et celles et ceux qui l’ont mis de côté, seront prévenus.
   *[other] Les { $n } personnes inscrites sur Atout, et celles et ceux qui l’ont mis de côté, seront prévenus.
}
co-ev-cancel-confirm = Annuler l’événement et prévenir
co-ev-cancel-keep = Ne pas l’annuler

# Les inscrits.
co-ev-registrations-title = Inscrits sur Atout
co-ev-registrations-empty = Personne ne s’est encore inscrit.
co-ev-reg-name = Nom
co-ev-reg-email = Adresse e-mail
co-ev-reg-when = Inscrit le
co-ev-at = { $day } à { $time }

# L’import CSV.
co-ev-import-title = Importer des événements (CSV)
co-ev-import-lead = Un événement par ligne, comme un tableur l’enregistre (séparateur « ; » ou « , », UTF-8 ou Windows), les dates et heures à l’heure de Paris (15/03/2027 14:00). Si une seule ligne est fausse, rien n’est importé et la page dit où.
co-ev-import-file = Fichier CSV
co-ev-import-file-hint = 2 Mio et 1 000 lignes au plus.
co-ev-import-submit = Importer
co-ev-import-choose = Choisissez le fichier CSV à importer.
co-ev-import-refused = Le fichier a été refusé : rien n’a été importé.
co-ev-import-refused-heading = Ce qui arrête l’import
co-ev-import-nothing = Corrigez le fichier et envoyez-le de nouveau : aucun événement n’a été ajouté.
co-ev-import-more = D’autres erreurs suivent : corrigez celles-ci et renvoyez le fichier pour les voir.
co-ev-import-at-cell = Ligne { $line }, colonne « { $column } » : { $message }
co-ev-import-at-line = Ligne { $line } : { $message }
co-ev-import-file-unreadable = Ce fichier ne se lit pas comme une liste d’événements : sa première ligne doit nommer les colonnes.
co-ev-import-file-missing-column = Il manque une colonne : il faut au moins « Titre », « Début » et « Fin » (ou « Heure de fin »).
co-ev-import-file-too-many-rows = Un fichier compte 1 000 événements au plus : coupez-le en plusieurs.
co-ev-import-file-empty = Le fichier ne contient aucun événement, seulement le nom des colonnes.
co-ev-import-done-title = Import terminé
co-ev-import-created = { $count ->
    [0] Aucun événement ajouté.
    [one] Un événement ajouté.
   *[other] { $n } événements ajoutés.
}
co-ev-import-published = { $count ->
    [0] Aucun n’est publié : ce sont des brouillons.
    [one] Un est publié.
   *[other] { $n } sont publiés.
}
co-ev-import-ignored = Colonnes ignorées : { $columns }.
co-ev-import-see = Voir les événements
co-ev-import-again = Importer un autre fichier
co-ev-example = Un exemple pour commencer
co-ev-example-hint = Trois événements dans un fichier que vous pouvez ouvrir avec un tableur, compléter et renvoyer tel quel.
co-ev-example-download = Télécharger l’exemple (CSV)
co-ev-columns = Les colonnes
co-ev-columns-hint = La première ligne nomme les colonnes, en français ou en anglais, dans l’ordre que vous voulez. « Titre », « Début » et « Fin » sont obligatoires ; les colonnes inconnues sont ignorées.
co-ev-col-kind = Type
co-ev-col-kind-hint = Salon, portes ouvertes, réunion d’information, session de formation, recrutement, atelier ou autre.
co-ev-col-title_fr = Titre
co-ev-col-title_fr-hint = Obligatoire (ou le titre en anglais), 200 caractères au plus.
co-ev-col-title_en = Titre (anglais)
co-ev-col-title_en-hint = Le titre en anglais, s’il y en a un.
co-ev-col-description = Description
co-ev-col-description-hint = La présentation, 8 000 caractères au plus ; « Description (anglais) » pour l’anglais.
co-ev-col-starts = Début
co-ev-col-starts-hint = La date et l’heure, à l’heure de Paris : 15/03/2027 14:00. Ou une colonne « Date » et une colonne « Heure de début ».
co-ev-col-ends = Fin
co-ev-col-ends-hint = La date et l’heure de fin, ou une colonne « Heure de fin » (le même jour).
co-ev-col-address = Adresse
co-ev-col-address-hint = Le numéro et la rue.
co-ev-col-commune = Commune
co-ev-col-commune-hint = Où il a lieu (avec le département).
co-ev-col-department = Département
co-ev-col-department-hint = Son numéro : 37, 45, 2A, 971…
co-ev-col-online = Lien en ligne
co-ev-col-online-hint = Pour suivre l’événement en ligne : https://… Un lieu, un lien, ou les deux.
co-ev-col-audience = Public
co-ev-col-audience-hint = Tous, demandeurs d’emploi, étudiants, jeunes, salariés ou employeurs.
co-ev-col-capacity = Places
co-ev-col-capacity-hint = Un nombre entier ; vide : pas de limite.
co-ev-col-registration = Inscription
co-ev-col-registration-hint = Aucune, sur Atout, ou externe (avec le lien d’inscription).
co-ev-col-registration_url = Lien d’inscription
co-ev-col-registration_url-hint = La page où s’inscrire, https://…
co-ev-col-codes = Codes
co-ev-col-codes-hint = Les métiers et compétences visés, séparés par « | » : ROME (M1805), ESCO, RNCP, RS.
co-ev-col-tags = Mots-clés
co-ev-col-tags-hint = Séparés par « | » ou des virgules.
co-ev-col-status = Statut
co-ev-col-status-hint = « brouillon » (par défaut) ou « publié ».
