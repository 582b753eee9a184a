# syntax=docker/dockerfile:1
# The tickets platform: API, retrain/drift jobs and the MLflow tracking server, one image.
#   docker build -t tickets:latest .
#   docker compose -f deploy/docker-compose.yml up -d
# Stage 1 builds a virtualenv (CPU-only torch); stage 2 copies it into a slim runtime that runs
# as a non-root user. The playbook is docs/operations.md.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# torch first, from the CPU wheel index, pinned; the constraint keeps the later install from
# swapping in a CUDA build (never unpin: torch==2.13.0)
RUN echo "torch==2.13.0" > /tmp/constraints.txt \
 && pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install -c /tmp/constraints.txt ".[ml,deep,retrieval,anomaly,service]"

FROM ${PYTHON_IMAGE} AS runtime
ARG UID=10001
RUN groupadd --system --gid ${UID} tickets \
 && useradd --system --uid ${UID} --gid tickets --home-dir /app --shell /usr/sbin/nologin tickets
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY main.py pyproject.toml ./
COPY src ./src
COPY conf ./conf
COPY assets ./assets
COPY deploy/docker/entrypoint.sh ./deploy/docker/entrypoint.sh
RUN mkdir -p /app/outputs && chown -R tickets:tickets /app/outputs \
 && chmod 0755 /app/deploy/docker/entrypoint.sh
# PYTHONPATH: the package runs from /app/src, so conf/ and assets/ resolve under /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/src \
    PYTHONUNBUFFERED=1 \
    MLFLOW_DISABLE_TELEMETRY=true \
    TICKETS_CONF_DIR=/app/conf \
    TICKETS_APP_DIR=/app \
    HF_HUB_OFFLINE=1
USER tickets
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
