#!/usr/bin/env bash
# Prints the variables of a config-infra-*.yml file as name=value lines (the format of $GITHUB_OUTPUT), with the
# Azure DevOps style references $(name) filled in, so both CI systems derive the same resource names.
set -euo pipefail
file="${1:?usage: read-config.sh config-infra-dev.yml}"
declare -A values
order=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]+([A-Za-z_][A-Za-z0-9_]*):[[:space:]]*(.*)$ ]] || continue
  key="${BASH_REMATCH[1]}"
  value="${BASH_REMATCH[2]%%#*}"
  value="$(sed -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/" <<<"$value")"
  values[$key]="$value"
  order+=("$key")
done <"$file"
for key in "${order[@]}"; do
  value="${values[$key]}"
  while [[ "$value" =~ \$\(([A-Za-z_][A-Za-z0-9_]*)\) ]]; do
    name="${BASH_REMATCH[1]}"
    value="${value//\$\($name\)/${values[$name]:-}}"
  done
  values[$key]="$value"
  echo "$key=$value"
done
