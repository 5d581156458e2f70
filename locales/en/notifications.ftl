# Notifications (issue 19): the list in Atout, the mails, the preferences,
# the one-click unsubscribe, the organisation's page.
nav-notifications = Notifications
co-nav-notices = Notifications

# The unread count, in the menu.
ntf-badge-unread = { $count } unread
ntf-badge-many = More than 99 unread

# What each notification says.
ntf-text-unknown = A notification.
ntf-text-credential-offered = { $org } offers you the credential “{ $title }”.
ntf-text-credential-revoked = { $org } revoked your credential “{ $title }”.
ntf-text-credential-suspended = { $org } suspended your credential “{ $title }”.
ntf-text-credential-reinstated = { $org } reinstated your credential “{ $title }”: it is valid again.
ntf-text-credential-expiring = Your credential “{ $title }” stops being valid on { $date }.
ntf-text-endorsement-received = { $name } endorsed “{ $entry }”.
ntf-text-request-decided-approved = { $org } certified “{ $entry }”: the credential is in your wallet.
ntf-text-request-decided-rejected = { $org } declined to certify “{ $entry }”.
ntf-text-suggestion-received-comment = { $name } left a comment on your portfolio.
ntf-text-suggestion-received-entry = { $name } suggests an experience to add to your portfolio.
ntf-text-share-opened = Your share “{ $label }” was opened on { $date }.
ntf-text-cv-opened = The online version of your CV “{ $title }” was opened on { $date }.
ntf-text-invitation-accepted = { $name } accepted your invitation ({ $role }).
ntf-text-event-reminder = Reminder: “{ $title }” takes place on { $date }.
ntf-text-event-cancelled = The event “{ $title }” planned on { $date } is cancelled.
ntf-text-digest = { $count ->
    [0] Your weekly selection: no new event.
    [one] Your weekly selection: one new event for you.
   *[other] Your weekly selection: { $count } new events for you.
}
ntf-text-request-received = { $name } asks you to certify “{ $entry }”.
ntf-text-offer-declined = { $email } declined your offer “{ $title }”.
ntf-text-offer-expired-one = Your offer “{ $title }” to { $email } expired without being accepted.
ntf-text-offer-expired = { $count ->
    [one] An offer “{ $title }” expired without being accepted.
   *[other] { $count } offers “{ $title }” expired without being accepted.
}
ntf-reason = Reason: { $reason }
ntf-where = Place: { $commune }.
ntf-role-reader = reader
ntf-role-contributor = contributor
ntf-role-certifier = certifier

# The name of each kind (preferences, unsubscribe).
ntf-kind-credential-offered = A credential is offered to me
ntf-kind-credential-revoked = One of my credentials is revoked
ntf-kind-credential-suspended = One of my credentials is suspended
ntf-kind-credential-reinstated = One of my credentials is reinstated
ntf-kind-credential-expiring = One of my credentials is about to expire
ntf-kind-endorsement-received = I receive an endorsement
ntf-kind-request-decided = A certification request is answered
ntf-kind-suggestion-received = Someone I invited makes a suggestion
ntf-kind-share-opened = One of my shares is opened
ntf-kind-cv-opened = One of my online CVs is opened
ntf-kind-invitation-accepted = Someone accepts my invitation
ntf-kind-event-reminder = A reminder of an event I registered for
ntf-kind-event-cancelled = An event I registered for is cancelled
ntf-kind-digest = The weekly selection (new events for me)
ntf-kind-request-received = A new certification request
ntf-kind-offer-declined = An offer declined
ntf-kind-offer-expired = An offer expired unanswered

# The subjects of the mails.
ntf-subject-credential-offered = A credential is offered to you
ntf-subject-credential-revoked = One of your credentials was revoked
ntf-subject-credential-suspended = One of your credentials was suspended
ntf-subject-credential-reinstated = One of your credentials was reinstated
ntf-subject-credential-expiring = One of your credentials is about to expire
ntf-subject-endorsement-received = You received an endorsement
ntf-subject-request-decided = Your certification request was answered
ntf-subject-suggestion-received = A suggestion for your portfolio
ntf-subject-share-opened = Your share was opened
ntf-subject-cv-opened = Your online CV was opened
ntf-subject-invitation-accepted = Your invitation was accepted
ntf-subject-event-reminder = Reminder: an event is coming up
ntf-subject-event-cancelled = An event is cancelled
ntf-subject-digest = Your weekly selection of events
ntf-subject-request-received = New certification request
ntf-subject-offer-declined = An offer was declined
ntf-subject-offer-expired = Offers expired unanswered
ntf-subject-opened = Your shares were opened

# The body of the mails.
ntf-mail-hello = Hello { $name },
ntf-mail-open = See it on Atout:
ntf-mail-why = You receive this mail because you have an Atout account.
ntf-mail-prefs = Choose the mails you receive:
ntf-mail-unsubscribe = Stop these mails ({ $kinds }):
ntf-opened-intro = { $count ->
    [one] Since our last mail, what you shared was opened:
   *[other] Since our last mail, what you shared was opened { $count } times:
}
ntf-mail-org-hello = Hello,
ntf-mail-org-why = You receive this mail because this address receives the notifications of { $org } on Atout.
ntf-mail-org-prefs = Change the address in the console:
ntf-mail-org-unsubscribe = Stop these mails to this address:

# The notifications page (/me/notifications).
ntf-page-title = My notifications
ntf-page-lead = What happens to your portfolio: credentials received, revoked or suspended, endorsements, shares opened, organisations' answers, events.
ntf-page-unread-count = { $count ->
    [0] Everything is read.
    [one] One unread notification.
   *[other] { $count } unread notifications.
}
ntf-page-mark-all = Mark all as read
ntf-page-mark-read = Mark as read
ntf-page-unread = Unread
ntf-page-open = See
ntf-page-received = On { $date }
ntf-page-empty = No notification yet.
ntf-page-preferences = Choose what I receive by mail
ntf-page-list = Notifications, newest first
ntf-page-pages = Pages of notifications
ntf-page-prev = Newer
ntf-page-next = Older
ntf-page-position = Page { $page } of { $pages }
done-notifications-read = The notifications are marked as read.

# The preferences (/me/notifications/preferences).
ntf-prefs-title = My notification preferences
ntf-prefs-lead = Everything about you shows in Atout. Choose what you also want to receive by mail, and in which language.
ntf-prefs-mail-legend = Also receive by mail
ntf-prefs-mail-hint = Shares and CVs opened are grouped: one mail a day at most.
ntf-prefs-digest-legend = The weekly selection
ntf-prefs-digest-label = Receive each week the new events that match my path
ntf-prefs-digest-hint = Off until you turn it on.
ntf-prefs-lang-legend = Language of the mails
ntf-prefs-lang-fr = Français
ntf-prefs-lang-en = English
ntf-prefs-save = Save my preferences
ntf-prefs-unverified = Your address is not confirmed yet: no mail is sent to you until you confirm it.
ntf-prefs-back = Back to my notifications
done-notification-prefs-saved = Your preferences are saved.

# The one-click unsubscribe (/unsubscribe/…).
ntf-unsub-title = Unsubscribe
ntf-unsub-confirm = Stop receiving by mail: { $kinds }?
ntf-unsub-keep = You will still see these notifications in Atout.
ntf-unsub-button = Unsubscribe me
ntf-unsub-done = Done: you will no longer receive mails for: { $kinds }.
ntf-unsub-prefs = Choose other preferences
ntf-unsub-org-confirm = Stop sending the organisation's notifications to this address?
ntf-unsub-org-done = Done: this address will no longer receive the organisation's notifications. Another address can be set in the console.
ntf-unsub-org-prefs = Open the console

# The organisation's page (/console/orgs/…/notices).
co-ntc-title = Notifications
co-ntc-lead = New certification requests, offers declined or expired unanswered.
co-ntc-email-title = Receive the notifications by mail
co-ntc-email-label = Address
co-ntc-email-hint = Leave empty to see them in the console only. Each mail carries an unsubscribe link.
co-ntc-email-save = Save the address
co-ntc-email-none = No address: the notifications show in the console only.
co-ntc-email-current = The notifications are mailed to { $email }.
co-ntc-field-email = Give a valid email address, or leave it empty.
co-ntc-list-title = Notifications received
co-ntc-mark-all = Mark all as read
co-ntc-empty = No notification yet.
done-notify-email-saved = The address is saved.
done-notify-email-removed = The notifications are no longer mailed.
co-status-reason = Reason
co-status-reason-hint = It is told to the holder with the notification: 500 characters at most.
