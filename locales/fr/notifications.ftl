# Notifications (issue 19) : la liste dans Atout, les courriels, les
# préférences, le désabonnement en un clic, la page de l’organisation.
nav-notifications = Notifications
co-nav-notices = Notifications

# Le nombre de non lues, dans le menu.
ntf-badge-unread = { $count ->
    [one] { $count } non lue
   *[other] { $count } non lues
}
ntf-badge-many = Plus de 99 non lues

# Ce que dit chaque notification.
ntf-text-unknown = Une notification.
ntf-text-credential-offered = { $org } vous propose l’attestation « { $title } ».
ntf-text-credential-revoked = { $org } a révoqué votre attestation « { $title } ».
ntf-text-credential-suspended = { $org } a suspendu votre attestation « { $title } ».
ntf-text-credential-reinstated = { $org } a rétabli votre attestation « { $title } » : elle est de nouveau valable.
ntf-text-credential-expiring = Votre attestation « { $title } » cesse d’être valable le { $date }.
ntf-text-endorsement-received = { $name } a recommandé « { $entry } ».
ntf-text-request-decided-approved = { $org } a certifié « { $entry } » : l’attestation est dans votre portefeuille.
ntf-text-request-decided-rejected = { $org } a refusé de certifier « { $entry } ».
ntf-text-suggestion-received-comment = { $name } a laissé un commentaire sur votre portfolio.
ntf-text-suggestion-received-entry = { $name } vous suggère d’ajouter une expérience à votre portfolio.
ntf-text-share-opened = Votre partage « { $label } » a été consulté le { $date }.
ntf-text-cv-opened = La version en ligne de votre CV « { $title } » a été consultée le { $date }.
ntf-text-invitation-accepted = { $name } a accepté votre invitation ({ $role }).
ntf-text-event-reminder = Rappel : « { $title } » a lieu le { $date }.
ntf-text-event-cancelled = L’événement « { $title } » prévu le { $date } est annulé.
ntf-text-digest = { $count ->
    [0] Votre sélection de la semaine : aucun nouvel événement.
    [one] Votre sélection de la semaine : un nouvel événement pour vous.
   *[other] Votre sélection de la semaine : { $count } nouveaux événements pour vous.
}
ntf-text-request-received = { $name } vous demande de certifier « { $entry } ».
ntf-text-offer-declined = { $email } a refusé votre offre « { $title } ».
ntf-text-offer-expired-one = Votre offre « { $title } » à { $email } a expiré sans être acceptée.
ntf-text-offer-expired = { $count ->
    [one] Une offre « { $title } » a expiré sans être acceptée.
   *[other] { $count } offres « { $title } » ont expiré sans être acceptées.
}
ntf-reason = Motif : { $reason }
ntf-where = Lieu : { $commune }.
ntf-role-reader = lecture
ntf-role-contributor = contribution
ntf-role-certifier = certification

# Le nom de chaque sorte (préférences, désabonnement).
ntf-kind-credential-offered = Une attestation m’est proposée
ntf-kind-credential-revoked = Une de mes attestations est révoquée
ntf-kind-credential-suspended = Une de mes attestations est suspendue
ntf-kind-credential-reinstated = Une de mes attestations est rétablie
ntf-kind-credential-expiring = Une de mes attestations arrive à échéance
ntf-kind-endorsement-received = Je reçois une recommandation
ntf-kind-request-decided = Une demande de certification reçoit sa réponse
ntf-kind-suggestion-received = Une personne invitée me fait une suggestion
ntf-kind-share-opened = Un de mes partages est consulté
ntf-kind-cv-opened = Un de mes CV en ligne est consulté
ntf-kind-invitation-accepted = Une personne accepte mon invitation
ntf-kind-event-reminder = Rappel d’un événement auquel je suis inscrit ou inscrite
ntf-kind-event-cancelled = Un événement auquel je suis inscrit ou inscrite est annulé
ntf-kind-digest = La sélection de la semaine (nouveaux événements pour moi)
ntf-kind-request-received = Une nouvelle demande de certification
ntf-kind-offer-declined = Une offre refusée
ntf-kind-offer-expired = Une offre expirée sans réponse

# L’objet des courriels.
ntf-subject-credential-offered = Une attestation vous est proposée
ntf-subject-credential-revoked = Une de vos attestations a été révoquée
ntf-subject-credential-suspended = Une de vos attestations a été suspendue
ntf-subject-credential-reinstated = Une de vos attestations a été rétablie
ntf-subject-credential-expiring = Une de vos attestations arrive à échéance
ntf-subject-endorsement-received = Vous avez reçu une recommandation
ntf-subject-request-decided = Votre demande de certification a reçu une réponse
ntf-subject-suggestion-received = Une suggestion pour votre portfolio
ntf-subject-share-opened = Votre partage a été consulté
ntf-subject-cv-opened = Votre CV en ligne a été consulté
ntf-subject-invitation-accepted = Votre invitation a été acceptée
ntf-subject-event-reminder = Rappel : un événement approche
ntf-subject-event-cancelled = Un événement est annulé
ntf-subject-digest = Votre sélection d’événements de la semaine
ntf-subject-request-received = Nouvelle demande de certification
ntf-subject-offer-declined = Une offre a été refusée
ntf-subject-offer-expired = Des offres ont expiré sans réponse
ntf-subject-opened = Vos partages ont été consultés

# Le corps des courriels.
ntf-mail-hello = Bonjour { $name },
ntf-mail-open = Voir sur Atout :
ntf-mail-why = Vous recevez ce courriel parce que vous avez un compte Atout.
ntf-mail-prefs = Choisir les courriels que vous recevez :
ntf-mail-unsubscribe = Ne plus recevoir ces courriels ({ $kinds }) :
ntf-opened-intro = { $count ->
    [one] Depuis notre dernier courriel, ce que vous avez partagé a été consulté :
   *[other] Depuis notre dernier courriel, ce que vous avez partagé a été consulté { $count } fois :
}
ntf-mail-org-hello = Bonjour,
ntf-mail-org-why = Vous recevez ce courriel parce que cette adresse reçoit les notifications de { $org } sur Atout.
ntf-mail-org-prefs = Changer d’adresse dans la console :
ntf-mail-org-unsubscribe = Ne plus recevoir ces courriels à cette adresse :

# La page des notifications (/me/notifications).
ntf-page-title = Mes notifications
ntf-page-lead = Ce qui arrive à votre portfolio : attestations reçues, révoquées ou suspendues, recommandations, partages consultés, réponses des organismes, événements.
ntf-page-unread-count = { $count ->
    [0] Tout est lu.
    [one] Une notification non lue.
   *[other] { $count } notifications non lues.
}
ntf-page-mark-all = Tout marquer comme lu
ntf-page-mark-read = Marquer comme lue
ntf-page-unread = Non lue
ntf-page-open = Voir
ntf-page-received = Le { $date }
ntf-page-empty = Aucune notification pour l’instant.
ntf-page-preferences = Choisir ce que je reçois par courriel
ntf-page-list = Notifications, des plus récentes aux plus anciennes
ntf-page-pages = Pages des notifications
ntf-page-prev = Plus récentes
ntf-page-next = Plus anciennes
ntf-page-position = Page { $page } sur { $pages }
done-notifications-read = Les notifications sont marquées comme lues.

# Les préférences (/me/notifications/preferences).
ntf-prefs-title = Mes préférences de notification
ntf-prefs-lead = Tout ce qui vous concerne s’affiche dans Atout. Choisissez ce que vous voulez recevoir aussi par courriel, et dans quelle langue.
ntf-prefs-mail-legend = Recevoir aussi par courriel
ntf-prefs-mail-hint = Les partages et CV consultés sont regroupés : un courriel par jour au plus.
ntf-prefs-digest-legend = La sélection de la semaine
ntf-prefs-digest-label = Recevoir chaque semaine les nouveaux événements qui correspondent à mon parcours
ntf-prefs-digest-hint = Désactivée tant que vous ne l’activez pas.
ntf-prefs-lang-legend = Langue des courriels
ntf-prefs-lang-fr = Français
ntf-prefs-lang-en = English
ntf-prefs-save = Enregistrer mes préférences
ntf-prefs-unverified = Votre adresse n’est pas encore confirmée : aucun courriel ne vous est envoyé avant que vous l’ayez confirmée.
ntf-prefs-back = Retour à mes notifications
done-notification-prefs-saved = Vos préférences sont enregistrées.

# Le désabonnement en un clic (/unsubscribe/…).
ntf-unsub-title = Se désabonner
ntf-unsub-confirm = Ne plus recevoir par courriel : { $kinds } ?
ntf-unsub-keep = Vous verrez toujours ces notifications dans Atout.
ntf-unsub-button = Me désabonner
ntf-unsub-done = C’est fait : vous ne recevrez plus de courriels pour : { $kinds }.
ntf-unsub-prefs = Choisir d’autres préférences
ntf-unsub-org-confirm = Ne plus envoyer les notifications de l’organisation à cette adresse ?
ntf-unsub-org-done = C’est fait : cette adresse ne recevra plus les notifications de l’organisation. Une autre adresse peut être indiquée dans la console.
ntf-unsub-org-prefs = Ouvrir la console

# La page de l’organisation (/console/orgs/…/notices).
co-ntc-title = Notifications
co-ntc-lead = Les nouvelles demandes de certification, les offres refusées ou expirées sans réponse.
co-ntc-email-title = Recevoir les notifications par courriel
co-ntc-email-label = Adresse de réception
co-ntc-email-hint = Laissez vide pour ne les voir que dans la console. Chaque courriel contient un lien de désabonnement.
co-ntc-email-save = Enregistrer l’adresse
co-ntc-email-none = Aucune adresse : les notifications ne sont visibles que dans la console.
co-ntc-email-current = Les notifications sont envoyées à { $email }.
co-ntc-field-email = Indiquez une adresse e-mail valable, ou laissez vide.
co-ntc-list-title = Notifications reçues
co-ntc-mark-all = Tout marquer comme lu
co-ntc-empty = Aucune notification pour l’instant.
done-notify-email-saved = L’adresse de réception est enregistrée.
done-notify-email-removed = Les notifications ne sont plus envoyées par courriel.
co-status-reason = Motif
co-status-reason-hint = Il est communiqué au titulaire avec la notification : 500 caractères au plus.
