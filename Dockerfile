# Nexatron: `docker build --build-arg EXTRAS=postgres,redis -t nexatron .` (see docs/deploy.md).
# The same install as the README's first command (pip install of the project with its extras),
# into a virtualenv copied into a slim runtime image that runs as an unprivileged user.
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ARG EXTRAS=postgres,redis
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m venv /opt/nexatron \
    && /opt/nexatron/bin/pip install --no-cache-dir ".[${EXTRAS}]"

FROM python:${PYTHON_VERSION}-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/nexatron --create-home nexatron
COPY --from=build /opt/nexatron /opt/nexatron
ENV PATH=/opt/nexatron/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEXATRON_DATA_DIR=/var/lib/nexatron \
    NEXATRON_HOST=0.0.0.0 \
    NEXATRON_PORT=8000
USER 10001:10001
WORKDIR /var/lib/nexatron
# Owned by the app user, so the named volumes mounted here (compose.yaml) start writable by it.
RUN mkdir -p files journal
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["nexatron", "serve", "--workers", "2"]
