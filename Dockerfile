# The portal image: the same deploy/run-prod roles as `make prod` (release, web, worker,
# beat). compose.yaml wires them to PostgreSQL and Redis. Keep this file free of anything
# `make prod` does not also do.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BIN=/opt/venv/bin \
    BIND=0.0.0.0:8000

# pg_dump/pg_restore for deploy/backup and deploy/restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

COPY . .
# Each compose service is a container of its own: the catalogues and static files the
# release role writes stay in the release container, so web and worker get them from the
# image (the same commands; release finds them up to date). Without, every page was a 500
# ("Missing staticfiles manifest entry") while /health/ said ok, and e-mails were English.
RUN /opt/venv/bin/python manage.py compile_translations \
    && /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0
# The release role writes var/ (static files, beat schedule) and the compiled catalogues.
# var/beat is compose's beat volume: a volume mounted where the image has no directory
# starts owned by root, and beat could not write its schedule there.
RUN useradd --system --uid 10001 --home /app opo && mkdir -p var/beat && chown -R opo var \
    && find . -path '*/locale/*/LC_MESSAGES' -type d -exec chown -R opo {} +
USER opo

EXPOSE 8000
ENTRYPOINT ["deploy/run-prod"]
CMD ["web"]
