"""Reads for the peer review pages and the tick, one module per page.

Each read is shaped so a page costs a fixed number of queries, and who sees
what is decided by the querysets the views fetch through:

- a reviewer reaches a submission only through an assignment of their own;
- an author sees submitted reviews of their own work once they are released,
  never drafts or hidden reviews, and without names when the exercise's
  reviews are anonymous;
- a facilitator sees the assignments of their own cohorts' submissions, with
  names; staff see every cohort.

Anything outside those querysets is a 404, whether it exists or not.

  sheet      the review sheet (rubric and questions) and a review read against it
  todo       reviews to do
  review     the page where a reviewer writes a review
  received   reviews of my work, and when they are released
  cohort     the facilitator's overview of a cohort
  moderation hiding a review, handing one over to someone else, adding one's own
  disagreement  submissions whose peer reviewers' rubric totals are far apart
  schedule   when reviews are due
  pools      which pools the tick looks after, and a pool as the allocation sees it
"""
