# molt's GitHub App: `molt serve` (webhook server and a queue worker) as a non-root user.
# Settings come from the environment (`docker run --env-file .env`), the private key as a
# mounted file named by MOLT_PRIVATE_KEY_FILE, the queue and delivery ids live in /data:
# the README's "Docker" paragraph has the whole command.
# The oldest CPython not past end-of-life: the minimum molt moves repositories to by default.
# pip-compile resolves for the Python that runs it, so molt regenerates pip-compile files only
# for its own Python; move this line when that minimum moves (and molt's own floor with it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOLT_DATA_DIR=/data

WORKDIR /opt/molt
COPY pyproject.toml README.md ./
COPY app ./app
COPY rewriters ./rewriters
RUN pip install --no-cache-dir ".[modernise,lock]" \
    && useradd --system --uid 10001 --home-dir /data --create-home molt

USER molt
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["molt", "serve", "--host", "0.0.0.0", "--port", "8000"]
