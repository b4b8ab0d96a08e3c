"""Reads for the home page, one module per role, each at a fixed number of queries.

- `schedule`: where each round stands this week ("Week N of M"), for many rounds at once;
- `participant`: the person's rounds: this week's readings and exercises, the next
  meeting, reviews to do, returned work and certificates;
- `facilitator`: the cohorts the person leads: the next meeting, attendance to record,
  work waiting, who is falling behind and late peer reviews;
- `staff`: the rounds in progress and the next step in each.

Each section only ever holds the viewer's own things: their own enrollments, the
cohorts they lead (staff are no exception: leading is what makes a cohort theirs
here), and the staff section only for staff. Each role's facts are read once for all
its rounds and cohorts together and put together in Python, so the page costs the
same queries however many people, sessions or submissions there are.
"""
