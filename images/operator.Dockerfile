# shepherd-operator image. Multi-stage: build on debian:bookworm with the Debian packages the
# project builds with, run on bookworm-slim with only the runtime libraries, as a non-root user
# (65532), read-only root filesystem friendly (the operator writes nothing to disk).
# Build from the repository root: docker build -f images/operator.Dockerfile -t shepherd-operator .
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build ca-certificates \
      libcpprest-dev libssl-dev libboost-system-dev nlohmann-json3-dev libyaml-cpp-dev prometheus-cpp-dev \
      zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHEPHERD_TESTS=OFF \
      -DSHEPHERD_COMPONENTS="runtime;controllers;operator" \
    && cmake --build /build --target shepherd-operator -j"$(nproc)" \
    && strip /build/bin/shepherd-operator

FROM debian:bookworm-slim
# libcpprest2.10: HTTP(S) client and the probe listener (pulls boost and OpenSSL runtime libraries);
# libyaml-cpp0.7: kubeconfig; libprometheus-cpp-*: /metrics; zlib1g: the compact caches.
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates libcpprest2.10 libyaml-cpp0.7 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 zlib1g \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/bin/shepherd-operator /usr/local/bin/shepherd-operator
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/shepherd-operator"]
