"""Hostile and realistic Markdown, timed against plain prose (see __main__.py and compare.py).

Django is set up here, before any module of the platform is imported: reading
the demo course needs the course-file sections that apps register at start-up.
No database is touched, so debug settings with their defaults do.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseplatform.settings.base")
os.environ.setdefault("DEBUG", "1")
django.setup()
