# The citizen's skills and career plans (issue 18).

nav-skills = Compétences
nav-plans = Projets

# Mots communs aux compétences et aux projets (pl-).
pl-evidence-certified = Certifiée
pl-evidence-endorsed = Recommandée
pl-evidence-declared = Déclarée
pl-evidence-missing = Manquante
pl-in-lang-en = en anglais
pl-in-lang-fr = en français
pl-in-lang-other = langue : { $lang }
# Le champ à suggestions (combobox.js) et, sans JavaScript, les résultats à choisir.
pl-combo-empty = Aucune suggestion pour ces mots.
pl-combo-count = { $n } suggestions, flèches haut et bas pour choisir
pl-combo-fallback = en anglais
pl-combo-guessed = libellé approximatif
pl-combo-via = via « { $m } »
pl-combo-inactive = code retiré
pl-choose-legend = Résultats pour « { $text } » : lequel voulez-vous dire ?
pl-choose-hint = Cochez le bon, puis validez. Si aucun ne convient, changez les mots ci-dessus et validez pour chercher à nouveau.
pl-choose-one = Cochez l’un des résultats proposés, ou changez les mots pour chercher à nouveau.
pl-no-match = Rien ne correspond à « { $text } ». Essayez d’autres mots, plus courts ou plus généraux (les libellés européens ESCO peuvent être en anglais).
pl-search-failed = La recherche n’a pas pu se faire. Réessayez dans un moment.

# Les compétences (/me/skills).
sk-title = Mes compétences
sk-lead = Vos compétences viennent de ce que votre portfolio contient déjà : vos justificatifs, les étapes de votre parcours et ce que vous déclarez ici. Chacune est classée selon la preuve la plus solide que vous en avez.
sk-levels-title = Trois niveaux de preuve
sk-level-certified = Un justificatif délivré par un organisme, et qui se vérifie aujourd’hui, mentionne cette compétence ; ou une étape de votre parcours liée à un tel justificatif.
sk-level-endorsed = Une étape de votre parcours qui mentionne cette compétence a été recommandée par quelqu’un que vous avez invité.
sk-level-declared = Vous l’indiquez vous-même, ici ou dans une étape de votre parcours, sans preuve extérieure pour l’instant.
sk-empty = Aucune compétence pour l’instant. Déclarez-en une ci-dessus, ou ajoutez les codes des référentiels à vos étapes de parcours.
sk-group-certified = Certifiées
sk-group-endorsed = Recommandées
sk-group-declared = Déclarées
sk-group-certified-empty = Aucune compétence certifiée par un justificatif pour l’instant.
sk-group-endorsed-empty = Aucune compétence recommandée pour l’instant.
sk-group-declared-empty = Aucune compétence déclarée pour l’instant.
sk-count = { $count ->
    [0] aucune
    [one] une compétence
   *[other] { $count } compétences
}
sk-code = Code :
sk-source-credential = Justificatif :
sk-source-entry = Étape du parcours :
sk-source-declared = Déclarée par vous.
sk-entry-certified = liée à un justificatif vérifié
sk-endorsed-by = recommandée par { $names }
sk-remove = Retirer
sk-remove-confirm = Retirer la compétence « { $label } » que vous avez déclarée ?
sk-declare-title = Déclarer une compétence
sk-declare-lead = Choisissez-la dans le référentiel européen ESCO : elle sera comprise de la même façon par les employeurs et les organismes de formation.
sk-declare-label = Compétence
sk-declare-hint = Tapez quelques mots (par exemple « soudure » ou « JavaScript ») et choisissez dans la liste. Sans liste, validez : la page vous proposera les résultats.
sk-declare-submit = Déclarer cette compétence
sk-field-skill = Tapez quelques mots pour trouver la compétence, puis choisissez-la.
sk-too-many = Vous avez déclaré le nombre maximal de compétences (300). Retirez-en une d’abord.
done-skill-declared = La compétence est ajoutée à vos compétences déclarées.
done-skill-already = Vous aviez déjà déclaré cette compétence.
done-skill-removed = La compétence déclarée est retirée.

# Les projets professionnels (/me/plans).
pl-title = Mes projets professionnels
pl-lead = Un projet part du ou des métiers que vous visez : Atout indique les compétences qu’ils demandent, celles que vous pouvez déjà prouver, les formations qui comblent l’écart et les étapes que vous vous fixez.
pl-empty = Aucun projet pour l’instant.
pl-list-targets = Métiers visés : { $targets }
pl-list-held = compétences acquises : { $held } sur { $needed }
pl-list-steps = { $count ->
    [0] aucune étape
   *[other] étapes faites : { $done } sur { $count }
}
pl-coverage-of = Couverture du projet « { $title } »
pl-status-active = En cours
pl-status-archived = Archivé
pl-shared-badge = Partagé avec vos invités
pl-new-title = Nouveau projet
pl-new-lead = Indiquez le métier que vous visez. Vous pourrez en ajouter d’autres ensuite (cinq au plus).
pl-target-label = Métier visé
pl-target-hint = Tapez quelques mots (par exemple « infirmier » ou « développeur web ») et choisissez dans la liste : métiers du ROME de France Travail et du référentiel européen ESCO. Sans liste, validez : la page vous proposera les résultats.
pl-title-label = Nom du projet
pl-title-hint = Par défaut, le nom du métier visé.
pl-department-label = Département
pl-department-hint = Son numéro (37, 45, 2A, 971…), pour proposer d’abord les formations proches de chez vous.
pl-shared-label = Le montrer aux personnes que j’invite
pl-shared-hint = Les personnes invitées à voir votre portfolio verront ce projet : les compétences et leur niveau de preuve (pas vos documents), les étapes et les commentaires ; un conseiller invité comme contributeur pourra le commenter.
pl-new-submit = Créer le projet
pl-field-target = Tapez quelques mots pour trouver le métier, puis choisissez-le.
pl-field-title = Donnez un nom au projet (200 caractères au plus).
pl-field-department = Indiquez le numéro d’un département : 37, 45, 2A, 971…
pl-field-status = Choisissez « en cours » ou « archivé ».
pl-too-many-plans = Vous avez le nombre maximal de projets (20). Supprimez ou réutilisez-en un.
done-plan-created = Le projet est créé.
done-plan-deleted = Le projet est supprimé.

# Un projet (/me/plans/{id}).
pl-plan-title = Projet
pl-back = Mes projets
pl-department-is = département { $department }
pl-updated = mis à jour le { $date }
pl-targets-title = Métiers visés
pl-target-has-relations = les référentiels indiquent les compétences demandées
pl-target-no-relations = les référentiels chargés n’indiquent pas les compétences demandées
pl-targets-change = Ajouter ou retirer un métier visé
pl-no-relations-all = Les référentiels chargés n’indiquent pas les compétences que demande ce métier : Atout ne peut donc pas encore mesurer votre écart.
pl-no-relations-some = Pour un des métiers visés, les référentiels chargés n’indiquent pas les compétences demandées : l’écart ci-dessous ne tient compte que des autres.
pl-no-relations-what = Deux façons d’avancer :
pl-no-relations-list = indiquer vous-même les compétences que demande ce métier ;
pl-no-relations-related = viser aussi un métier proche du référentiel européen ESCO, dont les compétences sont connues.
pl-coverage-title = Où vous en êtes
pl-coverage-percent = { $percent } % couvert
pl-coverage-counts = Vous avez { $held } des { $needed } compétences demandées (certifiées : { $certified }, recommandées : { $endorsed }, déclarées : { $declared }).
pl-coverage-title-invited = Compétences acquises
pl-coverage-label = Part des compétences demandées qui est couverte
pl-coverage-counts-invited = { $held } des { $needed } compétences demandées sont acquises (certifiées : { $certified }, recommandées : { $endorsed }, déclarées : { $declared }).
pl-needed-listed-invited = ajoutée à la main
pl-coverage-rule = Comment ce pourcentage est calculé :
pl-coverage-none = Aucune compétence connue pour ce projet : indiquez-en ou visez un métier dont les compétences sont connues.
pl-coverage-none-short = compétences à indiquer
pl-needed-title = Compétences demandées
pl-needed-essential = Essentielles
pl-needed-optional = Utiles
pl-needed-none = Aucune pour l’instant.
pl-needed-listed = ajoutée par vous
pl-needed-trainings = { $count ->
    [one] une formation la propose
   *[other] { $count } formations la proposent
}
pl-skill-add-title = Ajouter une compétence au projet
pl-skill-add-lead = Ajoutez les compétences que demande le métier, si les référentiels ne les indiquent pas, ou pour compléter leur liste.
pl-skill-label = Compétence demandée
pl-skill-hint = Tapez quelques mots et choisissez dans la liste (référentiel européen ESCO). Sans liste, validez : la page vous proposera les résultats.
pl-skill-importance = Importance pour ce métier
pl-skill-essential = Essentielle : on ne peut pas exercer sans elle
pl-skill-optional = Utile : un plus
pl-skill-add = Ajouter la compétence
pl-skill-remove = Retirer du projet
pl-skill-remove-confirm = Retirer « { $label } » des compétences de ce projet ?
pl-field-skill = Tapez quelques mots pour trouver la compétence, puis choisissez-la.
pl-trainings-title = Formations pour combler l’écart
pl-trainings-lead = Les formations publiées qui préparent à des compétences qui vous manquent : celles qui en couvrent le plus d’abord, puis celles de votre département, puis à distance.
pl-trainings-none = Aucune formation publiée ne prépare pour l’instant aux compétences qui vous manquent.
pl-trainings-no-skills = Les formations utiles apparaîtront ici dès que les compétences demandées seront connues.
pl-trainings-none-needed = Il ne vous manque aucune compétence connue pour ce projet.
pl-training-distance = à distance
pl-training-department = département { $department }
pl-training-place-unknown = lieu non précisé
pl-training-starts = début le { $date }
pl-training-starts-any = entrée à tout moment
pl-training-cpf = Finançable par le CPF
pl-training-no-cpf = Non finançable par le CPF
pl-training-certification = prépare à { $code }
pl-training-covers = Compétences qui vous manquent et qu’elle couvre : { $skills }
pl-training-why = Classée ici pour : { $reasons }
pl-reason-skills = les compétences couvertes
pl-reason-same-department = votre département
pl-reason-distance = à distance
pl-training-add = Ajouter comme étape
pl-training-in-steps = Dans vos étapes
pl-steps-title = Étapes
pl-steps-none = Aucune étape pour l’instant.
pl-step-kind-training = Formation
pl-step-kind-credential = Justificatif à obtenir
pl-step-kind-experience = Expérience
pl-step-kind-other = Autre
pl-step-status-todo = À faire
pl-step-status-doing = En cours
pl-step-status-done = Fait
pl-step-skill = pour : { $skill }
pl-step-due = pour le { $date }
pl-step-status-label = Où en est cette étape
pl-step-due-label = Échéance
pl-step-due-hint = Une date, par exemple 2026-09-30.
pl-step-delete = Supprimer l’étape
pl-step-delete-confirm = Supprimer l’étape « { $title } » ?
pl-step-new-title = Ajouter une étape
pl-step-new-lead = Un justificatif à obtenir, une expérience à faire, ou autre chose. Pour une formation, utilisez le bouton « Ajouter comme étape » ci-dessus.
pl-step-kind-label = Genre d’étape
pl-step-title-label = Ce que vous allez faire
pl-step-title-hint = Par exemple « Passer le permis CACES R489 » ou « Stage de deux semaines en atelier ».
pl-step-skill-label = Compétence qui vous manque et que l’étape apporte
pl-step-skill-none = Aucune en particulier
pl-step-add = Ajouter l’étape
pl-field-step-kind = Choisissez le genre d’étape.
pl-field-step-title = Dites en quelques mots ce que vous allez faire (200 caractères au plus).
pl-field-step-due = Indiquez une date valable, par exemple 2026-09-30, ou laissez vide.
pl-field-step-skill = Choisissez une compétence de la liste, ou « Aucune en particulier ».
pl-field-step-status = Choisissez « à faire », « en cours » ou « fait ».
pl-too-many-steps = Ce projet a le nombre maximal d’étapes (100). Supprimez-en une d’abord.
pl-comments-title = Commentaires
pl-comments-shared = Les personnes que vous invitez comme contributeurs peuvent commenter ce projet ; vous pouvez leur répondre ici.
pl-comments-private = Ce projet n’est pas partagé : ces commentaires ne sont vus que par vous.
pl-comments-none = Aucun commentaire pour l’instant.
pl-comment-mine = vous
pl-comment-owner = titulaire du projet
pl-comment-invited = personne invitée
pl-comment-label = Votre commentaire
pl-comment-hint = 2 000 caractères au plus.
pl-comment-submit = Publier le commentaire
pl-field-comment = Écrivez un commentaire (2 000 caractères au plus).
pl-too-many-comments = Ce projet a le nombre maximal de commentaires (500).
pl-settings-title = Réglages du projet
pl-status-label = État du projet
pl-status-active-label = En cours
pl-status-archived-label = Archivé (gardé, mais mis de côté)
pl-delete-title = Supprimer le projet
pl-delete-lead = Le projet, ses étapes et ses commentaires disparaissent. Vos compétences et votre portfolio ne changent pas.
pl-delete = Supprimer le projet
pl-delete-confirm = Supprimer le projet « { $title } » ?
pl-delete-what = Ses étapes et ses commentaires disparaissent avec lui. Vos compétences et votre portfolio ne changent pas.
pl-delete-keep = Garder le projet
done-plan-saved = Les réglages du projet sont enregistrés.
done-plan-skill-added = La compétence est ajoutée au projet.
done-plan-skill-removed = La compétence est retirée du projet.
done-plan-step-added = L’étape est ajoutée.
done-plan-step-saved = L’étape est enregistrée.
done-plan-step-removed = L’étape est supprimée.
done-plan-commented = Votre commentaire est publié.
done-plan-target-added = Le métier est ajouté aux métiers visés.
done-plan-target-removed = Le métier est retiré des métiers visés.

# Les métiers visés d’un projet (/me/plans/{id}/targets).
pl-targets-page-title = Métiers visés
pl-targets-page-lead = Un projet vise d’un à cinq métiers : les compétences demandées sont celles de tous.
pl-targets-current = Métiers visés aujourd’hui
pl-target-remove = Retirer
pl-target-remove-confirm = Retirer « { $label } » des métiers visés ?
pl-target-last = Un projet vise au moins un métier : ajoutez-en un autre avant de retirer celui-ci.
pl-target-add-title = Ajouter un métier visé
pl-target-add-lead = Un métier du ROME de France Travail ou du référentiel européen ESCO.
pl-target-add-hint = Tapez quelques mots et choisissez dans la liste. Sans liste, validez : la page vous proposera les résultats.
pl-target-add = Ajouter ce métier
pl-target-already = Ce métier est déjà visé par ce projet.
pl-targets-full = Ce projet vise déjà cinq métiers, le maximum : retirez-en un d’abord.
pl-related-title = Viser un métier proche dont les compétences sont connues
pl-related-lead = Les métiers du référentiel européen ESCO ci-dessous ressemblent au vôtre ; pour chacun, la page dit si ses compétences sont connues. Choisissez-en un qui correspond à ce que vous voulez faire.
pl-related-any = Chercher parmi tous les métiers (ROME et ESCO)
pl-target-skills-listed = { $count ->
    [one] une compétence connue
   *[other] { $count } compétences connues
}
pl-target-skills-unlisted = compétences non connues

# Les projets partagés, vus par une personne invitée (/invited/{token}/plans).
pl-invited-nav-portfolio = Portfolio
pl-invited-nav-plans = Projets partagés
pl-invited-title = Projets partagés
pl-invited-heading = Les projets de { $name }
pl-invited-lead = { $name } vous montre ses projets professionnels : les compétences demandées et ce qu’il ou elle peut en prouver, les étapes et les commentaires.
pl-invited-lead-contributor = { $name } vous montre ses projets professionnels et vous invite à les commenter.
pl-invited-none = { $name } ne partage aucun projet pour l’instant.
pl-invited-no-relations = Les référentiels chargés n’indiquent pas les compétences de tous les métiers visés : l’écart ne tient compte que de ceux qui sont connus et des compétences ajoutées à la main.
pl-invited-comment-label = Votre commentaire
pl-invited-comment-hint = { $name } le verra, avec votre adresse e-mail. 2 000 caractères au plus.
so-done-plan-commented = Votre commentaire est publié.
