# One image for both components; docker-compose.yml picks the command:
#   api     node dist/bin/api.js
#   worker  node dist/bin/worker.js   (loads the prebuilt workflow bundle, WORKFLOW_BUNDLE_PATH)

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY records ./records
COPY workflows ./workflows
COPY activities ./activities
COPY store ./store
COPY platform ./platform
COPY features ./features
COPY bin ./bin
COPY api ./api
COPY worker ./worker
COPY scripts ./scripts
COPY web ./web
# TypeScript to dist/, then the workflow bundle so that workers do not run webpack at start-up, then
# the console (web/dist), which the API serves at /.
RUN npm run build && npm run build:workflows -- dist/workflow-bundle.js && npm run web:build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
