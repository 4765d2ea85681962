# One image for the API and the worker (the compose file picks the command). The web app is built in a first
# stage (its tooling is in devDependencies) and copied in as static files the API serves.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build:web

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev
COPY . .
COPY --from=web /app/web/dist ./web/dist
USER node
EXPOSE 3000
# node itself, not npm: SIGTERM must reach the process that shuts down in order (docker-compose.yml says why).
CMD ["node", "--import", "tsx", "api/server.ts"]
