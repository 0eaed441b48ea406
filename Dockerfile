# Stride's production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    STRIDE_VAR_DIR=/app/var DJANGO_ENV=production

# WeasyPrint needs Pango; libharfbuzz-subset0 keeps font subsetting fast; DejaVu for text.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt
COPY . .
# collectstatic starts Django in production mode: these build-only values pass its refusals
# and are never seen at run time (compose and the orchestrator set the real ones).
RUN SECRET_KEY=build-only-not-a-secret-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build DEBUG=false SITE_URL=https://build.invalid EMAIL_URL=smtp://build.invalid \
    SMS_BACKEND=clinic.messaging.sms.TwilioSmsBackend python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 stride && mkdir -p /app/var && chown -R stride /app/var
USER stride
EXPOSE 8000
CMD ["gunicorn", "clinic.wsgi:application", "--config", "gunicorn.conf.py"]
