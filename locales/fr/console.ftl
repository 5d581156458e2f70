# La console des organisations (clés « co- » et messages « done-co- »).

## Connexion
co-login-title = Connexion à la console
co-login-lead = Les organismes agissent avec une de leurs clés d’API ; l’administrateur de la plateforme, avec son jeton d’administration.
co-login-token = Clé d’API ou jeton d’administration
co-login-token-hint = La clé commence par « atout_ ». Elle reste chiffrée dans un cookie de cette console pendant 8 heures au plus ; une clé révoquée ferme la session aussitôt.
co-login-submit = Ouvrir la console
co-login-failed = Cette clé n’est pas valable ou a été révoquée.
co-login-citizens = Vous êtes un particulier ?
co-login-citizens-link = Connexion au portfolio
co-who-admin = Administrateur de la plateforme
co-who-key = clé « { $name } »
done-co-logged-out = Vous avez quitté la console.

## Navigation
co-nav-orgs = Organismes
co-nav-registry = Registre de confiance
co-nav-dashboard = Tableau de bord
co-nav-templates = Modèles
co-nav-credentials = Justificatifs émis
co-nav-offers = Offres
co-nav-batches = Émission en masse
co-nav-requests = Demandes
co-nav-api-keys = Clés d’API
co-nav-keys = Clés et DID

## Mots communs
co-state = État
co-actions = Actions
co-created = Créé le
co-created-on = Créé le { $date }
co-choose = — Choisir —
co-all = Tous
co-filter = Filtrer
co-template = Modèle
co-subject = Titulaire
co-reference = Référence
co-email = Adresse e-mail
co-expires = Expire le
co-credential = Justificatif
co-row = Ligne
co-error = Erreur
co-outcome = Résultat
co-next-page = Page suivante
co-refresh = Actualiser
co-save = Enregistrer
co-edit = Modifier
co-remove = Retirer
co-revoke = Révoquer
co-withdraw = Retirer
co-suspend = Suspendre
co-unsuspend = Lever la suspension
co-issue = Émettre
co-download = Télécharger
co-did = DID
co-did-document = Document DID
co-name-fr = Nom en français
co-name-en = Nom en anglais
co-name-en-hint = Par défaut, le nom en français.
co-reason = Motif
co-asked = Demandée le
co-asked-on = demandée le { $date }
co-decided = Décidée le
co-bytes = { $count } octets
co-format = Format
co-issued-on = Émis le
co-no-name = (sans nom)
co-admin-cannot-issue = L’émission et les changements d’état se font avec la clé d’API de l’organisme : l’administrateur de la plateforme peut consulter, pas émettre.

## États
co-state-active = Valide
co-state-active-explained = Ce justificatif est valable.
co-state-revoked = Révoqué
co-state-revoked-explained = Révoqué définitivement : il ne vaut plus.
co-state-suspended = Suspendu
co-state-suspended-explained = Suspendu : il ne vaut plus jusqu’à la levée de la suspension.
co-state-pending = En attente
co-state-accepted = Acceptée
co-state-declined = Refusée
co-state-cancelled = Annulée
co-state-expired = Expirée
co-state-approved = Approuvée
co-state-rejected = Rejetée
co-state-all = Toutes
co-state-running = En cours
co-state-done = Terminé
co-state-issued = Émis
co-state-skipped = Déjà émis
co-state-failed = Échec
co-state-retired = Retirée du service
co-state-withdrawn = Révoquée

## Champs
co-field-required = Ce champ est obligatoire.
co-field-bad-type = Cette valeur n’est pas du type attendu (un nombre, vrai ou faux…).
co-fields-have-errors = Certains champs sont à corriger.
co-field-slug = L’identifiant compte de 2 à 63 caractères : lettres minuscules, chiffres et tirets simples, en commençant par une lettre.
co-field-slug-taken = Cet identifiant est déjà pris.
co-field-name_fr = Indiquez le nom en français (300 caractères au plus).
co-field-name_en = Le nom en anglais compte de 1 à 300 caractères.
co-field-type = Indiquez un type comme DiplomaCredential (lettres et chiffres, commençant par une majuscule).
co-field-subject_schema = Le schéma doit être un objet JSON Schema valable.
co-field-achievement = L’« Achievement » doit être un objet JSON valable (type, name, criteria).
co-field-email = Indiquez une adresse e-mail valable.
co-field-reference = La référence compte de 1 à 200 caractères.
co-field-template = Choisissez un modèle de cet organisme.
co-field-file = Choisissez un fichier CSV.
co-field-reason = Indiquez un motif (2 000 caractères au plus).
co-field-key-name = Indiquez à quoi sert cette clé.
co-field-did = Indiquez un DID did:web ou did:key.
co-field-accreditation = Indiquez l’accréditation (500 caractères au plus).
co-field-accreditation_url = Indiquez une adresse https.
co-field-valid_from = Indiquez une date au format AAAA-MM-JJ.
co-field-valid_until = La date de fin doit suivre la date de début, au format AAAA-MM-JJ.

## Accueil de la console (administrateur)
co-index-title = Console d’administration
co-index-lead = Les organismes émetteurs de la plateforme et le registre des émetteurs reconnus.
co-orgs-heading = Organismes
co-orgs-empty = Aucun organisme pour l’instant.
co-org-new-heading = Nouvel organisme
co-org-slug = Identifiant
co-org-slug-hint = Dans les adresses et le DID, par exemple univ-orleans. Il ne change plus ensuite.
co-org-p256 = Créer aussi une clé P-256 (pour ecdsa-rdfc-2019 et ES256)
co-org-create = Créer l’organisme
done-co-org-created = Organisme créé, avec sa clé de signature.

## Tableau de bord
co-dashboard-title = Tableau de bord
co-dashboard-counts = En chiffres
co-count-templates = modèles
co-count-issued = justificatifs émis
co-count-requests = demandes en attente
co-count-offers = offres en cours
co-dashboard-next = Que faire ?
co-dashboard-templates = Décrire un justificatif (diplôme, certificat, badge) et l’émettre pour une personne.
co-dashboard-batches = Émettre toute une promotion à partir d’un fichier CSV.
co-dashboard-credentials = Retrouver un justificatif émis, le suspendre ou le révoquer.
co-dashboard-requests = Traiter les demandes de certification des citoyens.

## Modèles
co-templates-title = Modèles
co-templates-lead = Un modèle décrit un justificatif : son nom, son type et les données de son titulaire.
co-templates-empty = Aucun modèle pour l’instant.
co-template-badge = Open Badge
co-template-new-title = Nouveau modèle
co-template-new-lead = Le schéma décrit les données du titulaire ; les formulaires d’émission et les colonnes du CSV en découlent.
co-template-type = Type de justificatif
co-template-type-hint = Par exemple DiplomaCredential ; avec un « Achievement », le justificatif est un OpenBadgeCredential.
co-template-schema = Schéma des données du titulaire (JSON Schema)
co-template-schema-hint = Un objet JSON Schema, sans $ref distante. Les propriétés imbriquées deviennent des colonnes comme degree.name.
co-template-achievement = Achievement Open Badges 3.0
co-template-achievement-hint = Pour un badge : un objet JSON avec type, name et criteria. Laissez vide pour un autre justificatif.
co-template-create = Créer le modèle
co-template-title = Modèle
co-template-id = Identifiant
done-co-template-created = Modèle créé.

## Émettre
co-issue-heading = Émettre pour une personne
co-issue-lead = Remplissez les données du titulaire puis choisissez comment le lui remettre.
co-issue-many = Ou émettre pour toute une liste.
co-subject-legend = Données du titulaire
co-subject-hint = Les noms des champs sont ceux du modèle.
co-delivery = Remise
co-delivery-link = Une offre par lien (et QR code) à transmettre
co-delivery-email = Une offre envoyée par e-mail : seule cette personne, adresse confirmée, peut l’accepter
co-delivery-direct = Émettre tout de suite (le justificatif est téléchargeable)
co-email-hint = Obligatoire pour une offre par e-mail ; pour une émission directe, gardée dans le registre seulement.
co-reference-hint = Votre propre référence (numéro d’étudiant et année…), pour l’émission directe : une référence déjà émise est refusée.
done-co-issued = Justificatif émis et signé.
co-offer-created-title = Offre créée
co-offer-sent-to = Un message avec le lien a été envoyé à { $email }.
co-offer-link-ready = Transmettez ce lien ou montrez le QR code à la personne.
co-offer-link = Lien de l’offre
co-offer-link-once = Ce lien n’est affiché qu’une fois : nous n’en gardons qu’une empreinte.
co-offer-qr-alt = QR code du lien de l’offre

## Émission en masse
co-batch-new-title = Émission en masse
co-batch-new-lead = Un fichier CSV, une ligne par personne. Tout le fichier est vérifié d’abord : s’il contient une ligne fautive, rien n’est émis et les lignes à corriger sont listées.
co-batch-file = Fichier CSV
co-batch-file-hint = Une colonne reference (votre référence, unique), une colonne email facultative, puis les données du titulaire (colonnes comme degree.name). Une référence déjà émise est sautée : renvoyer un fichier n’émet rien deux fois.
co-batch-start = Lancer l’émission
co-batch-columns = Colonnes attendues
co-batch-columns-hint = Pour chaque modèle, la première ligne du fichier :
co-batch-bad-rows = Lignes à corriger
co-batch-refused = Le fichier est refusé : { $count } problème(s) à corriger.
co-batch-nothing-issued = Rien n’a été émis. Corrigez ces lignes et envoyez le fichier de nouveau.
co-row-header = En-tête
done-co-batch-started = Émission lancée.
co-batch-title = Émission en masse
co-batch-progress-label = Avancement
co-batch-progress = { $done } sur { $total } lignes traitées…
co-batch-finished = Terminé : { $issued } émis, { $skipped } déjà émis, { $failed } en échec, sur { $total } lignes.
co-batch-issued = émis
co-batch-skipped = déjà émis
co-batch-failed = en échec
co-batch-total = lignes
co-batch-report = Rapport ligne par ligne
co-batch-no-rows = Aucune ligne ici.

## Justificatifs émis
co-credentials-title = Justificatifs émis
co-credentials-lead = Tous les justificatifs émis par l’organisme, du plus récent au plus ancien, avec leur état.
co-credentials-empty = Aucun justificatif ne correspond.
co-search = Rechercher
co-search-hint = Nom ou adresse du titulaire, référence ou identifiant du justificatif.
co-search-submit = Rechercher
co-credential-title = Justificatif émis
co-credential-id = Identifiant
co-credential-content = Le justificatif tel qu’émis
co-verification-heading = Lien de vérification
co-verification-hint = À imprimer ou à transmettre : quiconque l’ouvre voit si ce justificatif est authentique et valable.
co-verification-qr-alt = QR code du lien de vérification
co-status-heading = État
co-revoke-heading = Révoquer
co-revoke-explained = La révocation est définitive : le justificatif ne vaudra plus jamais. Pour un temps, suspendez-le plutôt.
co-revoke-understood = Je comprends que la révocation est définitive.
co-revoke-confirm = Cochez la case pour confirmer la révocation.
done-co-suspended = Justificatif suspendu.
done-co-unsuspended = Suspension levée : le justificatif vaut de nouveau.
done-co-revoked = Justificatif révoqué.
done-co-not-confirmed = Rien n’a été fait : cochez la case pour confirmer.

## Offres
co-offers-title = Offres
co-offers-lead = Les justificatifs proposés aux personnes, et ce qu’elles en ont fait.
co-offers-empty = Aucune offre ici.
co-offer-by-link = par lien
co-offer-withdraw-confirm = Retirer cette offre ? Son lien ne fonctionnera plus.
co-offers-link-once = Le lien d’une offre n’est affiché qu’à sa création : nous n’en gardons qu’une empreinte. Pour un nouveau lien, retirez l’offre et faites-en une autre.
done-co-offer-withdrawn = Offre retirée : son lien ne fonctionne plus.
done-co-offer-not-pending = Cette offre n’est plus en attente : elle ne peut plus être retirée.

## Demandes de certification
co-requests-title = Demandes de certification
co-requests-lead = Des citoyens vous demandent de certifier une étape de leur parcours.
co-requests-empty = Aucune demande ici.
co-documents-count = { $count } document(s)
co-request-title = Demande de certification
co-request-citizen = Demandeur
co-request-kind = Nature
co-request-organisation = Organisme
co-request-period = Période
co-request-place = Lieu
co-request-description = Description
co-request-message = Message
co-request-documents = Documents joints
co-request-no-documents = Aucun document joint.
co-request-approve-heading = Approuver
co-request-choose-template = Choisir ce modèle
co-request-approve-with = Émettre « { $template } » dans le portfolio du demandeur :
co-request-approve = Approuver et émettre
co-request-reject-heading = Rejeter
co-reason-hint = Le demandeur lira ce motif.
co-request-reject = Rejeter la demande
co-request-not-pending = Cette demande a déjà été traitée.
done-co-request-approved = Demande approuvée : le justificatif est dans le portfolio du demandeur.
done-co-request-rejected = Demande rejetée.

## Clés d’API
co-api-keys-title = Clés d’API
co-api-keys-lead = Les clés avec lesquelles l’organisme utilise l’API et cette console.
co-api-keys-empty = Aucune clé.
co-api-key-name = Nom
co-api-key-name-hint = À quoi sert la clé, par exemple « scolarité ».
co-api-key-prefix = Début
co-api-key-last-used = Dernier usage
co-api-key-revoke-confirm = Révoquer cette clé ? Ce qui l’utilise cessera de fonctionner aussitôt.
co-api-key-revoke-own = Révoquer la clé avec laquelle vous êtes connecté ferme cette session.
co-api-key-new-heading = Nouvelle clé
co-api-key-create = Créer la clé
co-api-key-created = Clé créée
co-api-key-once = Copiez-la maintenant : elle ne sera plus jamais affichée.
co-api-key-value = La clé
co-api-key-admin-only = Seul l’administrateur de la plateforme crée les clés d’API.
done-co-key-revoked = Clé révoquée.

## Clés de signature et DID
co-keys-title = Clés et DID
co-keys-lead = L’identifiant décentralisé (DID) de l’organisme et les clés qui signent ses justificatifs.
co-keys-heading = Clés de signature
co-key-id = Clé
co-key-algorithm = Algorithme
co-key-retired-on = retirée le { $date }
co-key-withdrawn-on = révoquée le { $date }
co-key-withdraw = Révoquer la clé
co-key-withdraw-understood = Je comprends que ce qu’elle a signé ne sera plus vérifiable.
co-key-rotate-heading = Renouveler la clé
co-key-rotate-hint = Une nouvelle clé signe désormais ; l’ancienne reste publiée pour que ce qu’elle a signé reste vérifiable.
co-key-rotate = Renouveler
co-keys-admin-only = Le renouvellement et la révocation des clés sont faits par l’administrateur de la plateforme : adressez-vous à lui.
done-co-key-rotated = Nouvelle clé active.
done-co-key-withdrawn = Clé révoquée : elle ne figure plus dans le document DID.

## Registre de confiance
co-registry-title = Registre de confiance
co-registry-lead = Les émetteurs reconnus : les vérificateurs affichent leur nom et leur accréditation.
co-registry-empty = Aucun émetteur reconnu.
co-registry-check = vérifier l’accréditation
co-registry-from = accrédité depuis le { $date }
co-registry-until = jusqu’au { $date }
co-registry-remove-confirm = Retirer cet émetteur du registre ? Les vérificateurs ne le reconnaîtront plus.
co-registry-add-heading = Ajouter un émetteur
co-registry-edit-heading = Modifier l’émetteur
co-registry-did-hint = did:web ou did:key de l’émetteur.
co-registry-accreditation = Accréditation
co-registry-accreditation-hint = En clair, par exemple « Certificateur RNCP, France Compétences ».
co-registry-accreditation-url = Adresse où vérifier l’accréditation
co-registry-valid-from = Accrédité depuis le
co-registry-valid-from-hint = Par défaut, aujourd’hui.
co-registry-valid-until = Accrédité jusqu’au
done-co-issuer-saved = Émetteur enregistré dans le registre.
done-co-issuer-removed = Émetteur retiré du registre.

# Delivery of bulk issuance (issue 16)
co-batch-offered = proposés par e-mail
co-state-offered = Proposé
co-bd = Remise
co-bd-title = Remise aux titulaires
co-bd-hint = Chaque titulaire reçoit un e-mail avec un lien personnel (et l’offre OpenID4VCI pour une autre application de portefeuille) ; un rappel part avant l’expiration. « Ouvert » : le lien a été ouvert. « Rejeté » : le serveur de messagerie a refusé l’adresse.
co-bd-queued = en file d’envoi
co-bd-sent = envoyés
co-bd-opened = ouverts
co-bd-accepted = acceptés
co-bd-declined = refusés
co-bd-expired = expirés
co-bd-bounced = rejetés (adresse refusée)
co-bd-withdrawn = retirés
co-bd-issued = lié au DID
co-bd-to = à
co-bd-until = valable jusqu’au
co-bd-bound = Émis pour
co-bd-resend = Renvoyer
co-bd-withdraw = Retirer
co-bd-resend-all = Renvoyer toutes les offres en attente
co-bd-withdraw-all = Retirer toutes les offres en attente
co-bd-legend = Remise aux titulaires
co-bd-upload-hint = Chaque ligne avec un e-mail reçoit une offre par e-mail, valable 90 jours, qu’elle accepte dans son portefeuille. Une colonne holder facultative désigne un compte Atout (son e-mail ou son DID) ou un DID auquel lier directement le justificatif.
co-bd-deliver = Envoyer les offres par e-mail
co-bd-lang = Langue des e-mails
done-co-bd-resent = Offres renvoyées.
done-co-bd-withdrawn = Offres retirées : leurs liens ne fonctionnent plus.
done-co-bd-none = Aucune offre en attente : rien n’a été fait.
done-co-bd-not-pending = Cette offre n’est plus en attente (acceptée, refusée ou retirée) : rien n’a été fait.
