"""Reads for the progress pages and exports, a module for each job.

- `access`: which cohorts and rounds a person may see the progress of;
- `schedule`: a round's sessions, with what there is to do in each;
- `tally`: the counts the pages share and how they add up;
- `cohort_grid`: one cohort, person by session (the cohort dashboard and both exports);
- `round_overview`: a round, cohort by session (the round dashboard);
- `round_export`: every cohort's grid, a batch of cohorts at a time (the round's CSV).

Every page costs the same handful of queries however many people, cohorts or
submissions there are: each kind of fact (completions, submissions,
attendance, meetings) is read once, already counted per person and session
where the page only needs a count, and put together in Python.

The figures mean the same on every page and in every export:

- a participant *did the readings* of a session once every resource of it is
  marked done;
- an exercise is *handed in* while it is submitted or accepted; work returned
  for revision is outstanding again. A session is *submitted* once every one of
  its exercises is handed in;
- a participant *attended* when recorded present at the session's meeting.
  Excused absences are shown but do not count as attended. A meeting only
  counts once it has started and was not cancelled;
- people who have left the round (dropped or declined) are listed apart, greyed
  out, and count in no total, share or chart.

What a facilitator reads for each code (symbols, labels) is the display
layer's business: apps/progress/templatetags/progress.py and the templates.
"""
