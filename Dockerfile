# stackaudit in a container: `docker build -t stackaudit .`, then
#   docker run --rm -v "$PWD:/work" stackaudit audit stack.toml
# Built with the Rust image (the release profile), run on distroless as the
# non-root user, in /work. Not built by .ci/run (no container runtime there).
FROM rust:1.89-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo install --locked --path . --root /out

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/bin/stackaudit /usr/local/bin/stackaudit
WORKDIR /work
USER nonroot
ENTRYPOINT ["stackaudit"]
