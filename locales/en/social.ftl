# Invitations, endorsements, certification requests, and the invited person's pages.

## Common
so-none-yet = Nothing yet.
so-size-kb = { $size } KB
so-log-when = When
so-log-what = What
so-log-detail = Detail
so-item-credential = Credential
so-item-entry = Path entry
so-item-document = Document
so-role-reader = Reader
so-role-reader-hint = Sees what you choose, and can change nothing.
so-role-contributor = Contributor
so-role-contributor-hint = Sees what you choose, comments on your entries and suggests new entries, which you approve or reject.
so-role-certifier = Certifier
so-role-certifier-hint = Sees what you choose and endorses the chosen entries with a signed credential.

## Invitations
so-invitations-title = Invitations
so-invitations-lead = Invite a person by email to read, add to or endorse part of your portfolio. You can withdraw an invitation at any time.
so-invitations-empty = You have not invited anyone.
so-invitation-covers = { $count ->
    [one] one item
   *[other] { $count } items
}
so-invitation-until = until { $date }
so-invitation-new-title = Invite a person
so-invitation-new-lead = The person gets a link by email and confirms their address with a code before seeing anything.
so-invitation-email = The person's email address
so-invitation-email-hint = Only this address can open the invitation.
so-invitation-role = Role
so-invitation-what = What the person will see
so-invitation-expires = End of the invitation
so-invitation-expires-hint = As YYYY-MM-DD, at most a year ahead. Default: in 30 days.
so-invitation-message = A word for the person
so-invitation-message-hint = Up to 500 characters; it is part of the invitation email.
so-invitation-send = Send the invitation
so-invitation-title = Invitation
so-invitation-heading = Invitation of { $email }
so-invitation-created = Created on
so-invitation-confirmed = Address confirmed
so-invitation-link = Invitation link
so-invitation-link-hint = This link was sent by email. It only works for the invited person: they must confirm their address.
so-invitation-link-label = The link's address
so-invitation-log = Uses of the invitation
so-invitation-log-empty = The invitation has not been opened yet.
so-invitation-revoke = Withdraw the invitation
so-invitation-revoke-confirm = Withdraw this invitation? The person loses all access, at once.
so-action-opened = Link opened
so-action-code-sent = Code sent
so-action-code-wrong = Wrong code
so-action-confirmed = Address confirmed
so-action-read = Portfolio read
so-action-document = Document downloaded
so-action-suggested = Entry suggested
so-action-commented = Comment
so-action-endorsed = Endorsement signed
so-action-endorsement-withdrawn = Endorsement withdrawn
so-action-refused = Action refused
so-done-invitation-created = The invitation is sent.
so-done-invitation-revoked = The invitation is withdrawn: the link no longer works.

## Contributors' suggestions
so-suggestions-title = Suggestions and comments
so-suggestions-pending = { $count ->
    [0] No suggestion awaits you.
    [one] One suggestion awaits your decision.
   *[other] { $count } suggestions await your decision.
}
so-suggestions-empty = Nobody has suggested anything yet.
so-suggestion-comment-on = Comment on “{ $title }”
so-suggestion-entry = Suggested entry: { $title }
so-suggestion-by = By { $author }
so-suggestion-approve = Add to my path
so-suggestion-mark-read = Mark as read
so-suggestion-reject = Reject
so-suggestion-see-entry = See the added entry
so-done-suggestion-approved = Done: the suggestion is approved.
so-done-suggestion-rejected = The suggestion is rejected.

## Endorsements
so-endorsements-title = Endorsements
so-endorsements-lead = Endorsements are credentials signed by the people you invited to endorse an entry of your path.
so-endorsements-received = Received
so-endorsements-all = See all endorsements
so-endorsements-empty = You have not received any endorsement yet.
so-endorsements-none-for-entry = No endorsement for this entry.
so-endorsement-by = By { $author }
so-endorsement-state-active = Shown
so-endorsement-state-hidden = Hidden
so-endorsement-state-withdrawn = Withdrawn by its author
so-endorsement-hide = Hide
so-endorsement-show = Show again
so-endorsements-given = Given
so-endorsements-given-hint = The endorsements you signed for other people with your Atout account.
so-endorsements-given-empty = You have not endorsed anyone with your account.
so-endorsement-given-for = For { $name }
so-done-endorsement-hidden = The endorsement is hidden.
so-done-endorsement-shown = The endorsement is shown again.

## Certification requests
so-requests-title = Certification requests
so-requests-lead = Ask an organisation (employer, school, association) to certify an entry of your path. If it agrees, it issues you a signed credential.
so-requests-empty = You have not made any request.
so-request-to = To { $org }
so-request-new-title = Ask for a certification
so-request-new-lead = The organisation sees the entry, your message and the attached documents, nothing else.
so-request-entry = Entry to certify
so-request-entry-choose = Choose an entry
so-request-org = Organisation
so-request-org-hint = Its identifier on Atout (for instance “example-university”), as the organisation gave it to you.
so-request-message = Message for the organisation
so-request-message-hint = Up to 2,000 characters.
so-request-documents = Documents to attach
so-request-send = Send the request
so-request-title = Certification request
so-request-sent = Sent on
so-request-decided = Decided on
so-request-reason = Why it was rejected
so-request-no-reason = The organisation gave no reason.
so-request-see-credential = See the credential received
so-request-pending-note = The organisation has not answered yet. You can cancel the request until it decides.
so-request-cancel = Cancel the request
so-request-cancel-confirm = Cancel this request?
so-request-duplicate = You already have a pending request to this organisation about this entry.
so-done-request-sent = The request is sent.
so-done-request-cancelled = The request is cancelled.

## Form errors
so-field-email = Enter a valid email address.
so-field-role = Choose a role.
so-field-items = Choose at least one item to show.
so-field-entries = For an endorsement, choose at least one entry of your path.
so-field-item = One of the chosen items does not exist (any more). Reload the page.
so-field-expiresAt = Enter a date to come, at most a year ahead, as YYYY-MM-DD.
so-field-message = The message is too long (at most 500 characters).
so-field-request-message = The message is too long (at most 2,000 characters).
so-field-entryId = Choose one of your entries.
so-field-org = No organisation has this identifier on Atout.
so-field-documents = One of the chosen documents does not exist (any more), or there are more than 20.
so-field-name = Enter your name (at most 120 characters).
so-field-code = Enter the six-digit code you received by email.
so-field-code-wrong = { $count ->
    [0] This code is wrong. Ask for a new code.
    [one] This code is wrong. You have one try left.
   *[other] This code is wrong. You have { $count } tries left.
}
so-field-code-expired = This code has expired or was tried too often. Ask for a new code.
so-field-text = Write a text (at most 2,000 characters).
so-field-comment = Write a text (at most 2,000 characters).
so-field-kind = Choose a kind of entry.
so-field-title = Enter a title (at most 200 characters).
so-field-organisation = The organisation's name is too long.
so-field-startDate = Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.
so-field-endDate = The end must follow the start, as YYYY, YYYY-MM or YYYY-MM-DD.
so-field-description = The description is too long (at most 5,000 characters).

## The invited person
so-invited-title = Invitation
so-invited-heading = { $name } invites you to Atout
so-invited-role-reader = You will be able to read part of their portfolio.
so-invited-role-contributor = You will be able to read part of their portfolio, comment on their entries and suggest new entries.
so-invited-role-certifier = You will be able to read part of their portfolio and endorse entries of their path with a signed credential.
so-invited-until = This invitation is valid until { $date }.
so-invited-step-code = 1. Get a code
so-invited-code-explain = To check that the invitation is meant for you, we send a code to the invited address ({ $email }).
so-invited-send-code = Send me a code
so-invited-step-confirm = 2. Confirm
so-invited-name = Your name
so-invited-name-hint = As the person who invites you and your endorsements will show it.
so-invited-code = Code received by email
so-invited-code-hint = Six digits, valid for 15 minutes.
so-invited-logged-in = You are logged in to Atout: if your account uses the invited address (verified), no code is needed.
so-invited-confirm = Confirm and continue
so-invited-privacy = The person who invites you sees each of your visits.
so-code-sent-recently = A code was just sent: check your email, or ask again in a minute.
so-done-code-sent = A code was sent to you by email.
so-done-confirmed = Your address is confirmed.
so-done-left = You left the invitation on this device.
so-invited-portfolio-title = Shared portfolio
so-invited-portfolio-heading = The portfolio of { $name }
so-invited-leave = Leave
so-invited-comment-label = Your comment
so-invited-comment-hint = The person will read it and decide what to do with it.
so-invited-comment = Send the comment
so-invited-endorse-label = Your endorsement
so-invited-endorse-hint = What you vouch for: it is signed in your name and attached to this entry.
so-invited-endorse = Sign the endorsement
so-invited-suggest-title = Suggest an entry
so-invited-suggest-lead = The person adds it to their path if they approve it.
so-invited-suggest-name = Title
so-invited-suggest-organisation = Organisation
so-invited-suggest = Suggest this entry
so-invited-my-endorsements = Your endorsements
so-invited-no-endorsements = You have not endorsed anything yet.
so-invited-withdraw = Withdraw
so-invited-withdraw-confirm = Withdraw this endorsement? It will no longer count.
so-done-commented = Your comment is sent.
so-done-suggested = Your suggestion is sent.
so-done-endorsed = Your endorsement is signed and attached to the entry.
so-done-endorsement-withdrawn = Your endorsement is withdrawn.
so-invited-gone-title = Invitation withdrawn
so-invited-gone-revoked = The person who invited you withdrew this invitation.
so-invited-gone-expired = This invitation has expired.
so-invited-gone-after = You no longer have access to their portfolio. Endorsements already signed stay valid until you withdraw them or they hide them.

## Choosing the organisation from the directory (h-trust, issue 16)
so-request-org-chosen = Organisation chosen:
so-request-org-search = Search for the organisation by its name
so-request-org-search-hint = For instance “University of Orléans” or just “orleans”; accents and capitals do not matter. Then choose it in the list.
so-request-org-choose = Choose
so-request-org-known = Organisations asked before
so-request-details = Your request
so-field-org-choose = Choose the organisation: search for it by its name, then “Choose”.

## Invitations to certify on behalf of an organisation of the directory (issue 16)
so-invitation-org = Certifying organisation
so-invitation-org-hint = For an endorsement only, and optional: type the name of the directory's organisation on whose behalf the person will endorse (the list suggests those the directory knows), or its identifier. They will then sign with one of its API keys. Leave it empty for them to endorse in their own name.
so-invitation-on-behalf = on behalf of { $org }
so-field-org-unknown = No organisation in the directory is named “{ $text }”. Type its name as the directory writes it (the list suggests some), or its identifier; or leave the field empty.
so-field-org-several = Several organisations in the directory bear this name: type the identifier of the one you mean instead: { $slugs }.
so-field-org-role = Only an invitation to endorse names an organisation: choose the role “Certifier”, or empty the field “Certifying organisation”.
so-invited-role-certifier-org = { $name } invites you to endorse, on behalf of { $org }, entries of their path: you will be able to read part of their portfolio and sign an endorsement on behalf of that organisation, with one of its API keys.
so-invited-org-key = { $org }'s API key
so-invited-org-key-hint = The endorsement is signed on behalf of { $org }: paste one of its API keys (it starts with “atout_”). It is used to sign and is not kept.
so-invited-endorse-hint-org = What the organisation vouches for: it is signed on behalf of { $org } and attached to this entry.
so-field-org-key-missing = Paste an API key of { $org }: this endorsement must be signed on its behalf.
so-field-org-key-invalid = This API key is not valid or was revoked. Paste a current API key of { $org }.
so-field-org-key-other = This API key belongs to another organisation. Paste an API key of { $org }.
