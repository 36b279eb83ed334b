# One image for every Stacks process: server, edge agents, broker config, seed.
FROM python:3.11-slim-bookworm

# libzbar0 decodes barcode pictures; DejaVu Sans prints Vietnamese on labels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libzbar0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY contract ./contract
COPY server ./server
COPY edge ./edge
COPY devices ./devices
COPY stacks ./stacks
COPY web ./web
# The lock holds every dependency at the version the tests ran with. The screens' translations: .po files are
# the source, compiled here so processes load .mo files.
RUN pip install --no-cache-dir -c requirements.lock . \
    && pybabel compile --domain messages --directory "$(python -c 'import web.catalogs as c; print(c.LOCALE_DIR)')"
COPY config ./config

ENV STACKS_CONFIG_DIR=/app/config \
    STACKS_DATA_DIR=/var/lib/stacks \
    PYTHONUNBUFFERED=1
VOLUME /var/lib/stacks
# Start-up order: `server migrate` (once, before any server), then `server` (as many as needed).
ENTRYPOINT ["stacks"]
