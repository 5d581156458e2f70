# Reference frameworks, the training catalogue, the combobox (issue 18).

co-nav-trainings = Formations
co-nav-frameworks = Référentiels

## Un code et son libellé, partout où un code est montré
refs-in-lang-fr = en français
refs-in-lang-en = en anglais
refs-in-lang-other = dans une autre langue
refs-lang-fr = français
refs-lang-en = anglais
refs-guessed = libellé approximatif
refs-inactive = plus en vigueur
refs-level = Niveau { $n }
refs-kind-occupation = Métier
refs-kind-skill = Compétence
refs-kind-knowledge = Savoir
refs-kind-certification = Certification
refs-kind-isco-group = Groupe de la CITP (ISCO)
refs-kind-sector = Secteur d’activité

## Les suggestions sous un champ de code (combobox.js : { "{n}" } et { "{m}" } restent tels quels)
refs-combo-empty = Aucune suggestion. Vous pouvez taper le code lui-même (M1805, RNCP37873…).
refs-combo-count = { "{n}" } suggestions, flèches haut et bas pour choisir
refs-combo-via = via « { "{m}" } »
refs-combo-level = niveau { "{n}" }

## Page publique des référentiels
refs-title = Référentiels
refs-lead = Atout décrit les métiers, les compétences et les certifications avec les référentiels publics : ESCO (Commission européenne), le ROME (France Travail), le RNCP et le Répertoire spécifique (France compétences). Voici ce qui est chargé sur ce serveur, d’où cela vient et sous quelle licence.
refs-search-heading = Chercher un métier, une compétence ou une certification
refs-search-q = Mots ou code
refs-search-q-hint = Par exemple « infirmier », « soudage », M1805 ou RNCP37873. Les accents, les majuscules et une faute de frappe ne comptent pas.
refs-search-kind = Ce que vous cherchez
refs-search-kind-any = Tout
refs-search-submit = Chercher
refs-field-q = Cette recherche n’a pas pu être faite : raccourcissez-la ou changez-la.
refs-results = { $count ->
    [0] Aucun résultat
    [one] Un résultat
   *[other] { $n } résultats
}
refs-results-first = Les { $n } premiers résultats
refs-no-result = Rien ne correspond. Essayez un autre mot, moins de mots, ou un code.
refs-via = trouvé par « { $m } »
refs-versions-heading = Versions chargées
refs-indexed = { $count ->
    [0] Aucun code n’est encore consultable.
    [one] Un code est consultable dans la recherche.
   *[other] { $n } codes sont consultables dans la recherche.
}
refs-family-esco = ESCO et CITP (ISCO-08)
refs-family-esco-about = La classification européenne des métiers, des compétences et des savoirs, avec les groupes de la Classification internationale type des professions.
refs-family-rome = ROME 4.0 et secteurs NAF
refs-family-rome-about = Le Répertoire opérationnel des métiers et des emplois de France Travail, et les secteurs d’activité où l’on trouve chaque métier.
refs-family-rncp = RNCP et Répertoire spécifique
refs-family-rncp-about = Les certifications professionnelles reconnues en France (diplômes, titres, certificats) et leurs blocs de compétences, publiés par France compétences.
refs-family-not-loaded = Pas encore chargé sur ce serveur.
refs-version = Version { $version }
refs-status-active = En service
refs-status-retired = Remplacée (ses codes restent lisibles)
refs-published-on = Publiée par l’éditeur le
refs-imported-on = Chargée le
refs-languages = Langues
refs-contents = Contenu
refs-labels = Libellés
refs-links = Relations
refs-gone = Codes disparus
refs-first-version = Première version chargée : rien à comparer.
refs-gone-count = { $count ->
    [0] Tous les codes de la version { $previous } sont encore là.
    [one] Un code de la version { $previous } n’y est plus ; il reste lisible grâce à l’ancienne version.
   *[other] { $n } codes de la version { $previous } n’y sont plus ; ils restent lisibles grâce à l’ancienne version.
}
refs-gone-first = { $count ->
    [one] Le code disparu
   *[other] Les { $count } premiers codes disparus
}
refs-gone-all = Les codes disparus
refs-attribution = Source et licence :
refs-count-line = { $framework } : { $what }
refs-count-occupation = { $count ->
    [one] { $n } métier
   *[other] { $n } métiers
}
refs-count-skill = { $count ->
    [one] { $n } compétence
   *[other] { $n } compétences
}
refs-count-knowledge = { $count ->
    [one] { $n } savoir
   *[other] { $n } savoirs
}
refs-count-certification = { $count ->
    [one] { $n } certification
   *[other] { $n } certifications
}
refs-count-isco-group = { $count ->
    [one] { $n } groupe de métiers
   *[other] { $n } groupes de métiers
}
refs-count-sector = { $count ->
    [one] { $n } secteur d’activité
   *[other] { $n } secteurs d’activité
}
refs-count-labels = { $count ->
    [one] { $n } libellé en { $lang }
   *[other] { $n } libellés en { $lang }
}
refs-rel-essential-skill = { $count ->
    [one] { $n } lien entre un métier et une compétence essentielle
   *[other] { $n } liens entre un métier et une compétence essentielle
}
refs-rel-optional-skill = { $count ->
    [one] { $n } lien entre un métier et une compétence facultative
   *[other] { $n } liens entre un métier et une compétence facultative
}
refs-rel-rome = { $count ->
    [one] { $n } lien entre une certification et un métier du ROME
   *[other] { $n } liens entre une certification et un métier du ROME
}
refs-rel-sector-rome = { $count ->
    [one] { $n } lien entre un secteur et un métier du ROME
   *[other] { $n } liens entre un secteur et un métier du ROME
}

## La fiche d’un code
refs-concept-title = Fiche du référentiel
refs-label-in = Libellé { $lang } : les données chargées n’en ont pas en français.
refs-guessed-note = Ce libellé est une estimation d’Atout, pas celui de l’éditeur : il aide à reconnaître le code, il n’est jamais écrit dans un justificatif.
refs-concept-inactive = Ce code n’est plus en vigueur. Il reste affiché pour les parcours et les justificatifs qui le citent.
refs-concept-retired = Ce code vient de la version { $version }, remplacée depuis. Il reste affiché pour les parcours et les justificatifs qui le citent.
refs-kind = Nature
refs-framework = Référentiel
refs-code = Code
refs-cert-level = Niveau européen
refs-isco-group = Groupe de la CITP (ISCO)
refs-parent = Groupe parent
refs-description = Description
refs-description-in = Description { $lang } : les données chargées n’en ont pas en français.
refs-other-labels = Autres libellés
refs-preferred = libellé principal
refs-essential = Compétences essentielles
refs-skills-none = Les relations entre métiers et compétences chargées sur ce serveur ne couvrent pas ce métier : cela ne veut pas dire qu’il n’en demande aucune.
refs-optional = Compétences facultatives
refs-needed-by = Métiers qui demandent cette compétence
refs-rome-certifications = Certifications qui préparent à ce métier
refs-blocks = Blocs de compétences
refs-certifiers = Certificateurs
refs-siret = SIRET { $siret }
refs-rome-codes = Métiers visés (ROME)
refs-trainings-link = Voir les formations qui y préparent

## Catalogue public des formations
trn-title = Formations
trn-lead = Les formations que proposent les organismes de la plateforme, avec les métiers, les compétences et les certifications qu’elles visent.
trn-search = Chercher une formation
trn-q = Mots
trn-q-hint = Cherchés dans l’intitulé, la présentation, la certification et la commune.
trn-code = Métier, compétence ou certification visé
trn-code-hint = Tapez au moins deux lettres pour avoir des suggestions, ou le code lui-même : ROME (M1805), RNCP37873, RS5476.
trn-department = Département
trn-department-hint = Son numéro : 18, 28, 36, 37, 41, 45… Les formations à distance sont toujours montrées.
trn-options = Conditions
trn-distance-only = Seulement les formations à distance
trn-cpf-only = Seulement les formations éligibles au CPF
trn-submit = Chercher
trn-field-department = Indiquez un numéro de département : 37, 45, 2A, 971…
trn-field-code = Ce code n’est pas dans les référentiels chargés : choisissez une suggestion, ou tapez un code ROME (M1805), RNCP… ou RS….
trn-field-q = Cette recherche n’a pas pu être faite : raccourcissez-la ou changez-la.
trn-results = { $count ->
    [0] Aucune formation
    [one] Une formation
   *[other] { $n } formations
}
trn-none-yet = Aucune formation n’est publiée pour l’instant.
trn-none = Aucune formation ne correspond. Essayez avec moins de critères.
trn-page-of = Page { $page } sur { $pages }
trn-page-beyond = Cette page va au-delà des résultats : revenez à la dernière.
trn-pages = Pages de résultats
trn-distance = À distance
trn-in-department = département { $d }
trn-or = ou sur place :
trn-from-to = du { $start } au { $end }
trn-from = à partir du { $start }
trn-until = jusqu’au { $end }
trn-no-dates = À convenir avec l’organisme
trn-hours = { $count ->
    [one] { $n } heure
   *[other] { $n } heures
}
trn-free = Gratuit
trn-cpf = Éligible au CPF
trn-cpf-no = Non éligible au CPF
trn-cpf-heading = Compte personnel de formation
trn-certification = Certification préparée
trn-certification-is = Certification préparée :
trn-level = Niveau européen
trn-level-is = Niveau européen :
trn-aligned = Ce que vise la formation
trn-aligned-is = Vise :
trn-more-codes = { $count ->
    [one] et un autre
   *[other] et { $n } autres
}
trn-credentials-here = Justificatifs à obtenir ici
trn-credentials-here-is = Justificatifs à obtenir ici :
trn-credentials-here-hint = L’organisme délivre ces justificatifs numériques signés : vous les recevez dans votre portfolio Atout et les partagez à qui vous voulez.
trn-back = Toutes les formations
trn-where = Lieu
trn-dates = Dates
trn-duration = Durée
trn-price = Tarif
trn-reference = Référence de l’organisme
trn-register = S’inscrire sur le site de l’organisme
trn-register-hint = Le lien mène au site de l’organisme, qui gère les inscriptions.
trn-no-link = L’organisme n’a pas donné de lien d’inscription : contactez-le directement.
trn-description = Présentation
trn-occupations = Métiers
trn-skills = Compétences
trn-other-codes = Certifications et autres codes
trn-updated = Mise à jour le { $date }

## Console : formations de l’organisme
co-trn-title = Formations
co-trn-lead = Les formations de l’organisme. Publiées, elles paraissent dans le catalogue public et sont proposées aux citoyens dont le projet vise les mêmes métiers ou compétences.
co-trn-empty = Aucune formation pour l’instant.
co-trn-count = { $count ->
    [one] Une formation
   *[other] { $n } formations
}
co-trn-status-published = Publiée
co-trn-status-draft = Brouillon, non publiée
co-trn-reference-is = Référence :
co-trn-codes-count = { $count ->
    [one] Alignée sur un code
   *[other] Alignée sur { $n } codes
}
co-trn-view-public = Voir dans le catalogue
co-trn-delete-confirm = Supprimer cette formation du catalogue ? Les projets des citoyens qui la citent gardent son intitulé.
done-co-trn-created = Formation enregistrée.
done-co-trn-saved = Modifications enregistrées.
done-co-trn-deleted = Formation supprimée du catalogue.
co-trn-new-title = Nouvelle formation
co-trn-edit-title = Modifier la formation
co-trn-form-lead = Seuls l’intitulé et le lieu (un département, ou « à distance ») sont obligatoires ; plus la fiche est complète, mieux la formation est trouvée.
co-trn-f-title = Intitulé
co-trn-f-reference = Référence
co-trn-f-reference-hint = Votre propre référence, unique parmi vos formations. Un import CSV met à jour la formation qui a la même référence. Sans elle, Atout en crée une.
co-trn-f-reference-fixed = La référence ne change plus : c’est par elle que les imports retrouvent la formation.
co-trn-f-description = Présentation
co-trn-f-description-hint = Objectifs, public, prérequis, déroulement : 10 000 caractères au plus.
co-trn-aim = Certification préparée
co-trn-f-certification = Numéro RNCP ou RS
co-trn-f-certification-hint = Tapez un mot de l’intitulé pour avoir des suggestions, ou le numéro (RNCP37873, RS5476).
co-trn-f-level = Niveau européen
co-trn-f-level-hint = De 1 (savoirs de base) à 8 (doctorat) ; un niveau 5 correspond à bac + 2.
co-trn-level-none = — Aucun —
co-trn-codes = Métiers et compétences visés
co-trn-codes-hint = Un code par ligne : un métier du ROME (M1805), un métier ou une compétence d’ESCO, une certification RNCP ou RS. Tapez un mot pour avoir des suggestions.
co-trn-code-n = Code { $n }
co-trn-more-rows = Ajouter des lignes de codes
co-trn-more-rows-hint = Il faut plus de lignes ? Le bouton « Ajouter des lignes de codes », en bas du formulaire, en ajoute sans rien enregistrer.
co-trn-where = Lieu
co-trn-where-hint = Un département, ou « à distance » (ou les deux).
co-trn-f-distance = À distance
co-trn-f-commune = Commune
co-trn-f-department = Département
co-trn-f-department-hint = Son numéro : 37, 45, 2A, 971…
co-trn-when = Dates et durée
co-trn-f-starts = Début
co-trn-f-ends = Fin
co-trn-f-hours = Durée en heures
co-trn-f-hours-hint = Un nombre entier, par exemple 400.
co-trn-money = Financement
co-trn-f-price = Tarif en euros
co-trn-f-price-hint = Par exemple 1 250,50. Laissez vide si vous ne le publiez pas ; 0 pour une formation gratuite.
co-trn-f-cpf = Éligible au CPF (Compte personnel de formation)
co-trn-f-url = Lien d’inscription
co-trn-f-url-hint = L’adresse de la page où s’inscrire, commençant par https://.
co-trn-f-status = Publication
co-trn-status-published-option = Publiée dans le catalogue
co-trn-status-draft-option = Brouillon, visible seulement ici
co-trn-field-title = Indiquez l’intitulé (300 caractères au plus).
co-trn-field-reference = La référence compte 100 caractères au plus.
co-trn-field-reference-taken = Une autre de vos formations a déjà cette référence.
co-trn-field-description = La présentation compte 10 000 caractères au plus.
co-trn-field-certification = Indiquez un numéro RNCP ou RS des référentiels chargés (RNCP37873, RS5476).
co-trn-field-level = Choisissez un niveau de 1 à 8.
co-trn-field-codes = Un de ces codes n’est pas dans les référentiels chargés, ou il y en a plus de 60.
co-trn-field-code-unknown = Ce code n’est pas dans les référentiels chargés : choisissez une suggestion ou vérifiez-le.
co-trn-field-distance = Cochez « À distance » ou non.
co-trn-field-commune = La commune compte 100 caractères au plus.
co-trn-field-department = Indiquez un département (37, 45, 2A, 971…), ou cochez « À distance ».
co-trn-field-starts_on = Indiquez une date de début (15/09/2027).
co-trn-field-ends_on = Indiquez une date de fin qui ne précède pas le début (30/06/2028).
co-trn-field-duration_hours = Indiquez un nombre entier d’heures, de 1 à 10 000.
co-trn-field-price = Indiquez un tarif en euros, de 0 à 1 000 000 (par exemple 1 250,50).
co-trn-field-url = Indiquez une adresse web commençant par https://.
co-trn-field-status = Choisissez « publiée » ou « brouillon ».
co-trn-field-file = Choisissez le fichier CSV à importer.
co-trn-too-many = L’organisme a atteint le nombre maximal de formations (5 000) : supprimez-en avant d’en ajouter.

## Console : import CSV des formations
co-trn-import-title = Importer des formations (CSV)
co-trn-import-lead = Une formation par ligne, comme un tableur l’enregistre (séparateur « ; » ou « , », UTF-8 ou Windows). Une ligne dont la référence existe déjà met à jour cette formation ; les autres sont ajoutées. Si une seule ligne est fausse, rien n’est importé et la page dit laquelle.
co-trn-import-file = Fichier CSV
co-trn-import-file-hint = 8 Mio et 5 000 lignes au plus.
co-trn-import-submit = Importer
co-trn-import-refused = Le fichier a été refusé : rien n’a été importé.
co-trn-import-refused-heading = Ce qui arrête l’import
co-trn-import-nothing = Corrigez le fichier et envoyez-le de nouveau : aucune formation n’a été ajoutée ni modifiée.
co-trn-import-at-cell = Ligne { $line }, colonne « { $column } » : { $message }
co-trn-import-at-line = Ligne { $line } : { $message }
co-trn-import-file-unreadable = Ce fichier ne se lit pas comme une liste de formations : sa première ligne doit nommer les colonnes, dont « Intitulé », et au moins une formation doit suivre.
co-trn-import-line-unreadable = cette ligne ne peut pas être lue (des guillemets mal fermés ?).
co-trn-import-too-many = Avec ce fichier, l’organisme dépasserait 5 000 formations : rien n’a été importé.
co-trn-import-done-title = Import terminé
co-trn-import-rows = { $count ->
    [one] Une ligne lue.
   *[other] { $n } lignes lues.
}
co-trn-import-created = { $count ->
    [0] Aucune formation ajoutée.
    [one] Une formation ajoutée.
   *[other] { $n } formations ajoutées.
}
co-trn-import-updated = { $count ->
    [0] Aucune formation mise à jour.
    [one] Une formation mise à jour.
   *[other] { $n } formations mises à jour.
}
co-trn-import-see = Voir les formations
co-trn-import-again = Importer un autre fichier
co-trn-example = Un exemple pour commencer
co-trn-example-hint = Trois formations dans un fichier que vous pouvez ouvrir avec un tableur, compléter et renvoyer tel quel.
co-trn-example-download = Télécharger l’exemple (CSV)
co-trn-columns = Les colonnes
co-trn-columns-hint = La première ligne nomme les colonnes, en français ou en anglais, dans l’ordre que vous voulez. Seul « Intitulé » est obligatoire ; les colonnes inconnues sont ignorées.
co-trn-col-reference = Référence
co-trn-col-reference-hint = Votre référence : une ligne dont la référence existe déjà met à jour cette formation.
co-trn-col-title = Intitulé
co-trn-col-title-hint = Obligatoire, 300 caractères au plus.
co-trn-col-description = Description
co-trn-col-description-hint = La présentation de la formation.
co-trn-col-certification = Certification
co-trn-col-certification-hint = Le numéro RNCP ou RS préparé : RNCP37873, RS5476.
co-trn-col-level = Niveau
co-trn-col-level-hint = Le niveau européen, de 1 à 8.
co-trn-col-codes = Compétences
co-trn-col-codes-hint = Les codes visés, séparés par « | » : métiers du ROME (M1805), métiers et compétences d’ESCO, certifications.
co-trn-col-commune = Commune
co-trn-col-commune-hint = Où elle a lieu.
co-trn-col-department = Département
co-trn-col-department-hint = Son numéro (37, 45, 2A…) ; obligatoire sauf à distance.
co-trn-col-distance = À distance
co-trn-col-distance-hint = oui ou non.
co-trn-col-starts = Début
co-trn-col-starts-hint = Une date : 15/09/2027.
co-trn-col-ends = Fin
co-trn-col-ends-hint = Une date qui ne précède pas le début.
co-trn-col-hours = Durée (h)
co-trn-col-hours-hint = Un nombre entier d’heures.
co-trn-col-price = Tarif (€)
co-trn-col-price-hint = En euros : 1 250,50.
co-trn-col-cpf = CPF
co-trn-col-cpf-hint = oui si la formation est éligible au CPF.
co-trn-col-url = Lien
co-trn-col-url-hint = La page d’inscription, https://…
co-trn-col-status = Statut
co-trn-col-status-hint = « publiée » (par défaut) ou « brouillon ».

## Console : référentiels (administrateur)
co-refs-title = Référentiels
co-refs-lead = Les versions chargées d’ESCO, du ROME et du RNCP, ce que chaque import a laissé de côté, et l’import d’une nouvelle version.
co-refs-public = Voir la page publique des référentiels
co-refs-source = Fichiers lus
co-refs-skipped-none = Aucune ligne laissée de côté à l’import.
co-refs-skipped = { $count ->
    [one] Une ligne laissée de côté à l’import.
   *[other] { $n } lignes laissées de côté à l’import.
}
co-refs-skipped-first = { $count ->
    [one] La ligne laissée de côté (raison du lecteur, en anglais)
   *[other] Les { $count } premières lignes laissées de côté (raisons du lecteur, en anglais)
}
co-refs-skipped-at = « { $file } », ligne { $line } :
co-refs-import-heading = Importer une version
co-refs-import-lead = Le fichier tel que l’éditeur le publie : un ZIP, un CSV ou un CSV compressé (.csv.gz), 256 Mio au plus (les plus gros passent par la commande « atout frameworks import »). Un fichier refusé n’importe rien. Une nouvelle version remplace l’ancienne dans la recherche, dont les codes restent lisibles ; une autre langue d’une version déjà chargée s’y ajoute. L’envoi d’un gros fichier prend quelques minutes : gardez la page ouverte.
co-refs-f-format = Référentiel
co-refs-format-esco = ESCO (export CSV de la Commission européenne)
co-refs-format-rome = ROME 4.0 et secteurs NAF (France Travail)
co-refs-format-rncp = RNCP et RS (export de France compétences)
co-refs-f-version = Version
co-refs-f-version-hint = Le nom de la version chez l’éditeur : v1.2.0, 2025-09…
co-refs-f-lang = Langue des libellés
co-refs-f-lang-hint = En 2 ou 3 lettres : fr, en… Obligatoire pour ESCO, dont les fichiers ne la disent pas ; le français par défaut pour les autres.
co-refs-f-published = Date de publication par l’éditeur
co-refs-f-published-hint = Elle est affichée avec la source, comme la licence le demande.
co-refs-f-file = Fichier
co-refs-f-file-hint = ZIP, CSV ou CSV.GZ, 256 Mio au plus.
co-refs-import-submit = Importer
co-refs-field-format = Choisissez ESCO, ROME ou RNCP.
co-refs-field-version = Indiquez la version : de 1 à 40 lettres, chiffres, points, tirets ou espaces (v1.2.0, 2025-09).
co-refs-field-lang = Indiquez la langue en 2 ou 3 lettres (fr, en…) ; elle est obligatoire pour ESCO.
co-refs-field-published_on = Indiquez une date au format AAAA-MM-JJ.
co-refs-field-file = Choisissez le fichier à importer.
co-refs-busy = Un autre import de référentiel est en cours. Réessayez quand il sera terminé.
co-refs-refused = Le fichier a été refusé : rien n’a été importé.
co-refs-refused-heading = Pourquoi le fichier est refusé
co-refs-refused-file-line = Dans le fichier « { $file } », à la ligne { $line }.
co-refs-refused-file = Dans le fichier « { $file } ».
co-refs-refused-line = À la ligne { $line }.
co-refs-refused-why = La raison, telle que le lecteur de fichiers la donne (en anglais) :
co-refs-refused-what-now = Vérifiez que c’est bien l’export de ce référentiel, tel que l’éditeur le publie, puis envoyez-le de nouveau. La version déjà chargée reste en service.
co-refs-done-title = Import terminé
co-refs-done-created = Nouvelle version { $version } chargée.
co-refs-done-merged = Ajouté à la version { $version }, déjà chargée (une autre langue, ou les mêmes fichiers de nouveau).
co-refs-done-replaced = Elle remplace la version { $old } dans la recherche ; les codes de l’ancienne restent lisibles.
co-refs-done-gone = { $count ->
    [0] Aucun code de la version précédente ne manque.
    [one] Un code de la version précédente n’y est plus.
   *[other] { $n } codes de la version précédente n’y sont plus.
}
co-refs-done-back = Revenir aux référentiels
