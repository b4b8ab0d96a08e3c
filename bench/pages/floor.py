"""The floor of each measured page: one hand-written SELECT, shown as a table in the site's layout.

Served through the same test Client, middleware and session login as the real
pages (this module is the URLconf while the benchmark runs: the floor views,
then every project URL), so the page/floor ratio isolates what the page's own
code costs on top of one query and a trivial render.

The table sits inside templates/base.html, as every real page does, since
the header and the menu are part of every response. What the menu shows
about the person (unread notifications, whether they facilitate or lead) is
read by the same statement as the page's data (MENU), so the floor still
makes one query besides the session and user lookups. Each statement
fetches what its page shows; the session page's grew when that page gained
each exercise's status and due time, the next thing to do, and the rating
forms.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render
from django.urls import include, path

# Each page's data in one statement. Parameters are what the page's URL and
# the signed-in user give it.
SQL = {
    # Everything the session page shows, as one UNION ALL of text columns: the
    # resources with this user's done flag and their answer to "worth your
    # time?", every exercise of the course with the user's status and due time
    # (the page marks this session's and picks the next to do from all of
    # them), this session's prompts, the course's sessions for the links, and
    # the user's meeting of this session with their rating of it.
    "unit": """
        WITH u AS (
            SELECT un.id, un.course_id FROM courses_unit un
            JOIN courses_course c ON c.id = un.course_id
            WHERE c.slug = %(slug)s AND un.number = %(number)s AND c.is_published
        ),
        me AS (
            SELECT en.id, en.round_id FROM rounds_enrollment en
            JOIN rounds_round ro ON ro.id = en.round_id
            WHERE en.user_id = %(user)s AND ro.course_id = (SELECT course_id FROM u)
              AND en.role = 'participant' AND en.status IN ('accepted', 'active')
            ORDER BY ro.starts_on DESC LIMIT 1
        )
        SELECT * FROM (
            SELECT 1 AS part, CASE WHEN r.is_core THEN 0 ELSE 1 END AS grp, r.position AS pos,
                   r.title, r.authors, r.url, r.note, r.minutes::text AS a,
                   EXISTS (SELECT 1 FROM courses_resourcecompletion rc
                           WHERE rc.resource_id = r.id AND rc.user_id = %(user)s)::text AS b,
                   rr.worth_it::text AS c, rr.note AS d
            FROM courses_resource r JOIN u ON r.unit_id = u.id
            LEFT JOIN feedback_resourcerating rr
              ON rr.resource_id = r.id AND rr.enrollment_id = (SELECT id FROM me)
            UNION ALL
            SELECT 2, un.number, e.position, e.title, e.kind, e.instructions, s.status,
                   ru.due_at::text, ru.closes_at::text, (un.id = u.id)::text, NULL
            FROM courses_exercise e
            JOIN courses_unit un ON un.id = e.unit_id
            JOIN u ON un.course_id = u.course_id
            LEFT JOIN submissions_submission s
              ON s.exercise_id = e.id AND s.enrollment_id = (SELECT id FROM me)
            LEFT JOIN rounds_roundunit ru
              ON ru.unit_id = un.id AND ru.round_id = (SELECT round_id FROM me)
            UNION ALL
            SELECT 3, e.position, p.position, p.text, p.answer, p.help_text,
                   p.is_required::text, p.min_items::text, p.max_items::text,
                   p.timebox_minutes::text, NULL
            FROM courses_prompt p JOIN courses_exercise e ON e.id = p.exercise_id
            JOIN u ON e.unit_id = u.id
            UNION ALL
            SELECT 4, 0, n.number, n.title, '', CASE WHEN n.id = u.id THEN n.summary ELSE '' END,
                   '', NULL, NULL, NULL, NULL
            FROM courses_unit n JOIN u ON n.course_id = u.course_id
            UNION ALL
            SELECT 5, 0, 0, ro.slug, sr.comment, '', sr.rating::text,
                   (SELECT m.starts_at FROM cohorts_placement pl
                    JOIN cohorts_meeting m ON m.cohort_id = pl.cohort_id
                    WHERE pl.enrollment_id = me.id AND m.unit_id = (SELECT id FROM u))::text,
                   ru.due_at::text, NULL, NULL
            FROM me JOIN rounds_round ro ON ro.id = me.round_id
            LEFT JOIN feedback_sessionrating sr
              ON sr.enrollment_id = me.id AND sr.unit_id = (SELECT id FROM u)
            LEFT JOIN rounds_roundunit ru
              ON ru.round_id = me.round_id AND ru.unit_id = (SELECT id FROM u)
        ) page ORDER BY part, grp, pos
    """,
    # The exercise's prompts with the participant's current answer to each.
    "answer": """
        SELECT p.position, p.text, p.help_text, p.is_required, p.answer,
               s.answers -> p.slug AS value, s.status, s.version, s.updated_at
        FROM rounds_enrollment en
        JOIN rounds_round ro ON ro.id = en.round_id
        JOIN courses_exercise e ON e.id = %(exercise)s
        JOIN courses_unit un ON un.id = e.unit_id AND un.course_id = ro.course_id
        JOIN courses_prompt p ON p.exercise_id = e.id
        LEFT JOIN submissions_submission s ON s.enrollment_id = en.id AND s.exercise_id = e.id
        WHERE ro.slug = %(round)s AND en.user_id = %(user)s AND en.role = 'participant'
          AND en.status IN ('accepted', 'active')
        ORDER BY p.position
    """,
    # The first page of submitted work waiting in the cohort, oldest first.
    "queue": """
        SELECT u.display_name, e.title, un.number, un.title, s.submitted_at, s.status,
               (SELECT max(rv.number) FROM submissions_revision rv WHERE rv.submission_id = s.id)
        FROM cohorts_cohort c
        JOIN rounds_round ro ON ro.id = c.round_id
        JOIN cohorts_placement pl ON pl.cohort_id = c.id
        JOIN rounds_enrollment en ON en.id = pl.enrollment_id
        JOIN accounts_user u ON u.id = en.user_id
        JOIN submissions_submission s ON s.enrollment_id = en.id
        JOIN courses_exercise e ON e.id = s.exercise_id
        JOIN courses_unit un ON un.id = e.unit_id AND un.course_id = ro.course_id
        WHERE c.id = %(cohort)s AND s.status = 'submitted'
          AND en.status NOT IN ('dropped', 'declined')
          AND EXISTS (SELECT 1 FROM cohorts_cohort_facilitators cf
                      JOIN rounds_enrollment fe ON fe.id = cf.enrollment_id
                      WHERE cf.cohort_id = c.id AND fe.user_id = %(user)s)
        ORDER BY s.submitted_at, s.id
        LIMIT 50
    """,
    # One row per participant and session: readings done, exercises handed in, attendance.
    "cohort": """
        SELECT u.display_name, en.status, un.number,
               (SELECT count(*) FROM courses_resourcecompletion rc
                JOIN courses_resource r ON r.id = rc.resource_id
                WHERE rc.user_id = u.id AND r.unit_id = un.id) AS done,
               (SELECT string_agg(s.status, ' ' ORDER BY e.position)
                FROM courses_exercise e
                LEFT JOIN submissions_submission s
                  ON s.exercise_id = e.id AND s.enrollment_id = en.id
                WHERE e.unit_id = un.id) AS work,
               (SELECT a.status FROM cohorts_attendance a
                JOIN cohorts_meeting m ON m.id = a.meeting_id
                WHERE a.enrollment_id = en.id AND m.unit_id = un.id LIMIT 1) AS attended
        FROM cohorts_cohort c
        JOIN cohorts_placement pl ON pl.cohort_id = c.id
        JOIN rounds_enrollment en ON en.id = pl.enrollment_id
        JOIN accounts_user u ON u.id = en.user_id
        JOIN rounds_roundunit ru ON ru.round_id = c.round_id
        JOIN courses_unit un ON un.id = ru.unit_id
        WHERE c.id = %(cohort)s
          AND EXISTS (SELECT 1 FROM cohorts_cohort_facilitators cf
                      JOIN rounds_enrollment fe ON fe.id = cf.enrollment_id
                      WHERE cf.cohort_id = c.id AND fe.user_id = %(user)s)
        ORDER BY lower(u.display_name), u.email, ru.week_starts_on
    """,
    # Per cohort and session: participants, who did all readings, handed in all work, attended.
    "round": """
        WITH ro AS (SELECT id FROM rounds_round WHERE slug = %(round)s),
        people AS (
            SELECT pl.cohort_id, en.id AS enrollment_id, en.user_id
            FROM cohorts_placement pl
            JOIN rounds_enrollment en ON en.id = pl.enrollment_id
            WHERE en.round_id = (SELECT id FROM ro) AND en.status NOT IN ('dropped', 'declined')
        ),
        units AS (
            SELECT un.id, un.number,
                   (SELECT count(*) FROM courses_resource r WHERE r.unit_id = un.id) AS resources,
                   (SELECT count(*) FROM courses_exercise e WHERE e.unit_id = un.id) AS exercises
            FROM rounds_roundunit ru JOIN courses_unit un ON un.id = ru.unit_id
            WHERE ru.round_id = (SELECT id FROM ro)
        ),
        readings AS (
            SELECT p.cohort_id, d.unit_id, count(*) AS n FROM (
                SELECT rc.user_id, r.unit_id, count(*) AS done
                FROM courses_resourcecompletion rc
                JOIN courses_resource r ON r.id = rc.resource_id
                WHERE rc.user_id IN (SELECT user_id FROM people)
                GROUP BY rc.user_id, r.unit_id
            ) d
            JOIN units u ON u.id = d.unit_id AND d.done >= u.resources
            JOIN people p ON p.user_id = d.user_id
            GROUP BY p.cohort_id, d.unit_id
        ),
        handed AS (
            SELECT p.cohort_id, h.unit_id, count(*) AS n FROM (
                SELECT s.enrollment_id, e.unit_id, count(*) AS done
                FROM submissions_submission s
                JOIN courses_exercise e ON e.id = s.exercise_id
                WHERE s.status IN ('submitted', 'accepted')
                GROUP BY s.enrollment_id, e.unit_id
            ) h
            JOIN units u ON u.id = h.unit_id AND h.done >= u.exercises
            JOIN people p ON p.enrollment_id = h.enrollment_id
            GROUP BY p.cohort_id, h.unit_id
        ),
        attended AS (
            SELECT p.cohort_id, m.unit_id, count(DISTINCT a.enrollment_id) AS n
            FROM cohorts_attendance a
            JOIN cohorts_meeting m ON m.id = a.meeting_id
            JOIN people p ON p.enrollment_id = a.enrollment_id AND p.cohort_id = m.cohort_id
            WHERE a.status = 'present' AND m.starts_at <= now() AND NOT m.is_cancelled
            GROUP BY p.cohort_id, m.unit_id
        ),
        sizes AS (SELECT cohort_id, count(*) AS n FROM people GROUP BY cohort_id)
        SELECT c.name, u.number, coalesce(z.n, 0),
               coalesce(rd.n, 0), coalesce(hd.n, 0), coalesce(at.n, 0)
        FROM cohorts_cohort c
        CROSS JOIN units u
        LEFT JOIN sizes z ON z.cohort_id = c.id
        LEFT JOIN readings rd ON rd.cohort_id = c.id AND rd.unit_id = u.id
        LEFT JOIN handed hd ON hd.cohort_id = c.id AND hd.unit_id = u.id
        LEFT JOIN attended at ON at.cohort_id = c.id AND at.unit_id = u.id
        WHERE c.round_id = (SELECT id FROM ro)
        ORDER BY c.name, c.id, u.number
    """,
    # Everything on the analytics page, as rows of (part, label, six figures): the funnel,
    # who was active each week, each session, each resource, each cohort and each facilitator.
    # On the 5,000-participant round this one statement is slower than the page's sixteen
    # grouped queries: its CTEs are scanned without indexes, and it is big enough that
    # PostgreSQL JIT-compiles it (about 175 ms of the total), so the page's ratio is below 1.
    "analytics": """
        WITH ro AS (SELECT id, course_id FROM rounds_round WHERE slug = %(round)s),
        people AS (
            SELECT en.id, en.user_id, en.status,
                   EXISTS (SELECT 1 FROM cohorts_placement pl WHERE pl.enrollment_id = en.id)
                       AS placed
            FROM rounds_enrollment en
            WHERE en.round_id = (SELECT id FROM ro) AND en.role = 'participant'
        ),
        taking AS (SELECT * FROM people WHERE status IN ('accepted', 'active', 'completed')),
        weeks AS (
            SELECT ru.unit_id, un.number, ru.due_at,
                   ru.week_starts_on::timestamp AT TIME ZONE 'UTC' AS starts,
                   (SELECT count(*) FROM courses_resource r WHERE r.unit_id = un.id) AS resources,
                   (SELECT count(*) FROM courses_exercise e WHERE e.unit_id = un.id) AS exercises
            FROM rounds_roundunit ru JOIN courses_unit un ON un.id = ru.unit_id
            WHERE ru.round_id = (SELECT id FROM ro)
        ),
        held AS (
            SELECT m.id, m.unit_id, m.cohort_id FROM cohorts_meeting m
            JOIN cohorts_cohort c ON c.id = m.cohort_id
            WHERE c.round_id = (SELECT id FROM ro) AND m.starts_at <= now() AND NOT m.is_cancelled
        ),
        present AS (
            SELECT a.enrollment_id, h.unit_id, h.cohort_id FROM cohorts_attendance a
            JOIN held h ON h.id = a.meeting_id WHERE a.status = 'present'
        ),
        members AS (
            SELECT pl.cohort_id, en.id AS enrollment_id,
                   en.status NOT IN ('declined', 'dropped', 'left', 'deferred') AS staying
            FROM cohorts_placement pl JOIN rounds_enrollment en ON en.id = pl.enrollment_id
            WHERE en.round_id = (SELECT id FROM ro)
        ),
        done AS (
            SELECT rc.resource_id, count(*) AS n FROM courses_resourcecompletion rc
            JOIN taking t ON t.user_id = rc.user_id GROUP BY rc.resource_id
        ),
        sizes AS (
            SELECT cohort_id, count(*) AS placed, count(*) FILTER (WHERE staying) AS staying
            FROM members GROUP BY cohort_id
        ),
        meetings AS (SELECT cohort_id, count(*) AS n FROM held GROUP BY cohort_id),
        presences AS (
            SELECT pr.cohort_id, count(*) AS n FROM present pr
            JOIN members m ON m.enrollment_id = pr.enrollment_id AND m.cohort_id = pr.cohort_id
            WHERE m.staying GROUP BY pr.cohort_id
        ),
        waiting AS (
            SELECT m.cohort_id, count(*) AS n FROM submissions_submission s
            JOIN members m ON m.enrollment_id = s.enrollment_id
            WHERE m.staying AND s.status = 'submitted' GROUP BY m.cohort_id
        ),
        cohorts AS (
            SELECT c.id, c.name, coalesce(z.placed, 0) AS placed,
                   coalesce(z.staying, 0) AS staying, coalesce(mt.n, 0) AS held,
                   coalesce(pc.n, 0) AS present, coalesce(wt.n, 0) AS waiting
            FROM cohorts_cohort c
            LEFT JOIN sizes z ON z.cohort_id = c.id
            LEFT JOIN meetings mt ON mt.cohort_id = c.id
            LEFT JOIN presences pc ON pc.cohort_id = c.id
            LEFT JOIN waiting wt ON wt.cohort_id = c.id
            WHERE c.round_id = (SELECT id FROM ro)
        ),
        due AS (
            SELECT h.unit_id, count(*) AS n FROM held h
            JOIN members m ON m.cohort_id = h.cohort_id WHERE m.staying GROUP BY h.unit_id
        ),
        attended AS (
            SELECT pr.unit_id, count(DISTINCT pr.enrollment_id) AS n FROM present pr
            JOIN people p ON p.id = pr.enrollment_id
            WHERE p.status NOT IN ('declined', 'dropped', 'left', 'deferred')
            GROUP BY pr.unit_id
        ),
        readings AS (
            SELECT r.unit_id, sum(d.n) AS n FROM done d
            JOIN courses_resource r ON r.id = d.resource_id GROUP BY r.unit_id
        ),
        handed AS (
            SELECT e.unit_id, count(*) AS n FROM submissions_submission s
            JOIN taking t ON t.id = s.enrollment_id
            JOIN courses_exercise e ON e.id = s.exercise_id
            WHERE s.status IN ('submitted', 'accepted') GROUP BY e.unit_id
        ),
        rated AS (
            SELECT sr.unit_id, count(*) AS n, avg(sr.rating) AS average
            FROM feedback_sessionrating sr JOIN people p ON p.id = sr.enrollment_id
            GROUP BY sr.unit_id
        ),
        said AS (
            SELECT rr.resource_id, count(*) FILTER (WHERE rr.worth_it) AS yes,
                   count(*) FILTER (WHERE NOT rr.worth_it) AS no,
                   count(*) FILTER (WHERE rr.note <> '') AS notes
            FROM feedback_resourcerating rr JOIN people p ON p.id = rr.enrollment_id
            GROUP BY rr.resource_id
        )
        SELECT 1 AS part, '' AS label, count(*) AS a,
               count(*) FILTER (WHERE status IN ('accepted', 'active', 'completed', 'dropped')
                                OR placed) AS b,
               count(*) FILTER (WHERE placed) AS c,
               count(*) FILTER (WHERE id IN (SELECT enrollment_id FROM present
                                             WHERE unit_id = (SELECT unit_id FROM weeks
                                                              ORDER BY starts LIMIT 1))) AS d,
               count(*) FILTER (WHERE status = 'completed') AS e,
               (SELECT count(*) FROM certificates_certificate ce
                JOIN people p ON p.id = ce.enrollment_id WHERE ce.revoked_at IS NULL) AS f
        FROM people
        UNION ALL
        SELECT 2, w.number::text, (
            SELECT count(*) FROM people p
            WHERE p.id IN (SELECT pr.enrollment_id FROM present pr WHERE pr.unit_id = w.unit_id)
               OR p.user_id IN (SELECT rc.user_id FROM courses_resourcecompletion rc
                                WHERE rc.completed_at >= w.starts
                                  AND rc.completed_at < w.starts + interval '7 days')
               OR p.id IN (SELECT s.enrollment_id FROM submissions_submission s
                           WHERE (s.created_at >= w.starts
                                  AND s.created_at < w.starts + interval '7 days')
                              OR (s.updated_at >= w.starts
                                  AND s.updated_at < w.starts + interval '7 days'))
               OR p.id IN (SELECT s.enrollment_id FROM submissions_revision rv
                           JOIN submissions_submission s ON s.id = rv.submission_id
                           WHERE rv.created_at >= w.starts
                             AND rv.created_at < w.starts + interval '7 days')
        ), 0, 0, 0, 0, 0
        FROM weeks w WHERE w.starts <= now()
        UNION ALL
        SELECT 3, w.number::text, coalesce(du.n, 0), coalesce(at.n, 0), coalesce(rd.n, 0),
               coalesce(hd.n, 0), coalesce(ra.n, 0), ra.average
        FROM weeks w
        LEFT JOIN due du ON du.unit_id = w.unit_id
        LEFT JOIN attended at ON at.unit_id = w.unit_id
        LEFT JOIN readings rd ON rd.unit_id = w.unit_id
        LEFT JOIN handed hd ON hd.unit_id = w.unit_id
        LEFT JOIN rated ra ON ra.unit_id = w.unit_id
        UNION ALL
        SELECT 4, r.title, coalesce(d.n, 0), coalesce(sd.yes, 0), coalesce(sd.no, 0),
               coalesce(sd.notes, 0), 0, 0
        FROM weeks w JOIN courses_resource r ON r.unit_id = w.unit_id
        LEFT JOIN done d ON d.resource_id = r.id
        LEFT JOIN said sd ON sd.resource_id = r.id
        UNION ALL
        SELECT 5, c.name, c.placed, c.staying, c.held, c.present, c.waiting, 0 FROM cohorts c
        UNION ALL
        SELECT 6, u.display_name, count(c.id), sum(c.placed), sum(c.staying), sum(c.held),
               sum(c.present), sum(c.waiting)
        FROM rounds_enrollment fe JOIN accounts_user u ON u.id = fe.user_id
        LEFT JOIN cohorts_cohort_facilitators cf ON cf.enrollment_id = fe.id
        LEFT JOIN cohorts c ON c.id = cf.cohort_id
        WHERE fe.round_id = (SELECT id FROM ro) AND fe.role = 'facilitator'
        GROUP BY fe.id, u.display_name
        ORDER BY 1, 2
    """,
}


# What the site's menu shows about the person (templates/base.html reads it as
# `nav`), joined to every page's statement so that the floor, layout included,
# still reads its data in one statement.
MENU = """
    SELECT (SELECT count(*) FROM reminders_notification n
            WHERE n.user_id = %(user)s AND n.read_at IS NULL) AS unread,
           EXISTS (SELECT 1 FROM rounds_enrollment f
                   WHERE f.user_id = %(user)s AND f.role = 'facilitator'
                     AND f.status NOT IN ('declined', 'dropped', 'left', 'deferred'))
               AS facilitates,
           EXISTS (SELECT 1 FROM rounds_enrollment f
                   WHERE f.user_id = %(user)s AND f.role = 'facilitator' AND f.is_lead
                     AND f.status NOT IN ('declined', 'dropped', 'left', 'deferred')) AS leads
"""
MENU_COLUMNS = 3


def fetch(page: str, params: dict) -> tuple[dict, list[str], list[tuple]]:
    """The menu's facts, and the page's columns and rows, from one statement."""
    statement = f"SELECT * FROM ({MENU}) menu LEFT JOIN LATERAL ({SQL[page]}) page ON true"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        columns = [col.name for col in cursor.description]
        rows = cursor.fetchall()
    menu = dict(zip(columns[:MENU_COLUMNS], rows[0][:MENU_COLUMNS], strict=True))
    return menu, columns[MENU_COLUMNS:], [row[MENU_COLUMNS:] for row in rows]


def _floor(request, page: str, params: dict):
    menu, columns, rows = fetch(page, {**params, "user": request.user.pk})
    # `nav` given here takes the place of the context processor's, which would
    # read the same facts with a query of its own.
    context = {"title": f"Floor: {page}", "columns": columns, "rows": rows, "nav": menu}
    return render(request, "bench/floor.html", context)


@login_required
def unit(request, slug, number):
    return _floor(request, "unit", {"slug": slug, "number": number})


@login_required
def answer(request, round_slug, pk):
    return _floor(request, "answer", {"round": round_slug, "exercise": pk})


@login_required
def queue(request, pk):
    return _floor(request, "queue", {"cohort": pk})


@login_required
def cohort(request, pk):
    return _floor(request, "cohort", {"cohort": pk})


@login_required
def round_(request, slug):
    return _floor(request, "round", {"round": slug})


@login_required
def analytics(request, slug):
    return _floor(request, "analytics", {"round": slug})


urlpatterns = [
    path("floor/unit/<slug:slug>/<int:number>/", unit, name="floor-unit"),
    path("floor/answer/<slug:round_slug>/<int:pk>/", answer, name="floor-answer"),
    path("floor/queue/<int:pk>/", queue, name="floor-queue"),
    path("floor/cohort/<int:pk>/", cohort, name="floor-cohort"),
    path("floor/round/<slug:slug>/", round_, name="floor-round"),
    path("floor/analytics/<slug:slug>/", analytics, name="floor-analytics"),
    path("", include("courseplatform.urls")),
]
