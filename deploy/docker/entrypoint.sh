#!/bin/sh
# Container entry point: python main.py <command> [flags] [$TICKETS_OVERRIDES].
# TICKETS_OVERRIDES holds space-separated Hydra overrides (key=value, no spaces inside a value),
# set from the Kubernetes ConfigMap or the compose file, appended to every command, e.g.
#   TICKETS_OVERRIDES="paths.outputs=/data/outputs tracking.tracking_uri=http://mlflow:5000"
set -eu
app_dir="${TICKETS_APP_DIR:-/app}"
# shellcheck disable=SC2086  # word splitting of the overrides is intended
exec python "$app_dir/main.py" "$@" ${TICKETS_OVERRIDES:-}
