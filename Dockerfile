# One image for every process of the platform: web, Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=courseplatform.settings.base

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Settings refuse to load without a secret, Redis and a mail host; these values
# only exist for the build step and never reach a running container.
RUN SECRET_KEY=collectstatic-only REDIS_URL=redis://unused:6379/0 EMAIL_HOST=unused \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 courses \
    && mkdir -p var && chown courses var

USER courses
EXPOSE 8000
CMD ["gunicorn", "courseplatform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
