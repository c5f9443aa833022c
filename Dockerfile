# One image for the three services and the migrate step; the command picks which.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY shared ./shared
COPY services ./services
COPY migrations ./migrations
COPY alembic.ini ./
USER nobody
