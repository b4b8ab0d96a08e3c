"""Plans as plain Markdown documents, for people to keep or paste elsewhere."""

from apps.courses.models import Prompt
from apps.plans.selectors import SharedPlan


def plan_to_markdown(plan: SharedPlan) -> str:
    submission = plan.submission
    lines = [
        f"# {submission.exercise.title}: {submission.enrollment.user.name}",
        "",
        f"Submitted {plan.revision.created_at:%Y-%m-%d} (revision {plan.revision.number}).",
        "",
    ]
    for prompt in plan.prompts:
        value = plan.answers.get(prompt.slug)
        if not value:
            continue
        lines += [f"## {prompt.text}", ""]
        if prompt.answer == Prompt.Answer.TEXT:
            lines.append(value.strip())
        elif prompt.answer == Prompt.Answer.LIST:
            lines += [f"- {item.strip()}" for item in value if item.strip()]
        else:
            lines += [
                f"- {item['title'].strip()} (by {item['date'] or 'no date'})"
                for item in value
                if item["title"].strip()
            ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
