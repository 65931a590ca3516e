#!/usr/bin/env bash
# Starts a Docker Engine in the background unless one already answers, and waits until it does.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
nohup dockerd >/tmp/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "dockerd did not start within 60 s; its log:" >&2
tail -50 /tmp/dockerd.log >&2
exit 1
