# kubelet-authz in a container. Not built on the project's machines (they have no Docker
# engine), so this file is written to the official images' documented layout, not tested here.
#
#   docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD) -t kubelet-authz .   (or: make image)
#   docker run --rm kubelet-authz scan --demo
#   docker run --rm -v ~/.kube/config:/home/kubelet-authz/.kube/config:ro kubelet-authz scan
#     (exec credential plugins such as aws or gke-gcloud-auth-plugin are not in the image)
#
# Both stages are Debian 12: the binary links the build image's glibc, so the runtime image
# must have the same or a newer one.

FROM swift:6.3-bookworm AS build
# zlib's headers for compress-nio; the official images have them, but say so rather than rely on it.
RUN apt-get update && apt-get install -y --no-install-recommends zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve first so that a source change does not fetch the dependencies again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
# The manifest names the test targets too; SwiftPM wants their directories to exist.
COPY Tests ./Tests
COPY scripts/with-build-info.sh ./scripts/
# The context has no .git (see .dockerignore), so the commit comes in as a build argument.
ARG GIT_COMMIT=""
ARG GIT_TREE_STATE=""
RUN KUBELET_AUTHZ_GIT_COMMIT="$GIT_COMMIT" KUBELET_AUTHZ_GIT_TREE_STATE="$GIT_TREE_STATE" \
        scripts/with-build-info.sh swift build -c release --static-swift-stdlib --product kubelet-authz \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/kubelet-authz" /out/kubelet-authz

FROM debian:bookworm-slim
# The static-stdlib binary still needs libstdc++ and zlib; CA certificates for API servers
# whose kubeconfig does not carry their CA.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libstdc++6 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/kubelet-authz kubelet-authz
COPY --from=build /out/kubelet-authz /usr/local/bin/kubelet-authz
COPY examples /usr/local/share/kubelet-authz/examples
# --demo finds the examples next to the binary by its path; say where they are for any argv[0].
ENV KUBELET_AUTHZ_EXAMPLES=/usr/local/share/kubelet-authz/examples
USER 10001:10001
WORKDIR /home/kubelet-authz
ENTRYPOINT ["kubelet-authz"]
CMD ["--help"]
