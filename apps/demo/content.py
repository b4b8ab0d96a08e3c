"""What the demo's people wrote: their answers, the facilitator's feedback and peer reviews.

Plain data, kept apart from the code that loads it so the story reads in one
place. People are named by the part of their address before the @
("participant" is participant@example.com). Answers are keyed by exercise
slug, then person, then prompt slug, in the shapes the answer forms send: a
string for a text prompt, a list of strings for a list prompt. Milestones are
titles only; the loader dates them relative to today, so the demo never goes
stale. Rubric levels are indices into each criterion's levels, in the
rubric's order (0 is the lowest).
"""

ANSWERS = {
    "alignment-in-your-words": {
        "participant": {
            "explain-to-a-friend": (
                "We train AI systems by rewarding behaviour that looks right, not by writing down "
                'what we actually want. As the systems get more capable, "looks right to the '
                'people checking" and "is right" can drift apart, and a system could learn to '
                "pursue the first. Alignment is the work of making sure what it learns to want is "
                "what we meant."
            ),
            "least-convincing": (
                "The power-seeking argument. I follow why more resources help with almost any "
                "goal, but I'm not sure today's training produces systems with long-term goals "
                "at all. I'd change my mind if I saw a model trained on short tasks make plans "
                "that only pay off much later."
            ),
        },
        "peer1": {
            "explain-to-a-friend": (
                "Think of a new employee who is brilliant but learned the job only from which "
                "of their reports got praised. They will be very good at getting praise. "
                "Alignment asks how we make sure they are also good at the job, once they are "
                "better at it than their managers."
            ),
            "least-convincing": (
                "That the problem is mostly technical. The readings say little about who decides "
                'what "intended" means, and in Nigeria that is not the same people as in San '
                "Francisco. A concrete case where a technical fix settled a values question would "
                "change my mind."
            ),
        },
        "peer2": {
            "explain-to-a-friend": (
                "An AI system is trained to score well on a test we wrote. Alignment is about "
                "the gap between the test and what we wanted, which matters more the better the "
                "system gets at finding ways to score well that we didn't think of."
            ),
            "least-convincing": (
                "The claim that deceptive alignment is likely by default. It rests on arguments "
                "about what gradient descent prefers that I can't yet check. Evidence from model "
                "organisms (models deliberately trained to hide behaviour) would move me most."
            ),
        },
        "peer3": {
            "explain-to-a-friend": (
                "It's like a recommendation algorithm that was told to maximise watch time and "
                "ended up showing people outrage. Nobody wanted that; it was just the easiest "
                "way to hit the number. Alignment is making sure much stronger systems don't do "
                "the same thing with bigger numbers."
            ),
            "least-convincing": (
                "That we can't just stop deploying a system that misbehaves. Companies already "
                "roll back bad releases. I would change my mind if the readings showed a case "
                "where the harm arrived faster than anyone could notice it."
            ),
        },
        "graduate": {
            "explain-to-a-friend": (
                "We don't program what modern AI systems want; we grow it by rewarding outputs "
                "we like. Alignment is about making sure that what grows is the goal we intended "
                "and not a lookalike that only matches it while we're watching."
            ),
            "least-convincing": (
                "Fast take-off. The argument that progress will suddenly speed up relies on "
                "assumptions about research automation I'm unsure of. A year in which AI tools "
                "clearly doubled the speed of AI research would convince me."
            ),
        },
    },
    "spot-the-proxy": {
        "graduate": {
            "gaming-example": (
                "The boat-racing agent that circled forever collecting power-ups. The measure was "
                "points; what was wanted was finishing the race. Points were a good proxy only "
                "while no strategy scored well without racing."
            ),
            "feedback-weakness": (
                "Raters rewarding answers that sound confident and agree with them. As models get "
                "better at telling people what they want to hear, the feedback gets worse exactly "
                "where it matters: on questions the rater can't check."
            ),
        },
    },
    "oversight-thought-experiment": {
        "graduate": {
            "task-and-method": (
                "Checking a 200-page data processing agreement for a clause that conflicts with "
                "local law. In a debate, two models argue for and against compliance and each "
                "has to point to the exact clause; I only judge the clause in dispute, which I "
                "can check with a lawyer in an hour."
            ),
            "assumptions": [
                "The honest side can always point to a short, checkable flaw.",
                "Lying convincingly is harder than refuting a lie.",
                "I can tell which clause the argument is really about.",
            ],
        },
    },
    "looking-inside": {
        "graduate": {
            "surprising-claim": (
                "That single neurons often mean several unrelated things at once, and that "
                "features are better found as directions across many neurons."
            ),
            "catch-a-failure": (
                'If we could find a feature for "I am being evaluated" we could check whether '
                "behaviour changes when it is active. What stays hard: knowing we found the whole "
                "feature, and that the model has no other route to the same behaviour."
            ),
        },
    },
    "career-plan": {
        "participant": {
            "future-roles": [
                "Research engineer on an evaluations team at an AI lab",
                "Engineer at an independent evals organisation",
                "Tooling engineer for interpretability researchers",
                "Technical staff at a government AI safety institute",
            ],
            "most-exciting-role": (
                "Research engineer on an evaluations team. It uses what I'm good at now "
                "(reliable pipelines, testing, careful measurement) and evals feel like the "
                "place where engineering quality directly changes what the field knows."
            ),
            "cheap-tests": [
                "Build a small eval this year",
                "Talk to some people who work on evals",
            ],
            "career-capital": [
                "Eight years of backend engineering",
                "Python and distributed systems",
                "Running on-call for a payments platform",
                "Writing design documents others actually read",
                "Mentoring two junior engineers",
            ],
        },
        "peer1": {
            "future-roles": [
                "AI policy researcher at an African think tank",
                "Technical adviser to a national AI strategy team",
                "Data scientist at an AI governance organisation",
            ],
            "most-exciting-role": (
                "Technical adviser to a national AI strategy team: Nigeria is writing its AI "
                "policy now and has few people who can read a model card critically."
            ),
            "cheap-tests": [
                "Write a two-page brief on compute reporting for a West African audience, by the "
                "end of next month",
                "Ask two people at the Nigerian digital ministry what they wish they knew, within "
                "three weeks",
            ],
        },
        "peer2": {
            "future-roles": [
                "PhD research on scalable oversight",
                "Research scientist on an alignment team",
                "Research fellow in a safety-focused programme",
            ],
            "most-exciting-role": (
                "Research on scalable oversight, because my thesis already studies how annotators "
                "judge long answers, and debate experiments need exactly that."
            ),
            "cheap-tests": [
                "Run a small debate experiment with two students as judges this month",
                "Apply to a summer research programme in alignment",
            ],
        },
        "peer3": {
            "future-roles": [
                "Running an AI safety reading group in São Paulo",
                "Product manager at a safety-focused company",
                "Operations lead at an AI safety field-building organisation",
            ],
            "most-exciting-role": (
                "Field-building in Brazil: there are many strong engineers here and almost no "
                "Portuguese material on alignment."
            ),
            "cheap-tests": [
                "Translate one core reading and see who reads it",
                "Host one meet-up before the course ends",
            ],
        },
        "peer4": {
            "future-roles": [
                "Policy officer at the EU AI Office",
                "Legal counsel for a frontier AI lab's safety team",
                "Researcher on liability for AI harms",
            ],
            "most-exciting-role": (
                "Policy officer at the EU AI Office: the general-purpose AI rules are being "
                "turned into practice right now, and I already advise clients on them."
            ),
            "cheap-tests": [
                "Write a blog post on one open question in the code of practice",
                "Have coffee with a former colleague who joined the AI Office",
            ],
        },
        "graduate": {
            "future-roles": [
                "Evals engineer at an AI lab",
                "Engineer at an independent evals organisation",
                "Maintainer of open-source evals tooling",
            ],
            "most-exciting-role": (
                "Maintaining open-source evals tooling: it lets me contribute from Kolkata now, "
                "and good shared tools make every evaluation more trustworthy."
            ),
            "cheap-tests": [
                "Fix three issues in an open evals framework within a month",
                "Reproduce one published eval result on an open model",
            ],
        },
        "alum1": {
            "future-roles": [
                "Writer of Spanish explainers on AI safety",
                "Teacher of an AI safety module for secondary schools",
                "Communications at an AI safety organisation",
            ],
            "most-exciting-role": (
                "Writing explainers in Spanish: I have explained physics to teenagers for ten "
                "years, and the same skill is missing here."
            ),
            "cheap-tests": ["Publish one explainer and ask five teachers for feedback"],
        },
        "alum2": {
            "future-roles": [
                "Security engineer protecting model weights at a lab",
                "Security researcher on AI supply chains",
                "Red-teamer for AI deployments",
            ],
            "most-exciting-role": (
                "Protecting model weights: it is plain security engineering, which I know, "
                "applied where a single leak could matter a great deal."
            ),
            "cheap-tests": ["Write up a threat model for weight theft and ask a lab to review it"],
        },
    },
    "project-plan": {
        "participant": {
            "project-goals": (
                "A piece of work I can show an evals team, and a first-hand sense of how messy "
                "measuring model behaviour is."
            ),
            "deliverable": (
                "A small open-source eval of sycophancy in code review: 60 code changes with a "
                "planted bug, each shown with and without the author confidently claiming it is "
                "correct, and a write-up of how often three open models change their verdict."
            ),
            "goal-fit": (
                "Well: it is a complete eval from data to write-up, small enough to finish, and "
                "code review is where my own experience helps me build good examples."
            ),
            "milestones": [
                "Write 20 code changes with planted bugs and check them with a friend",
                "Run the first model and fix the pipeline",
                "All 60 examples, three models, results table",
                "Publish the write-up and the code",
            ],
            "pre-mortem": (
                "I underestimate how long writing good examples takes and never reach the "
                "models. To prevent it, the first milestone is only examples, and I will cut to "
                "40 if it runs late."
            ),
            "cohort-support": (
                "A weekly check-in on the milestones, and one person to try ten of my examples "
                "and tell me if the bug is findable."
            ),
        },
        "peer1": {
            "deliverable": (
                "A four-page brief on what compute thresholds in AI regulation would mean for "
                "African countries that host no large data centres."
            ),
            "goal-fit": "Good: it is the kind of document my target role writes every week.",
            "milestones": [
                "Read the main compute governance papers and list the open questions",
                "Interview two policy people in Lagos and Nairobi",
                "First draft to the cohort",
            ],
            "pre-mortem": (
                "The interviews slip because people are busy. I will ask for them this week and "
                "have a fallback of written questions."
            ),
            "cohort-support": "Read my draft and tell me which part was unclear to a non-lawyer.",
        },
        "peer2": {
            "deliverable": (
                "A replication of a simple debate result with human judges who are students in "
                "my department, and a note on what differed."
            ),
            "goal-fit": "It tests whether I enjoy running human-judge experiments before a PhD.",
            "milestones": [
                "Choose 30 reading-comprehension questions and write the protocol",
                "Run ten judges",
                "Analyse and write the note",
            ],
            "pre-mortem": (
                "Ethics approval takes longer than the sprint. I will ask my supervisor this week "
                "whether a pilot with colleagues needs it."
            ),
            "cohort-support": "Be two of my pilot judges.",
        },
        "peer3": {
            "deliverable": (
                "A Portuguese translation of the first session's core reading, and one meet-up "
                "in São Paulo where we discuss it."
            ),
            "goal-fit": (
                "Partly: it tests field-building, but one meet-up says little about whether "
                "people come back."
            ),
            "milestones": ["Finish the translation", "Book a room and invite people"],
            "pre-mortem": "Nobody comes. I will ask three friends to bring one person each.",
            "cohort-support": "Share the event with anyone you know in Brazil.",
        },
        "peer4": {
            "deliverable": (
                "A blog post answering one question: which obligations in the EU code of practice "
                "for general-purpose AI are hardest to verify from outside a lab?"
            ),
            "goal-fit": (
                "Good: it shows the AI Office the kind of analysis I would do there, in public."
            ),
            "milestones": [
                "List every obligation and how it could be checked",
                "Draft the post",
                "Publish after one expert has read it",
            ],
            "pre-mortem": (
                "The code of practice changes while I write. I will date the analysis and keep "
                "it to the version of the day."
            ),
            "cohort-support": "A reader from a technical background for the draft.",
        },
        "graduate": {
            "deliverable": (
                "Reproduce one published sycophancy result on two open models, with the code in "
                "a public repository and a short write-up of where my numbers differ."
            ),
            "goal-fit": (
                "Very well: it is a real contribution to open evals tooling and something to "
                "point to when I apply."
            ),
            "milestones": [
                "Get the original dataset running end to end",
                "First model evaluated",
                "Second model and comparison table",
                "Publish the write-up",
            ],
            "pre-mortem": (
                "The models need more GPU memory than I can rent cheaply. I will check both fit "
                "on one rented GPU before committing."
            ),
            "cohort-support": "A check-in thread where we post progress every Friday.",
        },
        "alum1": {
            "deliverable": "Three Spanish explainers on alignment, each under 1,500 words.",
            "goal-fit": "Good: it tests whether I can write for a general audience regularly.",
            "milestones": [
                "Explainer on specification gaming",
                "Explainer on learning from human feedback",
                "Explainer on interpretability",
                "Collect feedback from five teachers",
            ],
            "pre-mortem": "School term starts and I stop writing. I will write on Saturdays only.",
            "cohort-support": "Tell me when an explainer assumes too much.",
        },
        "alum2": {
            "deliverable": "A public threat model for model weight theft at a mid-sized lab.",
            "goal-fit": "It is the work I want to do, done once in the open.",
            "milestones": [
                "Survey published incidents and guidance",
                "Draft the threat model",
                "Review with two security colleagues",
                "Publish",
            ],
            "pre-mortem": "It stays too generic. I will pick one concrete lab setup to model.",
            "cohort-support": "Ask hard questions about the attack paths I leave out.",
        },
    },
}

# Started but not handed in: what the person has typed so far.
DRAFTS = {
    "alignment-in-your-words": {
        "peer4": {
            "explain-to-a-friend": (
                "A law is written to stop a harm, and clever people find ways to follow its "
                "letter while"
            ),
        },
    },
    "spot-the-proxy": {
        "participant": {
            "gaming-example": (
                "At work our on-call dashboard counts incidents closed within an hour, so people "
                "close and reopen them. Measured: closing time. Wanted:"
            ),
        },
    },
}

# The facilitator's decisions: (exercise slug, person, "accepted" or "returned", comment,
# rubric levels or None when the exercise has no rubric).
FEEDBACK = [
    (
        "alignment-in-your-words",
        "participant",
        "accepted",
        "A clear explanation a friend could follow. Your objection to power-seeking is a good "
        "one to bring on Tuesday: the question of whether training produces long-term goals "
        "comes back in session 4.",
        None,
    ),
    (
        "alignment-in-your-words",
        "peer1",
        "accepted",
        "The employee analogy works well. Hold on to the point about who decides what is "
        '"intended"; it is a governance question we return to at the end.',
        None,
    ),
    (
        "career-plan",
        "participant",
        "returned",
        "Your range of roles is strong and well reasoned. Before I accept it, make the cheap "
        "tests concrete: which eval, which people, and by when? Tie each test to a question you "
        "want answered, for example whether you enjoy research more than building tools.",
        [2, 1, 0, 1],
    ),
    (
        "career-plan",
        "peer1",
        "accepted",
        "Grounded in your situation, with dated tests. Good work.",
        [2, 2, 2, 1],
    ),
]

# The finished round's work was all accepted: (comment, rubric levels) by exercise kind.
FINISHED_ROUND_FEEDBACK = {
    "free_response": ("Thoughtful and specific. Thank you.", None),
    "career_plan": (
        "A plan that starts from what you can do now and tests it quickly. Accepted.",
        [2, 2, 2, 1],
    ),
    "project_plan": (
        "Clear deliverable and milestones the cohort can check in on. Accepted; good luck with "
        "the sprint.",
        [2, 2, 2, 1],
    ),
}

# How the finished round's people got on with the milestones they have checked in on so
# far, oldest first: (outcome, note).
CHECK_INS = {
    "graduate": [
        ("done", "Runs end to end on the small split. The data loader needed a fix."),
        ("partly", "First model done on half the questions; the rented GPU was slower."),
    ],
    "alum1": [
        ("done", "Published; two teachers already used it in class."),
        ("not_yet", "Half written. The school term started, as predicted."),
    ],
    "alum2": [
        ("done", "Found eleven public incidents worth modelling."),
        ("done", "Draft shared with the cohort."),
    ],
}

# Peer reviews of each author's plan, in the order its reviewers were assigned:
# (rubric levels, answers to the exercise's review questions).
REVIEWS = {
    "career-plan": {
        "participant": [
            (
                [2, 2, 1, 1],
                [
                    "The evals engineer role: it builds directly on your testing and pipeline "
                    "experience, which you describe well.",
                    "Reproduce one result from a published evals paper in a weekend and note "
                    "what was hard.",
                    "Whether you prefer research questions or building tools. Your roles mix "
                    "both, and the answer picks between them.",
                ],
            ),
            (
                [2, 1, 1, 1],
                [
                    "Evals, because you already think about measurement like an engineer.",
                    "Ask someone at an evals organisation for thirty minutes about their week.",
                    "That labs hire engineers without research papers. Worth checking with a "
                    "hiring manager.",
                ],
            ),
        ],
        "peer1": [
            (
                [2, 2, 2, 1],
                [
                    "The adviser role: few people have both your data skills and your contacts.",
                    "Offer to review one public consultation response.",
                    "Whether the ministry can hire advisers on contracts at all.",
                ],
            ),
            (
                [2, 2, 2, 2],
                [
                    "Adviser, clearly; the plan is built around it.",
                    "Present your brief at a local meet-up and see which questions come up.",
                    "How long policy work takes to show impact, and whether that suits you.",
                ],
            ),
        ],
        "peer2": [
            (
                [1, 2, 2, 1],
                [
                    "Scalable oversight research; it continues your thesis.",
                    "Email one author of a debate paper with a specific question.",
                    "Whether you want an academic or a lab career; the tests don't tell "
                    "them apart yet.",
                ],
            ),
            (
                [1, 2, 1, 1],
                [
                    "Research on oversight, because of the annotator work.",
                    "Read three recent papers and write what you would do next.",
                    "Funding for the PhD topic.",
                ],
            ),
        ],
        "peer3": [
            (
                [2, 1, 1, 0],
                [
                    "Field-building in Brazil: you clearly care about it most.",
                    "Ask an existing group abroad what their first year looked like.",
                    "Whether you can fund it; the plan is quiet on money.",
                ],
            ),
            (
                [2, 2, 1, 1],
                [
                    "The reading group, as a first step to any of the others.",
                    "Run one online session before booking rooms.",
                    "How many people in São Paulo would come regularly.",
                ],
            ),
        ],
        "peer4": [
            (
                [2, 2, 1, 1],
                [
                    "The AI Office: your legal work is exactly their daily job.",
                    "Read the last three job adverts and list what you lack.",
                    "Whether you would enjoy working inside an institution again.",
                ],
            ),
            (
                [1, 2, 1, 1],
                [
                    "Policy officer, because of your current clients.",
                    "Write one short public comment on a draft guideline.",
                    "Whether technical depth is expected; the plan assumes not.",
                ],
            ),
        ],
    },
    "project-plan": {
        "participant": [
            (
                [2, 2, 2, 2],
                [
                    "Yes: a dataset, results for three models and a write-up.",
                    "Writing 60 examples. Consider 40 examples and one extra model instead.",
                    "The sycophancy evaluations in existing open benchmarks; reuse their "
                    "scoring code.",
                ],
            ),
            (
                [2, 2, 1, 2],
                [
                    'Mostly. Say what counts as the model "changing its verdict".',
                    "Running the models: check early that they fit on the hardware you have.",
                    "A code review dataset from an open-source project could supply real changes.",
                ],
            ),
        ],
        "peer1": [
            (
                [2, 2, 2, 1],
                [
                    "Yes, a four-page brief.",
                    "The interviews. Line up one more person than you need.",
                    "The compute governance papers from the course's final session.",
                ],
            ),
            (
                [2, 1, 1, 1],
                [
                    "Yes.",
                    "The first draft milestone has no date near the end; add a buffer.",
                    "Someone at a regional research network could review it.",
                ],
            ),
        ],
        "peer2": [
            (
                [2, 2, 1, 1],
                [
                    "Yes: the replication and a note.",
                    "Ethics approval, as you say; ask this week.",
                    "The original authors may share their protocol.",
                ],
            ),
            (
                [1, 2, 1, 2],
                [
                    "Mostly; say how many questions each judge sees.",
                    "Recruiting ten judges in the exam period.",
                    "Your department's participant pool.",
                ],
            ),
        ],
        "peer3": [
            (
                [1, 1, 1, 1],
                [
                    "A translation and a meet-up, yes.",
                    "The meet-up. Set a date before you translate.",
                    "Existing Portuguese-speaking groups online could share the event.",
                ],
            ),
            (
                [1, 1, 0, 1],
                [
                    "Partly: what does success at the meet-up look like?",
                    "Booking the room.",
                    "A university club might host it for free.",
                ],
            ),
        ],
        "peer4": [
            (
                [2, 2, 2, 1],
                [
                    "Yes, one blog post answering one question.",
                    "Finding an expert reader in time.",
                    "Civil society groups already tracking the code of practice.",
                ],
            ),
            (
                [2, 2, 1, 1],
                [
                    "Yes.",
                    "Listing every obligation is big; start with the transparency ones.",
                    "The AI Office's own published FAQs.",
                ],
            ),
        ],
    },
}

# Which readings each person has done, by session number: how many of its resources, in order.
READINGS = {
    "participant": {1: 2},
    "peer1": {1: 4},
    "peer2": {1: 3},
    "peer3": {1: 1},
}
