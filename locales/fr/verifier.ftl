# Pages du vérificateur : /verify, /verify/{jeton}, /s/{jeton}.
# Toutes les clés commencent par « verify- ». Le portail lit aussi
# verify-check-*, verify-outcome-* et verify-code-* (page d’un justificatif).

## En-tête et pied de page (le reste vient de common.ftl).
verify-tagline = Vérification de justificatifs
verify-footer = Atout vérifie les justificatifs sans contacter leur émetteur : signature, validité, révocation, suspension et accréditation de l’émetteur.

## Les contrôles, par type (tels que l’API les nomme).
verify-check-proof = Signature
verify-check-issuer-key = Clé de l’émetteur
verify-check-validity-period = Période de validité
verify-check-revocation = Révocation
verify-check-suspension = Suspension
verify-check-issuer-trust = Émetteur accrédité
verify-check-related-resource = Ressources liées
verify-check-schema = Schéma
verify-check-holder-proof = Signature du titulaire
verify-check-challenge = Défi
verify-check-domain = Domaine
verify-check-credentials = Justificatifs contenus

## Le résultat d’un contrôle (à côté de son icône : la couleur n’est jamais le seul signal).
verify-outcome-ok = Réussi
verify-outcome-failed = Échec
verify-outcome-could-not-check = Non vérifiable

## La phrase d’un contrôle : verify-code-<type>-<code> quand elle dépend du contrôle, sinon verify-code-<code>.
verify-code-revocation-status-clear = Le justificatif n’a pas été révoqué.
verify-code-suspension-status-clear = Le justificatif n’est pas suspendu.
verify-code-revocation-no-status-entry = L’émetteur n’a pas prévu de pouvoir révoquer ce justificatif.
verify-code-suspension-no-status-entry = L’émetteur n’a pas prévu de pouvoir suspendre ce justificatif.
verify-code-holder-proof-wrong-proof-purpose = La signature du titulaire n’a pas été faite pour s’authentifier.
# Signature.
verify-code-signature-valid = La signature correspond au contenu : il n’a pas été modifié depuis sa signature.
verify-code-signature-mismatch = La signature ne correspond pas au contenu : le justificatif a été modifié, ou signé par quelqu’un d’autre.
verify-code-no-proof = Le justificatif ne porte aucune signature.
verify-code-key-unavailable = La signature n’a pas pu être contrôlée, faute d’avoir obtenu la clé de l’émetteur.
verify-code-key-not-accepted = La signature n’a pas été faite avec une clé reconnue par l’émetteur.
verify-code-malformed-proof-value = La signature est mal formée.
verify-code-invalid-json-ld = Le contenu n’est pas structuré correctement : aucune signature ne peut donc le couvrir.
verify-code-unsupported-cryptosuite = Ce type de signature n’est pas pris en charge par ce service de vérification.
verify-code-unsupported-proof-type = { verify-code-unsupported-cryptosuite }
verify-code-missing-cryptosuite = La signature n’indique pas son algorithme.
verify-code-wrong-proof-purpose = La signature n’a pas été faite pour émettre un justificatif.
verify-code-proof-created-in-future = La signature porte une date située dans le futur.
verify-code-proof-expired = La signature a expiré.
verify-code-unknown-context = Le justificatif utilise un vocabulaire (contexte JSON-LD) que ce service n’accepte pas.
verify-code-alg-not-allowed = L’algorithme de signature n’est pas accepté.
verify-code-iss-mismatch = L’enveloppe signée désigne un autre émetteur que le justificatif.
# Clé de l’émetteur.
verify-code-key-resolved = La clé de signature est bien publiée par l’émetteur pour cet usage.
verify-code-too-complex = Le contenu est trop complexe pour être vérifié ici : cela ne dit rien de son authenticité, seulement qu’il n’a pas pu être vérifié.
verify-code-busy = Le vérificateur est occupé : réessayez dans un instant.
verify-code-internal-error = La signature n’a pas pu être vérifiée à cause d’une erreur interne.
verify-code-not-checked = Ce contrôle n’a pas été fait, car le contenu du justificatif ne peut pas être interprété.
verify-code-key-not-checked = La clé n’a pas été contrôlée, car la signature a été refusée d’emblée.
verify-code-key-not-resolved = Aucune clé de signature n’a pu être identifiée.
verify-code-malformed-verification-method = La signature ne désigne pas correctement sa clé.
verify-code-key-not-controlled-by-signer = La clé de signature n’appartient pas à l’émetteur indiqué dans le justificatif.
verify-code-unsupported-did = L’identifiant de l’émetteur est d’un type que ce service ne prend pas en charge.
verify-code-did-not-found = L’identifiant de l’émetteur n’existe pas : son document public est introuvable.
verify-code-did-unreachable = Les clés publiques de l’émetteur n’ont pas pu être obtenues pour l’instant.
verify-code-key-not-authorized-for-purpose = L’émetteur n’autorise pas cette clé à signer des justificatifs.
verify-code-key-not-found = L’émetteur ne publie pas (ou plus) cette clé : elle a peut-être été retirée.
verify-code-unsupported-key = La clé de l’émetteur est d’un type que ce service ne prend pas en charge.
verify-code-key-algorithm-mismatch = La clé ne correspond pas à l’algorithme de la signature.
# Période de validité.
verify-code-not-yet-valid = Le justificatif n’est pas encore valide.
verify-code-expired = Le justificatif a expiré.
verify-code-within-validity-period = Le justificatif est dans sa période de validité.
verify-code-no-expiry = Le justificatif est valide et n’a pas de date de fin.
verify-code-jwt-date-not-numeric = Une date du JWT (iat, nbf ou exp) n’est pas un nombre de secondes : la période de validité ne peut pas être lue.
# Révocation et suspension.
verify-code-revoked = L’émetteur a révoqué ce justificatif.
verify-code-suspended = L’émetteur a suspendu ce justificatif.
verify-code-not-checked-proof-invalid = Non contrôlé, car la signature n’est pas valide.
verify-code-unsupported-status-type = Ce type d’information de statut n’est pas pris en charge par ce service.
verify-code-unsupported-status-size = { verify-code-unsupported-status-type }
verify-code-malformed-status-entry = L’information de statut du justificatif est mal formée.
verify-code-status-unavailable = La liste de statut de l’émetteur n’a pas pu être obtenue pour l’instant.
verify-code-status-list-wrong-issuer = La liste de statut n’a pas été publiée par l’émetteur du justificatif.
verify-code-status-purpose-mismatch = La liste de statut ne sert pas à cet usage.
verify-code-status-index-out-of-range = La place du justificatif dans la liste de statut n’existe pas.
verify-code-status-list-expired = La liste de statut a expiré et aucune plus récente n’a pu être obtenue.
verify-code-status-list-invalid = La liste de statut n’est pas valide.
verify-code-status-list-unverifiable = La signature de la liste de statut n’a pas pu être contrôlée.
# Émetteur accrédité.
verify-code-accredited = L’émetteur figure au registre des organismes accrédités.
verify-code-unknown-issuer = L’émetteur ne figure pas au registre des organismes accrédités.
verify-code-accreditation-expired = L’accréditation de l’émetteur a pris fin.
verify-code-accreditation-not-yet-valid = L’accréditation de l’émetteur n’a pas encore commencé.
verify-code-registry-unavailable = Le registre des organismes accrédités n’a pas pu être consulté pour l’instant.
# Schéma.
verify-code-unsupported-schema-type = Le justificatif déclare un type de schéma que ce service ne prend pas en charge.
verify-code-matches-schema = Le justificatif respecte le schéma qu’il déclare.
verify-code-schema-mismatch = Le justificatif ne respecte pas le schéma qu’il déclare.
verify-code-malformed-schema-entry = La déclaration de schéma du justificatif est mal formée.
verify-code-schema-unavailable = Le schéma déclaré par le justificatif n’a pas pu être obtenu pour l’instant.
verify-code-schema-invalid = Le schéma déclaré par le justificatif n’est pas utilisable.
verify-code-schema-not-fetched = Le justificatif déclare un schéma, que ce service ne contrôle pas.
# Présentations.
verify-code-presentation-unsigned = La présentation n’est pas signée par son titulaire.
verify-code-not-requested = Non demandé, donc non contrôlé.
verify-code-matches = Il correspond à celui demandé.
verify-code-challenge-missing = La présentation ne porte pas celui qui était demandé.
verify-code-domain-missing = { verify-code-challenge-missing }
verify-code-challenge-mismatch = Il diffère de celui demandé.
verify-code-domain-mismatch = { verify-code-challenge-mismatch }
verify-code-no-credentials = La présentation ne contient aucun justificatif.
verify-code-credentials-verified = Tous les justificatifs qu’elle contient sont valides.
verify-code-credential-not-verified = Au moins un des justificatifs qu’elle contient n’est pas valide.
# SD-JWT VC.
verify-code-disclosure-not-signed = Une information présentée ne fait pas partie de celles que l’émetteur a signées.
verify-code-disclosure-repeated = Les informations présentées sont mal formées (en double ou en conflit).
verify-code-digest-repeated = { verify-code-disclosure-repeated }
verify-code-disclosure-clash = { verify-code-disclosure-repeated }
verify-code-sd-alg-not-supported = Le justificatif utilise un algorithme d’empreinte que ce service ne prend pas en charge.
verify-code-key-binding-missing = La présentation n’est pas signée par le titulaire, alors que c’était demandé.
verify-code-key-binding-not-requested = Aucune signature du titulaire n’était demandée.
verify-code-key-binding-valid = La présentation est signée par la clé du titulaire désignée par l’émetteur.
verify-code-holder-key-missing = L’émetteur n’a désigné aucune clé du titulaire utilisable.
verify-code-key-binding-alg-mismatch = La présentation n’est pas signée par la clé du titulaire désignée par l’émetteur.
verify-code-key-binding-signature-mismatch = { verify-code-key-binding-alg-mismatch }
verify-code-sd-hash-mismatch = La signature du titulaire ne couvre pas ce qui est présenté.
verify-code-key-binding-iat-invalid = La signature du titulaire n’est pas datée, ou datée du futur.
verify-code-status-mechanism-unsupported = Le justificatif déclare un moyen de révocation que ce service ne sait pas lire.

## Les formats, nommés pour des personnes.
verify-format-data-integrity = Data Integrity
verify-format-data-integrity-suite = Data Integrity ({ $suite })
verify-format-vc-jwt = JWT (vc+jwt, { $alg })
verify-format-sd-jwt = SD-JWT VC (dc+sd-jwt, { $alg })

## Le verdict, en tête de page.
verify-verdict-valid = Authentique, valide et à jour
verify-verdict-valid-text = La signature est valide, l’émetteur est un organisme accrédité, et le justificatif n’est ni expiré, ni révoqué, ni suspendu.
verify-verdict-unrecognised = Authentique et à jour, mais émetteur non reconnu
verify-verdict-unrecognised-text = La signature est valide et le justificatif n’est ni expiré, ni révoqué, ni suspendu. Mais son émetteur ne figure pas (ou plus) parmi les organismes accrédités du registre : rien ne garantit qui il est. Ne vous fiez pas au nom qu’il se donne lui-même.
verify-verdict-invalid = Ce justificatif n’est pas valide
verify-verdict-invalid-text = Au moins un contrôle a échoué : voyez le détail ci-dessous. Ne vous fiez pas à ce justificatif.
verify-verdict-incomplete = Vérification impossible pour l’instant
verify-verdict-incomplete-text = Certains contrôles n’ont pas pu être effectués, par exemple parce qu’une information nécessaire n’a pas pu être obtenue. Cela ne signifie pas que le justificatif est faux : aucun contrôle n’a échoué.
verify-verdict-incomplete-advice = Réessayez plus tard, ou demandez au titulaire un autre moyen de vérifier ce justificatif.
verify-icon-valid = Valide
verify-icon-warning = Attention
verify-icon-invalid = Non valide
verify-icon-incomplete = Vérification incomplète

## Ce que déclare le justificatif.
verify-section-credential = Ce que déclare le justificatif
verify-content-unverified = La signature n’étant pas valide, rien ne garantit ce contenu.
verify-label-issuer = Émetteur
verify-unknown-issuer = Émetteur inconnu
verify-unknown-issuer-note = Cet émetteur ne figure pas au registre des organismes accrédités. Son identifiant technique :
verify-label-issuer-id = Identifiant technique (DID) :
verify-label-accreditation = Accréditation :
verify-label-subject = Titulaire
verify-label-achievement = Intitulé
verify-label-valid-from = Valide à partir du
verify-label-valid-until = Valide jusqu’au
verify-no-end-date = Sans date de fin
verify-not-stated = Non indiqué
verify-label-format = Format

## Les contrôles effectués.
verify-section-checks = Contrôles effectués
verify-status-fetched-at = Informations de révocation et de suspension obtenues le
verify-status-not-fetched = Aucune liste de révocation ou de suspension n’a été consultée.

## Le lien de vérification.
verify-section-link = Lien de vérification
verify-link-text = Ce lien refait cette vérification à tout moment :
verify-qr-svg = Code QR (SVG, pour l’impression)
verify-qr-png = Code QR (image PNG)
verify-another = Vérifier un autre justificatif

## L’accueil des recruteurs : coller, envoyer un fichier, scanner.
verify-form-title = Vérifier un justificatif
verify-form-lead = Un candidat vous a transmis un diplôme, une attestation ou un lien de partage ? Vérifiez en quelques secondes qu’il est authentique et toujours valable, sans créer de compte.
verify-what-title = Ce qui est contrôlé
verify-what-signature = La signature : le contenu n’a pas été modifié depuis que l’émetteur l’a signé.
verify-what-validity = La période de validité : le justificatif n’est ni expiré, ni pas encore valable.
verify-what-status = La révocation et la suspension : l’émetteur ne l’a pas retiré.
verify-what-issuer = L’émetteur : il figure au registre des organismes accrédités.
verify-how-title = Vérifier maintenant
verify-form-intro = Collez un justificatif numérique (au format JSON, ou un JWT commençant par « eyJ »), ou choisissez le fichier qui le contient. Un lien de vérification ou de partage s’ouvre directement dans votre navigateur.
verify-label-paste = Justificatif à vérifier (JSON ou JWT)
verify-paste-hint = Collez le texte complet, tel que vous l’avez reçu.
verify-label-file = Ou choisissez un fichier
verify-file-hint = Fichier .json, .jwt ou .txt.
verify-submit = Vérifier
verify-privacy-note = Le justificatif n’est pas conservé : il sert uniquement à cette vérification.
verify-scan-title = Scanner un QR code
verify-scan-intro = Présentez le QR code d’un justificatif ou d’un partage à la caméra : la page correspondante s’ouvre.
verify-scan-start = Ouvrir la caméra
verify-scan-stop = Arrêter la caméra
verify-scan-denied = La caméra n’est pas accessible. Collez le justificatif ou choisissez son fichier ci-dessous.
verify-scan-foreign = Ce QR code ne mène pas à un justificatif de ce service. Son contenu :
verify-form-error-title = Le justificatif n’a pas pu être vérifié
verify-technical-detail = Détail technique :
verify-err-empty = Collez un justificatif ou choisissez un fichier.
verify-err-both = Collez un justificatif ou choisissez un fichier, mais pas les deux.
verify-err-not-text = Le fichier n’est pas un fichier texte (UTF-8).
verify-err-not-json = Le texte commence comme du JSON mais n’est pas du JSON valide.
verify-err-not-recognised = Ce texte n’est ni du JSON ni un JWT. Un justificatif commence par « {"{"} » (JSON) ou par « eyJ » (JWT).
verify-err-not-credential = Ce n’est pas un justificatif vérifiable bien formé.
verify-err-form-unreadable = Le formulaire envoyé n’a pas pu être lu.
verify-err-content-type = Envoyez le formulaire de cette page (multipart/form-data ou application/x-www-form-urlencoded).

## Pages d’erreur.
verify-not-found-title = Lien de vérification inconnu
verify-not-found-text = Ce lien de vérification n’existe pas. Vérifiez qu’il a été recopié en entier, ou demandez au titulaire un nouveau lien.
verify-no-store-title = Liens de vérification indisponibles ici
verify-no-store-text = Ce service de vérification fonctionne sans base de données : il ne peut pas retrouver un justificatif à partir d’un lien. Vous pouvez en revanche vérifier un justificatif en le collant ou en envoyant son fichier.
verify-too-large-title = Envoi trop volumineux
verify-too-large-text = Le texte ou le fichier envoyé dépasse la taille acceptée. Un justificatif fait en général quelques kilo-octets : vérifiez que vous avez choisi le bon fichier.
verify-unavailable-title = Service momentanément indisponible
verify-unavailable-text = La vérification n’a pas pu être effectuée pour l’instant. Réessayez dans quelques minutes.
verify-go-to-form = Vérifier un justificatif en le collant

## La page d’un partage (/s/{jeton}) et d’une présentation collée.
verify-share-shared-by = Partagé par
verify-share-holder-proof-ok = Ces attestations vous sont présentées par leur titulaire : sa signature, faite pour cette page, est valide.
verify-share-holder-proof-failed = La signature du titulaire sur cette présentation n’a pas pu être vérifiée.
verify-share-holder-id = Identifiant du titulaire :
verify-share-expires = Ce partage prend fin le
verify-share-no-expiry = Ce partage reste ouvert jusqu’à ce que son titulaire le retire.
verify-share-section-credentials = Attestations vérifiées
verify-share-credential-title = Attestation { $n } – { $verdict }
verify-share-no-credentials = Ce partage ne contient aucune attestation signée.
verify-share-section-certified = Parcours certifié
verify-share-certified-note = Chaque élément ci-dessous est rattaché à une attestation vérifiée plus haut.
verify-share-certified-by = Certifié par l’attestation { $n }
verify-share-section-endorsed = Parcours recommandé par des pairs
verify-share-endorsed-note = Des personnes ayant partagé cette expérience l’ont recommandée ; ce n’est pas une attestation d’un organisme.
verify-share-section-declared = Parcours déclaré
verify-share-declared-note = Écrit par le titulaire lui-même : rien ici n’a été vérifié.
verify-share-section-documents = Documents
verify-share-documents-note = Fichiers déposés par le titulaire ; ils ne sont pas signés.
verify-share-download = Télécharger { $name }
verify-share-kind-experience = Expérience
verify-share-kind-education = Formation
verify-share-kind-skill = Compétence
verify-share-kind-language = Langue
verify-share-kind-project = Projet
verify-share-kind-interest = Centre d’intérêt
verify-share-pin-title = Code requis
verify-share-pin-intro = Ce partage est protégé par un code. Demandez-le à la personne qui vous a donné le lien.
verify-share-pin-label = Code
verify-share-pin-hint = De 4 à 12 chiffres.
verify-share-pin-wrong = Ce code n’est pas le bon.
verify-share-attempts-left = Essais restants : { $count }.
verify-share-pin-submit = Ouvrir
verify-share-line-unknown-title = Ligne inconnue
verify-share-line-unknown-text = Ce lien désigne une ligne que le CV ou le portfolio partagé ne contient pas. Ouvrez plutôt le partage en entier.
verify-share-whole = Voir tout ce qui a été partagé
verify-share-unknown-title = Lien inconnu
verify-share-unknown-text = Aucun partage ne correspond à ce lien. Vérifiez qu’il a été recopié en entier.
verify-share-revoked-title = Partage retiré
verify-share-revoked-text = Son titulaire a retiré ce partage : son contenu n’est plus accessible.
verify-share-expired-title = Partage expiré
verify-share-expired-text = Ce partage a pris fin : son contenu n’est plus accessible.
verify-share-locked-title = Trop d’essais
verify-share-locked-text = Trop de codes erronés ont été saisis. Réessayez dans un quart d’heure.
verify-share-guesses-title = Trop de liens ouverts
verify-share-guesses-text = Trop de liens ont été ouverts depuis votre adresse réseau. Réessayez dans une minute.
verify-share-unavailable-title = Partage indisponible
verify-share-unavailable-text = Ce partage ne peut pas être affiché pour le moment. Réessayez plus tard.
verify-share-busy-title = Occupé pour un instant
verify-share-busy-text = Trop de personnes ouvrent des partages avec un code en ce moment. Réessayez dans quelques secondes.
verify-share-presentation-title = Présentation vérifiable
verify-share-presented-by = Présentée par
verify-share-presentation-proof-ok = La signature du titulaire sur cette présentation est valide.
verify-share-presentation-no-challenge = Cette présentation n’a pas été faite pour cette page : quiconque l’a reçue peut la montrer. Pour savoir qu’elle vient de son titulaire maintenant, demandez-lui un lien de partage.
verify-code-digest-matches = La ressource liée correspond à l’empreinte signée par l’émetteur.
verify-code-digest-mismatch = Une ressource liée ne correspond plus à l’empreinte signée par l’émetteur : elle a changé depuis l’émission.
verify-code-malformed-digest = L’empreinte d’une ressource liée est mal formée.
verify-code-unsupported-digest = Une ressource liée n’a aucune empreinte que ce vérificateur sait calculer.
verify-code-related-resource-unavailable = Une ressource liée n’a pas pu être obtenue pour la comparer à son empreinte.
verify-code-malformed-related-resource = Une ressource liée n’a pas d’identifiant.

## Émetteur hors registre : un avertissement (h-trust, issue 16)
verify-outcome-warning = Attention
# The employer's view of a share (issue 16)
verify-share-portfolio-lead = Voici le parcours que cette personne a choisi de vous montrer.
verify-share-fact-issuer = Délivré par
verify-share-fact-title = Intitulé
verify-share-fact-field = Domaine
verify-share-fact-grade = Mention
verify-share-fact-awarded = Obtenu le
verify-share-fact-eqf = Niveau européen (CEC)
verify-share-fact-credits = Crédits ECTS
verify-share-codes = Référentiels :
verify-share-language-code = Code de la langue :
verify-share-mother-tongue = Langue maternelle.
verify-share-cefr-caption = Niveaux du Cadre européen commun de référence (autoévaluation)
verify-share-cefr-skill = Compétence
verify-share-cefr-level = Niveau
verify-share-cefr-listening = Écouter
verify-share-cefr-reading = Lire
verify-share-cefr-spoken-interaction = Prendre part à une conversation
verify-share-cefr-spoken-production = S’exprimer oralement en continu
verify-share-cefr-writing = Écrire
verify-share-keywords = Mots-clés :
verify-share-endorsements = Recommandations
verify-share-endorsement-valid = Signature de l’auteur vérifiée
verify-share-endorsement-invalid = Signature de l’auteur invalide
verify-share-endorsement-incomplete = Signature de l’auteur non vérifiable
