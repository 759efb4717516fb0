# Sourced by the stand-in kubectl and cockroach (stubs/): where a recorded answer is.
# lookup <path>: the first scenario directory, from $STUB_SCENARIO along its `inherit` chain
# (a file naming the scenario it extends), that has <path>.
lookup() {
  local dir=$STUB_SCENARIO
  while [ -n "$dir" ]; do
    if [ -e "$dir/$1" ]; then printf '%s' "$dir/$1"; return 0; fi
    if [ -f "$dir/inherit" ]; then dir=$(dirname "$dir")/$(cat "$dir/inherit"); else dir=""; fi
  done
  return 1
}
