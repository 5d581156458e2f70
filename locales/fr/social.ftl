# Invitations, recommandations, demandes de certification, et les pages de la personne invitée.

## Commun
so-none-yet = Rien pour l’instant.
so-size-kb = { $size } Ko
so-log-when = Quand
so-log-what = Quoi
so-log-detail = Détail
so-item-credential = Justificatif
so-item-entry = Étape du parcours
so-item-document = Document
so-role-reader = Lecture
so-role-reader-hint = Voit ce que vous choisissez, sans rien pouvoir modifier.
so-role-contributor = Contribution
so-role-contributor-hint = Voit ce que vous choisissez, commente vos étapes et vous propose de nouvelles étapes, que vous acceptez ou refusez.
so-role-certifier = Recommandation
so-role-certifier-hint = Voit ce que vous choisissez et recommande les étapes choisies par une attestation signée.

## Invitations
so-invitations-title = Invitations
so-invitations-lead = Invitez une personne par e-mail à consulter, compléter ou recommander une partie de votre portfolio. Vous pouvez retirer une invitation à tout moment.
so-invitations-empty = Vous n’avez invité personne.
so-invitation-covers = { $count ->
    [one] un élément
   *[other] { $count } éléments
}
so-invitation-until = jusqu’au { $date }
so-invitation-new-title = Inviter une personne
so-invitation-new-lead = La personne reçoit un lien par e-mail et confirme son adresse avec un code avant de voir quoi que ce soit.
so-invitation-email = Adresse e-mail de la personne
so-invitation-email-hint = Seule cette adresse pourra ouvrir l’invitation.
so-invitation-role = Rôle
so-invitation-what = Ce que la personne pourra voir
so-invitation-expires = Fin de l’invitation
so-invitation-expires-hint = Au format AAAA-MM-JJ, dans un an au plus. Par défaut : dans 30 jours.
so-invitation-message = Un mot pour la personne
so-invitation-message-hint = 500 caractères au plus ; il figure dans l’e-mail d’invitation.
so-invitation-send = Envoyer l’invitation
so-invitation-title = Invitation
so-invitation-heading = Invitation de { $email }
so-invitation-created = Créée le
so-invitation-confirmed = Adresse confirmée
so-invitation-link = Lien d’invitation
so-invitation-link-hint = Ce lien a été envoyé par e-mail. Il ne sert qu’à la personne invitée : elle doit confirmer son adresse.
so-invitation-link-label = Adresse du lien
so-invitation-log = Utilisations de l’invitation
so-invitation-log-empty = L’invitation n’a pas encore été ouverte.
so-invitation-revoke = Retirer l’invitation
so-invitation-revoke-confirm = Retirer cette invitation ? La personne n’aura plus accès à rien, immédiatement.
so-action-opened = Lien ouvert
so-action-code-sent = Code envoyé
so-action-code-wrong = Code erroné
so-action-confirmed = Adresse confirmée
so-action-read = Portfolio consulté
so-action-document = Document téléchargé
so-action-suggested = Étape proposée
so-action-commented = Commentaire
so-action-endorsed = Recommandation signée
so-action-endorsement-withdrawn = Recommandation retirée
so-action-refused = Action refusée
so-done-invitation-created = L’invitation est envoyée.
so-done-invitation-revoked = L’invitation est retirée : le lien ne fonctionne plus.

## Propositions des contributeurs
so-suggestions-title = Propositions et commentaires
so-suggestions-pending = { $count ->
    [0] Aucune proposition en attente.
    [one] Une proposition attend votre décision.
   *[other] { $count } propositions attendent votre décision.
}
so-suggestions-empty = Personne n’a encore rien proposé.
so-suggestion-comment-on = Commentaire sur « { $title } »
so-suggestion-entry = Étape proposée : { $title }
so-suggestion-by = Par { $author }
so-suggestion-approve = Ajouter à mon parcours
so-suggestion-mark-read = Marquer comme lu
so-suggestion-reject = Refuser
so-suggestion-see-entry = Voir l’étape ajoutée
so-done-suggestion-approved = C’est fait : la proposition est acceptée.
so-done-suggestion-rejected = La proposition est refusée.

## Recommandations
so-endorsements-title = Recommandations
so-endorsements-lead = Les recommandations sont des attestations signées par les personnes que vous avez invitées à recommander une étape de votre parcours.
so-endorsements-received = Reçues
so-endorsements-all = Voir toutes les recommandations
so-endorsements-empty = Vous n’avez pas encore reçu de recommandation.
so-endorsements-none-for-entry = Aucune recommandation pour cette étape.
so-endorsement-by = Par { $author }
so-endorsement-state-active = Visible
so-endorsement-state-hidden = Masquée
so-endorsement-state-withdrawn = Retirée par son auteur
so-endorsement-hide = Masquer
so-endorsement-show = Afficher à nouveau
so-endorsements-given = Données
so-endorsements-given-hint = Les recommandations que vous avez signées pour d’autres personnes avec votre compte Atout.
so-endorsements-given-empty = Vous n’avez recommandé personne avec votre compte.
so-endorsement-given-for = Pour { $name }
so-done-endorsement-hidden = La recommandation est masquée.
so-done-endorsement-shown = La recommandation est de nouveau visible.

## Demandes de certification
so-requests-title = Demandes de certification
so-requests-lead = Demandez à un organisme (employeur, école, association) de certifier une étape de votre parcours. S’il accepte, il vous délivre un justificatif signé.
so-requests-empty = Vous n’avez fait aucune demande.
so-request-to = À { $org }
so-request-new-title = Demander une certification
so-request-new-lead = L’organisme voit l’étape, votre message et les documents joints, et rien d’autre.
so-request-entry = Étape à certifier
so-request-entry-choose = Choisissez une étape
so-request-org = Organisme
so-request-org-hint = Son identifiant sur Atout (par exemple « universite-exemple »), tel que l’organisme vous l’a communiqué.
so-request-message = Message pour l’organisme
so-request-message-hint = 2 000 caractères au plus.
so-request-documents = Documents à joindre
so-request-send = Envoyer la demande
so-request-title = Demande de certification
so-request-sent = Envoyée le
so-request-decided = Décision le
so-request-reason = Motif du refus
so-request-no-reason = L’organisme n’a pas donné de motif.
so-request-see-credential = Voir le justificatif reçu
so-request-pending-note = L’organisme n’a pas encore répondu. Vous pouvez annuler la demande tant qu’il n’a pas décidé.
so-request-cancel = Annuler la demande
so-request-cancel-confirm = Annuler cette demande ?
so-request-duplicate = Vous avez déjà une demande en attente auprès de cet organisme pour cette étape.
so-done-request-sent = La demande est envoyée.
so-done-request-cancelled = La demande est annulée.

## Erreurs des formulaires
so-field-email = Indiquez une adresse e-mail valide.
so-field-role = Choisissez un rôle.
so-field-items = Choisissez au moins un élément à montrer.
so-field-entries = Pour une recommandation, choisissez au moins une étape du parcours.
so-field-item = Un des éléments choisis n’existe pas ou plus. Rechargez la page.
so-field-expiresAt = Indiquez une date à venir, dans un an au plus, au format AAAA-MM-JJ.
so-field-message = Le message est trop long (500 caractères au plus).
so-field-request-message = Le message est trop long (2 000 caractères au plus).
so-field-entryId = Choisissez une de vos étapes.
so-field-org = Aucun organisme ne porte cet identifiant sur Atout.
so-field-documents = Un des documents choisis n’existe pas ou plus, ou il y en a plus de 20.
so-field-name = Indiquez votre nom (120 caractères au plus).
so-field-code = Indiquez le code à six chiffres reçu par e-mail.
so-field-code-wrong = { $count ->
    [0] Ce code est erroné. Demandez un nouveau code.
    [one] Ce code est erroné. Il vous reste un essai.
   *[other] Ce code est erroné. Il vous reste { $count } essais.
}
so-field-code-expired = Ce code a expiré ou a été essayé trop souvent. Demandez un nouveau code.
so-field-text = Écrivez un texte (2 000 caractères au plus).
so-field-comment = Écrivez un texte (2 000 caractères au plus).
so-field-kind = Choisissez un type d’étape.
so-field-title = Indiquez un intitulé (200 caractères au plus).
so-field-organisation = Le nom de l’organisation est trop long.
so-field-startDate = Indiquez une date au format AAAA, AAAA-MM ou AAAA-MM-JJ.
so-field-endDate = La date de fin doit suivre la date de début, au format AAAA, AAAA-MM ou AAAA-MM-JJ.
so-field-description = La description est trop longue (5 000 caractères au plus).

## La personne invitée
so-invited-title = Invitation
so-invited-heading = { $name } vous invite sur Atout
so-invited-role-reader = Vous pourrez consulter une partie de son portfolio.
so-invited-role-contributor = Vous pourrez consulter une partie de son portfolio, commenter ses étapes et lui proposer de nouvelles étapes.
so-invited-role-certifier = Vous pourrez consulter une partie de son portfolio et recommander des étapes de son parcours par une attestation signée.
so-invited-until = Cette invitation est valable jusqu’au { $date }.
so-invited-step-code = 1. Recevoir un code
so-invited-code-explain = Pour vérifier que l’invitation vous est bien destinée, nous envoyons un code à l’adresse invitée ({ $email }).
so-invited-send-code = M’envoyer un code
so-invited-step-confirm = 2. Confirmer
so-invited-name = Votre nom
so-invited-name-hint = Tel que la personne qui vous invite et vos recommandations le montreront.
so-invited-code = Code reçu par e-mail
so-invited-code-hint = Six chiffres, valable 15 minutes.
so-invited-logged-in = Vous êtes connecté à Atout : si votre compte utilise l’adresse invitée (vérifiée), le code n’est pas nécessaire.
so-invited-confirm = Confirmer et continuer
so-invited-privacy = Chacune de vos visites est visible par la personne qui vous invite.
so-code-sent-recently = Un code vient d’être envoyé : consultez vos e-mails, ou redemandez-en un dans une minute.
so-done-code-sent = Un code vous a été envoyé par e-mail.
so-done-confirmed = Votre adresse est confirmée.
so-done-left = Vous avez quitté l’invitation sur cet appareil.
so-invited-portfolio-title = Portfolio partagé
so-invited-portfolio-heading = Le portfolio de { $name }
so-invited-leave = Quitter
so-invited-comment-label = Votre commentaire
so-invited-comment-hint = La personne le lira et décidera quoi en faire.
so-invited-comment = Envoyer le commentaire
so-invited-endorse-label = Votre recommandation
so-invited-endorse-hint = Ce dont vous vous portez garant : elle sera signée à votre nom et jointe à cette étape.
so-invited-endorse = Signer la recommandation
so-invited-suggest-title = Proposer une étape
so-invited-suggest-lead = La personne l’ajoutera à son parcours si elle l’accepte.
so-invited-suggest-name = Intitulé
so-invited-suggest-organisation = Organisation
so-invited-suggest = Proposer cette étape
so-invited-my-endorsements = Vos recommandations
so-invited-no-endorsements = Vous n’avez encore rien recommandé.
so-invited-withdraw = Retirer
so-invited-withdraw-confirm = Retirer cette recommandation ? Elle ne comptera plus.
so-done-commented = Votre commentaire est envoyé.
so-done-suggested = Votre proposition est envoyée.
so-done-endorsed = Votre recommandation est signée et jointe à l’étape.
so-done-endorsement-withdrawn = Votre recommandation est retirée.
so-invited-gone-title = Invitation retirée
so-invited-gone-revoked = La personne qui vous avait invité a retiré cette invitation.
so-invited-gone-expired = Cette invitation a expiré.
so-invited-gone-after = Vous n’avez plus accès à son portfolio. Les recommandations déjà signées restent valables jusqu’à ce que vous les retiriez ou qu’elle les masque.

## Choisir l’organisme dans l’annuaire (h-trust, issue 16)
so-request-org-chosen = Organisme choisi :
so-request-org-search = Rechercher l’organisme par son nom
so-request-org-search-hint = Par exemple « Université d’Orléans » ou simplement « orleans » ; les accents et les majuscules ne comptent pas. Puis choisissez-le dans la liste.
so-request-org-choose = Choisir
so-request-org-known = Organismes déjà sollicités
so-request-details = Votre demande
so-field-org-choose = Choisissez l’organisme : recherchez-le par son nom, puis « Choisir ».

## Invitations to certify on behalf of an organisation of the directory (issue 16)
so-invitation-org = Organisation qui atteste
so-invitation-org-hint = Pour une recommandation seulement, et facultatif : tapez le nom de l’organisme de l’annuaire au nom duquel la personne attestera (la liste propose ceux que l’annuaire connaît), ou son identifiant. Elle devra alors signer avec une clé d’API de cet organisme. Laissez vide pour qu’elle recommande en son nom propre.
so-invitation-on-behalf = au nom de { $org }
so-field-org-unknown = Aucun organisme de l’annuaire ne s’appelle « { $text } ». Tapez son nom tel que l’annuaire l’écrit (la liste en propose), ou son identifiant ; ou laissez le champ vide.
so-field-org-several = Plusieurs organismes de l’annuaire portent ce nom : tapez plutôt l’identifiant de celui que vous voulez : { $slugs }.
so-field-org-role = Seule une invitation à recommander nomme un organisme : choisissez le rôle « Recommandation », ou videz le champ « Organisation qui atteste ».
so-invited-role-certifier-org = { $name } vous invite à attester, au nom de { $org }, des étapes de son parcours : vous pourrez consulter une partie de son portfolio et signer une recommandation au nom de cet organisme, avec une de ses clés d’API.
so-invited-org-key = Clé d’API de { $org }
so-invited-org-key-hint = La recommandation est signée au nom de { $org } : collez une de ses clés d’API (elle commence par « atout_ »). Elle sert à signer et n’est pas conservée.
so-invited-endorse-hint-org = Ce dont l’organisme se porte garant : elle sera signée au nom de { $org } et jointe à cette étape.
so-field-org-key-missing = Collez une clé d’API de { $org } : cette recommandation doit être signée en son nom.
so-field-org-key-invalid = Cette clé d’API n’est pas valable ou a été retirée. Collez une clé d’API en cours de { $org }.
so-field-org-key-other = Cette clé d’API est celle d’un autre organisme. Collez une clé d’API de { $org }.
