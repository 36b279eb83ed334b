# One image for every Stacks process: server, edge agents, broker config, seed.
FROM python:3.11-slim-bookworm

# libzbar0 decodes barcode pictures; DejaVu Sans prints Vietnamese on labels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libzbar0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY contract ./contract
COPY server ./server
COPY edge ./edge
COPY devices ./devices
COPY stacks ./stacks
RUN pip install --no-cache-dir .
COPY config ./config

ENV STACKS_CONFIG_DIR=/app/config \
    STACKS_DATA_DIR=/var/lib/stacks \
    PYTHONUNBUFFERED=1
VOLUME /var/lib/stacks
# Start-up order: `server migrate` (once, before any server), then `server` (as many as needed).
ENTRYPOINT ["stacks"]
