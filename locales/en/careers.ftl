# The citizen's skills and career plans (issue 18).

nav-skills = Skills
nav-plans = Plans

# Words shared by skills and plans (pl-).
pl-evidence-certified = Certified
pl-evidence-endorsed = Endorsed
pl-evidence-declared = Declared
pl-evidence-missing = Missing
pl-in-lang-en = in English
pl-in-lang-fr = in French
pl-in-lang-other = language: { $lang }
# The field with suggestions (combobox.js) and, without JavaScript, the matches to choose from.
pl-combo-empty = No suggestion for these words.
pl-combo-count = { $n } suggestions, up and down arrows to choose
pl-combo-fallback = in French
pl-combo-guessed = approximate label
pl-combo-via = via “{ $m }”
pl-combo-inactive = code withdrawn
pl-choose-legend = Matches for “{ $text }”: which one do you mean?
pl-choose-hint = Tick the right one, then confirm. If none fits, change the words above and confirm to search again.
pl-choose-one = Tick one of the matches offered, or change the words to search again.
pl-no-match = Nothing matches “{ $text }”. Try other words, shorter or more general ones.
pl-search-failed = The search could not be run. Try again in a moment.

# Skills (/me/skills).
sk-title = My skills
sk-lead = Your skills come from what your portfolio already holds: your credentials, the steps of your path and what you declare here. Each is ranked by the strongest evidence you have of it.
sk-levels-title = Three levels of evidence
sk-level-certified = A credential issued by an organisation, which verifies today, names this skill; or a step of your path linked to such a credential.
sk-level-endorsed = A step of your path that names this skill was endorsed by someone you invited.
sk-level-declared = You say so yourself, here or in a step of your path, with no outside evidence yet.
sk-empty = No skills yet. Declare one above, or add framework codes to the steps of your path.
sk-group-certified = Certified
sk-group-endorsed = Endorsed
sk-group-declared = Declared
sk-group-certified-empty = No skill certified by a credential yet.
sk-group-endorsed-empty = No endorsed skill yet.
sk-group-declared-empty = No declared skill yet.
sk-count = { $count ->
    [0] none
    [one] one skill
   *[other] { $count } skills
}
sk-code = Code:
sk-source-credential = Credential:
sk-source-entry = Step of your path:
sk-source-declared = Declared by you.
sk-entry-certified = linked to a verified credential
sk-endorsed-by = endorsed by { $names }
sk-remove = Remove
sk-remove-confirm = Remove the skill “{ $label }” you declared?
sk-declare-title = Declare a skill
sk-declare-lead = Choose it from the European ESCO framework: employers and training organisations will understand it the same way.
sk-declare-label = Skill
sk-declare-hint = Type a few words (for example “welding” or “JavaScript”) and choose from the list. Without a list, confirm: the page will offer the matches.
sk-declare-submit = Declare this skill
sk-field-skill = Type a few words to find the skill, then choose it.
sk-too-many = You have declared as many skills as allowed (300). Remove one first.
done-skill-declared = The skill is added to your declared skills.
done-skill-already = You had already declared this skill.
done-skill-removed = The declared skill is removed.

# Career plans (/me/plans).
pl-title = My career plans
pl-lead = A plan starts from the job or jobs you aim at: Atout shows the skills they need, those you can already prove, the trainings that close the gap and the steps you set yourself.
pl-empty = No plan yet.
pl-list-targets = Jobs aimed at: { $targets }
pl-list-held = skills held: { $held } of { $needed }
pl-list-steps = { $count ->
    [0] no steps
   *[other] steps done: { $done } of { $count }
}
pl-coverage-of = Coverage of the plan “{ $title }”
pl-status-active = Active
pl-status-archived = Archived
pl-shared-badge = Shared with the people you invite
pl-new-title = New plan
pl-new-lead = Say which job you aim at. You can add others afterwards (five at most).
pl-target-label = Job aimed at
pl-target-hint = Type a few words (for example “nurse” or “web developer”) and choose from the list: jobs of France Travail's ROME and of the European ESCO framework. Without a list, confirm: the page will offer the matches.
pl-title-label = Name of the plan
pl-title-hint = By default, the name of the job aimed at.
pl-department-label = Département
pl-department-hint = Its number (37, 45, 2A, 971…), to offer trainings near you first.
pl-shared-label = Show it to the people I invite
pl-shared-hint = The people invited to see your portfolio will see this plan: the skills and their level of evidence (not your documents), the steps and the comments; a counsellor invited as a contributor can comment on it.
pl-new-submit = Create the plan
pl-field-target = Type a few words to find the job, then choose it.
pl-field-title = Give the plan a name (200 characters at most).
pl-field-department = Give a département's number: 37, 45, 2A, 971…
pl-field-status = Choose “active” or “archived”.
pl-too-many-plans = You have as many plans as allowed (20). Delete or reuse one.
done-plan-created = The plan is created.
done-plan-deleted = The plan is deleted.

# One plan (/me/plans/{id}).
pl-plan-title = Plan
pl-back = My career plans
pl-department-is = département { $department }
pl-updated = updated on { $date }
pl-targets-title = Jobs aimed at
pl-target-has-relations = the frameworks list the skills it needs
pl-target-no-relations = the frameworks loaded do not list the skills it needs
pl-targets-change = Add or remove a job aimed at
pl-no-relations-all = The frameworks loaded do not list the skills this job needs, so Atout cannot measure your gap yet.
pl-no-relations-some = For one of the jobs aimed at, the frameworks loaded do not list the skills it needs: the gap below counts the others only.
pl-no-relations-what = Two ways forward:
pl-no-relations-list = list the skills this job needs yourself;
pl-no-relations-related = also aim at a related job of the European ESCO framework whose skills are known.
pl-coverage-title = Where you stand
pl-coverage-percent = { $percent }% covered
pl-coverage-counts = You have { $held } of the { $needed } skills needed (certified: { $certified }, endorsed: { $endorsed }, declared: { $declared }).
pl-coverage-title-invited = Skills held
pl-coverage-label = Share of the skills needed that is covered
pl-coverage-counts-invited = { $held } of the { $needed } skills needed are held (certified: { $certified }, endorsed: { $endorsed }, declared: { $declared }).
pl-needed-listed-invited = added by hand
pl-coverage-rule = How this percentage is worked out:
pl-coverage-none = No skill known for this plan: list some, or aim at a job whose skills are known.
pl-coverage-none-short = skills to list
pl-needed-title = Skills needed
pl-needed-essential = Essential
pl-needed-optional = Useful
pl-needed-none = None yet.
pl-needed-listed = added by you
pl-needed-trainings = { $count ->
    [one] one training offers it
   *[other] { $count } trainings offer it
}
pl-skill-add-title = Add a skill to the plan
pl-skill-add-lead = Add the skills the job needs, where the frameworks do not list them, or to complete their list.
pl-skill-label = Skill needed
pl-skill-hint = Type a few words and choose from the list (European ESCO framework). Without a list, confirm: the page will offer the matches.
pl-skill-importance = How much this job needs it
pl-skill-essential = Essential: the job cannot be done without it
pl-skill-optional = Useful: a plus
pl-skill-add = Add the skill
pl-skill-remove = Remove from the plan
pl-skill-remove-confirm = Remove “{ $label }” from this plan's skills?
pl-field-skill = Type a few words to find the skill, then choose it.
pl-trainings-title = Trainings to close the gap
pl-trainings-lead = Published trainings that teach skills you are missing: those covering the most first, then those in your département, then at a distance.
pl-trainings-none = No published training teaches the skills you are missing yet.
pl-trainings-no-skills = Useful trainings will show here as soon as the skills needed are known.
pl-trainings-none-needed = You are missing no known skill for this plan.
pl-training-distance = at a distance
pl-training-department = département { $department }
pl-training-place-unknown = place not given
pl-training-starts = starts on { $date }
pl-training-starts-any = join at any time
pl-training-cpf = Can be paid with the CPF
pl-training-no-cpf = Cannot be paid with the CPF
pl-training-certification = leads to { $code }
pl-training-covers = Skills you are missing that it covers: { $skills }
pl-training-why = Ranked here for: { $reasons }
pl-reason-skills = the skills covered
pl-reason-same-department = your département
pl-reason-distance = at a distance
pl-training-add = Add as a step
pl-training-in-steps = In your steps
pl-steps-title = Steps
pl-steps-none = No steps yet.
pl-step-kind-training = Training
pl-step-kind-credential = Credential to get
pl-step-kind-experience = Experience
pl-step-kind-other = Other
pl-step-status-todo = To do
pl-step-status-doing = Under way
pl-step-status-done = Done
pl-step-skill = for: { $skill }
pl-step-due = by { $date }
pl-step-status-label = Where this step stands
pl-step-due-label = Due date
pl-step-due-hint = A date, for example 2026-09-30.
pl-step-delete = Delete the step
pl-step-delete-confirm = Delete the step “{ $title }”?
pl-step-new-title = Add a step
pl-step-new-lead = A credential to get, an experience to have, or anything else. For a training, use the “Add as a step” button above.
pl-step-kind-label = Kind of step
pl-step-title-label = What you will do
pl-step-title-hint = For example “Pass the CACES R489 licence” or “Two weeks' work placement in a workshop”.
pl-step-skill-label = Missing skill this step brings
pl-step-skill-none = None in particular
pl-step-add = Add the step
pl-field-step-kind = Choose the kind of step.
pl-field-step-title = Say in a few words what you will do (200 characters at most).
pl-field-step-due = Give a valid date, for example 2026-09-30, or leave it empty.
pl-field-step-skill = Choose a skill from the list, or “None in particular”.
pl-field-step-status = Choose “to do”, “under way” or “done”.
pl-too-many-steps = This plan has as many steps as allowed (100). Delete one first.
pl-comments-title = Comments
pl-comments-shared = The people you invite as contributors can comment on this plan; you can answer them here.
pl-comments-private = This plan is not shared: only you see these comments.
pl-comments-none = No comments yet.
pl-comment-mine = you
pl-comment-owner = plan owner
pl-comment-invited = invited person
pl-comment-label = Your comment
pl-comment-hint = 2,000 characters at most.
pl-comment-submit = Post the comment
pl-field-comment = Write a comment (2,000 characters at most).
pl-too-many-comments = This plan has as many comments as allowed (500).
pl-settings-title = Plan settings
pl-status-label = State of the plan
pl-status-active-label = Active
pl-status-archived-label = Archived (kept, but set aside)
pl-delete-title = Delete the plan
pl-delete-lead = The plan, its steps and its comments go. Your skills and your portfolio do not change.
pl-delete = Delete the plan
pl-delete-confirm = Delete the plan “{ $title }”?
pl-delete-what = Its steps and comments go with it. Your skills and your portfolio do not change.
pl-delete-keep = Keep the plan
done-plan-saved = The plan's settings are saved.
done-plan-skill-added = The skill is added to the plan.
done-plan-skill-removed = The skill is removed from the plan.
done-plan-step-added = The step is added.
done-plan-step-saved = The step is saved.
done-plan-step-removed = The step is deleted.
done-plan-commented = Your comment is posted.
done-plan-target-added = The job is added to the jobs aimed at.
done-plan-target-removed = The job is removed from the jobs aimed at.

# A plan's jobs aimed at (/me/plans/{id}/targets).
pl-targets-page-title = Jobs aimed at
pl-targets-page-lead = A plan aims at one to five jobs: the skills needed are those of all of them.
pl-targets-current = Jobs aimed at now
pl-target-remove = Remove
pl-target-remove-confirm = Remove “{ $label }” from the jobs aimed at?
pl-target-last = A plan aims at one job at least: add another before removing this one.
pl-target-add-title = Add a job aimed at
pl-target-add-lead = A job of France Travail's ROME or of the European ESCO framework.
pl-target-add-hint = Type a few words and choose from the list. Without a list, confirm: the page will offer the matches.
pl-target-add = Add this job
pl-target-already = This plan already aims at this job.
pl-targets-full = This plan already aims at five jobs, the most allowed: remove one first.
pl-related-title = Aim at a related job whose skills are known
pl-related-lead = The jobs of the European ESCO framework below look like yours; for each, the page says whether its skills are known. Choose one that matches what you want to do.
pl-related-any = Search among all jobs (ROME and ESCO)
pl-target-skills-listed = { $count ->
    [one] one skill known
   *[other] { $count } skills known
}
pl-target-skills-unlisted = skills not known

# Shared plans, as an invited person sees them (/invited/{token}/plans).
pl-invited-nav-portfolio = Portfolio
pl-invited-nav-plans = Shared plans
pl-invited-title = Shared plans
pl-invited-heading = { $name }'s plans
pl-invited-lead = { $name } shows you their career plans: the skills needed and what they can prove of them, the steps and the comments.
pl-invited-lead-contributor = { $name } shows you their career plans and invites you to comment on them.
pl-invited-none = { $name } shares no plan yet.
pl-invited-no-relations = The frameworks loaded do not list the skills of every job aimed at: the gap counts only those known and the skills added by hand.
pl-invited-comment-label = Your comment
pl-invited-comment-hint = { $name } will see it, with your email address. 2,000 characters at most.
so-done-plan-commented = Your comment is posted.
