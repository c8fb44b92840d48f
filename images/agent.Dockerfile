# shepherd-agent image: the per-attempt Job program (docs/agent.md). Multi-stage: build on
# debian:bookworm, run on bookworm-slim as a non-root user with a read-only root filesystem (the
# only writable paths are the /workspace emptyDir and /dev/termination-log).
# Build from the repository root: docker build -f images/agent.Dockerfile -t shepherd-agent .
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build ca-certificates \
      libcpprest-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev prometheus-cpp-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHEPHERD_TESTS=OFF \
      -DSHEPHERD_COMPONENTS="rewrite;agent" \
    && cmake --build /build --target shepherd-agent -j"$(nproc)" \
    && strip /build/bin/shepherd-agent

FROM debian:bookworm-slim
# git + openssh-client: clone and push; ca-certificates: TLS to forges and the API server;
# libcpprest2.10: the HTTP client (pulls its boost and OpenSSL runtime libraries).
RUN apt-get update && apt-get install -y --no-install-recommends \
      git openssh-client ca-certificates libcpprest2.10 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 65532 shepherd \
    && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /workspace --shell /usr/sbin/nologin shepherd \
    && mkdir /workspace && chown 65532:65532 /workspace
COPY --from=build /build/bin/shepherd-agent /usr/local/bin/shepherd-agent
ENV SHEPHERD_WORKDIR=/workspace HOME=/workspace
WORKDIR /workspace
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/shepherd-agent"]
