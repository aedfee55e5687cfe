# One image for both components; docker-compose.yml picks the command:
#   api     node dist/api/server.js
#   worker  node dist/worker/main.js   (loads the prebuilt workflow bundle, WORKFLOW_BUNDLE_PATH)

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY store ./store
COPY runtime ./runtime
COPY api ./api
COPY worker ./worker
COPY scripts ./scripts
# TypeScript to dist/, then the workflow bundle so that workers do not run webpack at start-up.
RUN npm run build && npm run build:workflows -- dist/workflow-bundle.js

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
