# The console's GOV.UK Frontend assets, installed from the committed lock file and compiled.
FROM node:20-slim AS console-assets
WORKDIR /frontend
COPY services/console/frontend/package.json services/console/frontend/package-lock.json services/console/frontend/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY services/console/frontend/src ./src
RUN npm run build

# One image for the three services, the console and the migrate step; the command picks which.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY shared ./shared
COPY services ./services
COPY --from=console-assets /frontend/node_modules/govuk-frontend/dist ./services/console/frontend/node_modules/govuk-frontend/dist
COPY --from=console-assets /frontend/dist ./services/console/frontend/dist
COPY migrations ./migrations
COPY alembic.ini ./
# Compiled here, as pip compiled the packages: PYTHONDONTWRITEBYTECODE (and a user who may
# not write) would otherwise have every process compile every module it imports.
RUN python -m compileall -q shared services migrations
USER nobody
