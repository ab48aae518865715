# newstag: multi-stage build on Debian bookworm. The build stage compiles, runs the whole
# test suite (make test) and imports the default gazetteers into LMDB; the runtime stage
# holds only the runtime libraries, the two binaries, the models and the dictionary.
FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libjansson-dev liblmdb-dev \
      libutf8proc-dev libgumbo-dev curl python3 ca-certificates procps >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make clean && make test && make \
 && mkdir -p /out/data && build/newstag import --db /out/data/newstag.mdb gazetteers/*.tsv

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libmicrohttpd12 libjansson4 liblmdb0 libutf8proc2 libgumbo1 curl ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newstag
WORKDIR /app
COPY --from=build /src/build/newstagd /src/build/newstag /usr/local/bin/
COPY --from=build /src/models /app/models
COPY --from=build /src/docs/openapi.yaml /src/docs/demo.html /app/docs/
COPY --from=build --chown=newstag:newstag /out/data /app/data
USER newstag
EXPOSE 8080
ENV NEWSTAG_PORT=8080 NEWSTAG_DB=/app/data/newstag.mdb NEWSTAG_MODELS=/app/models
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["newstagd", "--listen", "0.0.0.0", "--port", "8080", "--db", "/app/data/newstag.mdb", "--models", "/app/models", "--openapi", "/app/docs/openapi.yaml", "--demo", "/app/docs/demo.html"]
