# The organisation console ("co-" keys and "done-co-" messages).

## Login
co-login-title = Console login
co-login-lead = Organisations act with one of their API keys; the platform administrator, with the admin token.
co-login-token = API key or admin token
co-login-token-hint = The key starts with "atout_". It stays encrypted in a cookie of this console for 8 hours at most; a revoked key ends the session at once.
co-login-submit = Open the console
co-login-failed = This key is not valid or was revoked.
co-login-citizens = Are you an individual?
co-login-citizens-link = Portfolio login
co-who-admin = Platform administrator
co-who-key = key "{ $name }"
done-co-logged-out = You have left the console.

## Navigation
co-nav-orgs = Organisations
co-nav-registry = Trust registry
co-nav-dashboard = Dashboard
co-nav-templates = Templates
co-nav-credentials = Issued credentials
co-nav-offers = Offers
co-nav-batches = Bulk issuance
co-nav-requests = Requests
co-nav-api-keys = API keys
co-nav-keys = Keys and DID

## Common words
co-state = State
co-actions = Actions
co-created = Created
co-created-on = Created on { $date }
co-choose = — Choose —
co-all = All
co-filter = Filter
co-template = Template
co-subject = Holder
co-reference = Reference
co-email = Email address
co-expires = Expires
co-credential = Credential
co-row = Row
co-error = Error
co-outcome = Outcome
co-next-page = Next page
co-refresh = Refresh
co-save = Save
co-edit = Edit
co-remove = Remove
co-revoke = Revoke
co-withdraw = Withdraw
co-suspend = Suspend
co-unsuspend = Lift the suspension
co-issue = Issue
co-download = Download
co-did = DID
co-did-document = DID document
co-name-fr = Name in French
co-name-en = Name in English
co-name-en-hint = Defaults to the French name.
co-reason = Reason
co-asked = Asked on
co-asked-on = asked on { $date }
co-decided = Decided on
co-bytes = { $count } bytes
co-format = Format
co-issued-on = Issued on
co-no-name = (no name)
co-admin-cannot-issue = Issuing and status changes are done with the organisation's API key: the platform administrator can look, not issue.

## States
co-state-active = Valid
co-state-active-explained = This credential is valid.
co-state-revoked = Revoked
co-state-revoked-explained = Revoked for good: it is no longer valid.
co-state-suspended = Suspended
co-state-suspended-explained = Suspended: not valid until the suspension is lifted.
co-state-pending = Pending
co-state-accepted = Accepted
co-state-declined = Declined
co-state-cancelled = Cancelled
co-state-expired = Expired
co-state-approved = Approved
co-state-rejected = Rejected
co-state-all = All
co-state-running = Running
co-state-done = Done
co-state-issued = Issued
co-state-skipped = Already issued
co-state-failed = Failed
co-state-retired = Retired
co-state-withdrawn = Withdrawn

## Fields
co-field-required = This field is required.
co-field-bad-type = This value is not of the expected type (a number, true or false…).
co-fields-have-errors = Some fields need correcting.
co-field-slug = The identifier has 2 to 63 characters: lower-case letters, digits and single hyphens, starting with a letter.
co-field-slug-taken = This identifier is taken.
co-field-name_fr = Give the name in French (300 characters at most).
co-field-name_en = The name in English has 1 to 300 characters.
co-field-type = Give a type such as DiplomaCredential (letters and digits, starting with a capital).
co-field-subject_schema = The schema must be a valid JSON Schema object.
co-field-achievement = The Achievement must be a valid JSON object (type, name, criteria).
co-field-email = Give a valid email address.
co-field-reference = The reference has 1 to 200 characters.
co-field-template = Choose a template of this organisation.
co-field-file = Choose a CSV file.
co-field-reason = Give a reason (2,000 characters at most).
co-field-key-name = Say what this key is for.
co-field-did = Give a did:web or did:key DID.
co-field-accreditation = Give the accreditation (500 characters at most).
co-field-accreditation_url = Give an https address.
co-field-valid_from = Give a date as YYYY-MM-DD.
co-field-valid_until = The end date must follow the start date, as YYYY-MM-DD.

## Console front page (administrator)
co-index-title = Administration console
co-index-lead = The platform's issuing organisations and the registry of recognised issuers.
co-orgs-heading = Organisations
co-orgs-empty = No organisation yet.
co-org-new-heading = New organisation
co-org-slug = Identifier
co-org-slug-hint = In addresses and the DID, e.g. univ-orleans. It never changes afterwards.
co-org-p256 = Also create a P-256 key (for ecdsa-rdfc-2019 and ES256)
co-org-create = Create the organisation
done-co-org-created = Organisation created, with its signing key.

## Dashboard
co-dashboard-title = Dashboard
co-dashboard-counts = In figures
co-count-templates = templates
co-count-issued = credentials issued
co-count-requests = pending requests
co-count-offers = open offers
co-dashboard-next = What to do?
co-dashboard-templates = Describe a credential (diploma, certificate, badge) and issue it to one person.
co-dashboard-batches = Issue to a whole class from a CSV file.
co-dashboard-credentials = Find an issued credential, suspend or revoke it.
co-dashboard-requests = Handle citizens' certification requests.

## Templates
co-templates-title = Templates
co-templates-lead = A template describes a credential: its name, its type and its holder's data.
co-templates-empty = No template yet.
co-template-badge = Open Badge
co-template-new-title = New template
co-template-new-lead = The schema describes the holder's data; the issuing forms and the CSV columns follow from it.
co-template-type = Credential type
co-template-type-hint = E.g. DiplomaCredential; with an Achievement, the credential is an OpenBadgeCredential.
co-template-schema = Schema of the holder's data (JSON Schema)
co-template-schema-hint = A JSON Schema object, without remote $ref. Nested properties become columns such as degree.name.
co-template-achievement = Open Badges 3.0 Achievement
co-template-achievement-hint = For a badge: a JSON object with type, name and criteria. Leave empty for another credential.
co-template-create = Create the template
co-template-title = Template
co-template-id = Identifier
done-co-template-created = Template created.

## Issuing
co-issue-heading = Issue to one person
co-issue-lead = Fill in the holder's data, then choose how to hand it over.
co-issue-many = Or issue to a whole list.
co-subject-legend = Holder's data
co-subject-hint = The field names are the template's.
co-delivery = Delivery
co-delivery-link = An offer by link (and QR code) to pass on
co-delivery-email = An offer sent by email: only this person, with a confirmed address, can accept it
co-delivery-direct = Issue now (the credential can be downloaded)
co-email-hint = Required for an offer by email; for direct issuance, kept in the registry only.
co-reference-hint = Your own reference (student number and year…), for direct issuance: a reference already issued is refused.
done-co-issued = Credential issued and signed.
co-offer-created-title = Offer created
co-offer-sent-to = A message with the link was sent to { $email }.
co-offer-link-ready = Pass this link on or show the QR code to the person.
co-offer-link = Offer link
co-offer-link-once = This link is shown once: we keep only a digest of it.
co-offer-qr-alt = QR code of the offer link

## Bulk issuance
co-batch-new-title = Bulk issuance
co-batch-new-lead = A CSV file, one row per person. The whole file is checked first: if a row is wrong, nothing is issued and the rows to correct are listed.
co-batch-file = CSV file
co-batch-file-hint = A reference column (your own, unique), an optional email column, then the holder's data (columns such as degree.name). A reference already issued is skipped: sending a file again issues nothing twice.
co-batch-start = Start issuing
co-batch-columns = Expected columns
co-batch-columns-hint = For each template, the file's first line:
co-batch-bad-rows = Rows to correct
co-batch-refused = The file is refused: { $count } problem(s) to correct.
co-batch-nothing-issued = Nothing was issued. Correct these rows and send the file again.
co-row-header = Header
done-co-batch-started = Issuing started.
co-batch-title = Bulk issuance
co-batch-progress-label = Progress
co-batch-progress = { $done } of { $total } rows processed…
co-batch-finished = Done: { $issued } issued, { $skipped } already issued, { $failed } failed, of { $total } rows.
co-batch-issued = issued
co-batch-skipped = already issued
co-batch-failed = failed
co-batch-total = rows
co-batch-report = Row-by-row report
co-batch-no-rows = No rows here.

## Issued credentials
co-credentials-title = Issued credentials
co-credentials-lead = Every credential the organisation issued, newest first, with its state.
co-credentials-empty = No credential matches.
co-search = Search
co-search-hint = Holder's name or email, reference or credential id.
co-search-submit = Search
co-credential-title = Issued credential
co-credential-id = Identifier
co-credential-content = The credential as issued
co-verification-heading = Verification link
co-verification-hint = To print or pass on: whoever opens it sees whether this credential is authentic and valid.
co-verification-qr-alt = QR code of the verification link
co-status-heading = State
co-revoke-heading = Revoke
co-revoke-explained = Revocation is final: the credential will never be valid again. For a while, suspend it instead.
co-revoke-understood = I understand that revocation is final.
co-revoke-confirm = Tick the box to confirm the revocation.
done-co-suspended = Credential suspended.
done-co-unsuspended = Suspension lifted: the credential is valid again.
done-co-revoked = Credential revoked.
done-co-not-confirmed = Nothing was done: tick the box to confirm.

## Offers
co-offers-title = Offers
co-offers-lead = The credentials offered to people, and what they did with them.
co-offers-empty = No offer here.
co-offer-by-link = by link
co-offer-withdraw-confirm = Withdraw this offer? Its link will stop working.
co-offers-link-once = An offer's link is shown only when it is made: we keep only a digest of it. For a new link, withdraw the offer and make another.
done-co-offer-withdrawn = Offer withdrawn: its link no longer works.
done-co-offer-not-pending = This offer is no longer pending: it cannot be withdrawn.

## Certification requests
co-requests-title = Certification requests
co-requests-lead = Citizens ask you to certify a step of their path.
co-requests-empty = No request here.
co-documents-count = { $count } document(s)
co-request-title = Certification request
co-request-citizen = Requester
co-request-kind = Kind
co-request-organisation = Organisation
co-request-period = Period
co-request-place = Place
co-request-description = Description
co-request-message = Message
co-request-documents = Attached documents
co-request-no-documents = No document attached.
co-request-approve-heading = Approve
co-request-choose-template = Choose this template
co-request-approve-with = Issue "{ $template }" into the requester's portfolio:
co-request-approve = Approve and issue
co-request-reject-heading = Reject
co-reason-hint = The requester will read this reason.
co-request-reject = Reject the request
co-request-not-pending = This request was already handled.
done-co-request-approved = Request approved: the credential is in the requester's portfolio.
done-co-request-rejected = Request rejected.

## API keys
co-api-keys-title = API keys
co-api-keys-lead = The keys with which the organisation uses the API and this console.
co-api-keys-empty = No key.
co-api-key-name = Name
co-api-key-name-hint = What the key is for, e.g. "registrar's office".
co-api-key-prefix = Start
co-api-key-last-used = Last used
co-api-key-revoke-confirm = Revoke this key? Whatever uses it stops working at once.
co-api-key-revoke-own = Revoking the key you are logged in with ends this session.
co-api-key-new-heading = New key
co-api-key-create = Create the key
co-api-key-created = Key created
co-api-key-once = Copy it now: it will never be shown again.
co-api-key-value = The key
co-api-key-admin-only = Only the platform administrator creates API keys.
done-co-key-revoked = Key revoked.

## Signing keys and DID
co-keys-title = Keys and DID
co-keys-lead = The organisation's decentralised identifier (DID) and the keys that sign its credentials.
co-keys-heading = Signing keys
co-key-id = Key
co-key-algorithm = Algorithm
co-key-retired-on = retired on { $date }
co-key-withdrawn-on = withdrawn on { $date }
co-key-withdraw = Withdraw the key
co-key-withdraw-understood = I understand that what it signed will no longer verify.
co-key-rotate-heading = Rotate the key
co-key-rotate-hint = A new key signs from now on; the old one stays published so that what it signed keeps verifying.
co-key-rotate = Rotate
co-keys-admin-only = Keys are rotated and withdrawn by the platform administrator: ask them.
done-co-key-rotated = New key active.
done-co-key-withdrawn = Key withdrawn: it is no longer in the DID document.

## Trust registry
co-registry-title = Trust registry
co-registry-lead = The recognised issuers: verifiers show their name and accreditation.
co-registry-empty = No recognised issuer.
co-registry-check = check the accreditation
co-registry-from = accredited since { $date }
co-registry-until = until { $date }
co-registry-remove-confirm = Remove this issuer from the registry? Verifiers will no longer recognise it.
co-registry-add-heading = Add an issuer
co-registry-edit-heading = Edit the issuer
co-registry-did-hint = The issuer's did:web or did:key.
co-registry-accreditation = Accreditation
co-registry-accreditation-hint = In words, e.g. "RNCP certifier, France Compétences".
co-registry-accreditation-url = Where to check the accreditation
co-registry-valid-from = Accredited since
co-registry-valid-from-hint = Defaults to today.
co-registry-valid-until = Accredited until
done-co-issuer-saved = Issuer saved in the registry.
done-co-issuer-removed = Issuer removed from the registry.

# Delivery of bulk issuance (issue 16)
co-batch-offered = offered by e-mail
co-state-offered = Offered
co-bd = Delivery
co-bd-title = Delivery to holders
co-bd-hint = Each holder receives an e-mail with a personal link (and the OpenID4VCI offer for another wallet application); a reminder goes out before expiry. “Opened”: the link was opened. “Bounced”: the mail server refused the address.
co-bd-queued = queued
co-bd-sent = sent
co-bd-opened = opened
co-bd-accepted = accepted
co-bd-declined = declined
co-bd-expired = expired
co-bd-bounced = bounced (address refused)
co-bd-withdrawn = withdrawn
co-bd-issued = bound to the DID
co-bd-to = to
co-bd-until = valid until
co-bd-bound = Issued to
co-bd-resend = Resend
co-bd-withdraw = Withdraw
co-bd-resend-all = Resend every pending offer
co-bd-withdraw-all = Withdraw every pending offer
co-bd-legend = Delivery to holders
co-bd-upload-hint = Each row with an e-mail receives an offer by e-mail, valid for 90 days, to accept in their wallet. An optional holder column names an Atout account (its e-mail or its DID) or a DID to bind the credential to directly.
co-bd-deliver = Send the offers by e-mail
co-bd-lang = Language of the e-mails
done-co-bd-resent = Offers resent.
done-co-bd-withdrawn = Offers withdrawn: their links no longer work.
done-co-bd-none = No pending offer: nothing was done.
done-co-bd-not-pending = This offer is no longer pending (accepted, declined or withdrawn): nothing was done.
