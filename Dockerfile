# One image for the API, the worker and the migrate job (the compose file picks the command), built as the field
# builds Node services: a build stage with the full install compiles the TypeScript, builds the web app and the
# workflow bundle (`npm run build:web`, `npm run build`: dist/), then drops the development dependencies; the runtime
# stage gets only dist/ and the production node_modules, and runs compiled JavaScript with node (no tsx).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build:web && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# node itself, not npm: SIGTERM must reach the process that shuts down in order (docker-compose.yml says why).
CMD ["node", "dist/api/server.js"]
